package alert

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
	"time"
)

// MaxRedirects is how many redirects a webhook or Slack delivery follows. Each
// hop dials through the same guard, so a redirect to an internal address fails.
const MaxRedirects = 3

// Lookup resolves a host name to its addresses.
type Lookup func(ctx context.Context, host string) ([]netip.Addr, error)

// guard is the one way notifications leave the process: every webhook, Slack
// and SMTP connection dials through it. It refuses internal addresses
// (blockedReason) on the address actually connected to, in the dialer's
// Control hook, so neither a name that resolves inside, nor DNS rebinding, nor
// a redirect gets through. Hosts in allow (the admin's named internal hosts,
// for organisation channels only) are dialled without the check.
type guard struct {
	allow  map[string]bool // Lower-case host names and IP addresses.
	lookup Lookup
	dialer net.Dialer
}

// errRefused marks a delivery refused by the guard; it is never retried.
var errRefused = errors.New("refused")

// refusedError names the address a delivery may not reach, and why.
type refusedError struct {
	host, addr, reason string
}

func (e *refusedError) Error() string {
	what := e.addr + ", " + withArticle(e.reason) + " address"
	if e.host == e.addr {
		what = withArticle(e.reason) + " address"
	}
	return fmt.Sprintf("refusing to connect to %s (%s): notifications may only reach public addresses "+
		"unless the host is allowed (LLMCOST_ALERT_ALLOW_HOSTS)", e.host, what)
}

func (e *refusedError) Is(target error) bool { return target == errRefused }

func newGuard(allow []string, lookup Lookup) *guard {
	g := &guard{allow: map[string]bool{}, lookup: lookup}
	for _, h := range allow {
		g.allow[canonicalHost(h)] = true
	}
	if g.lookup == nil {
		g.lookup = func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		}
	}
	g.dialer = net.Dialer{Timeout: 10 * time.Second, Control: func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("refusing to connect to %q: not an IP address", address)
		}
		if reason := blockedReason(ap.Addr()); reason != "" {
			return &refusedError{host: ap.Addr().String(), addr: ap.Addr().String(), reason: reason}
		}
		return nil
	}}
	return g
}

// canonicalHost lower-cases a host and drops IPv6 brackets and a trailing dot.
func canonicalHost(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	return strings.TrimSuffix(h, ".")
}

// DialContext connects to addr ("host:port"): to the first of the host's
// addresses that answers, skipping internal ones unless the host is allowed.
func (g *guard) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	ips, err := g.resolve(ctx, host)
	if err != nil {
		return nil, err
	}
	dialer := &g.dialer
	if g.allow[canonicalHost(host)] {
		dialer = &net.Dialer{Timeout: g.dialer.Timeout}
	}
	var errs []error
	for _, ip := range ips {
		if reason := blockedReason(ip); reason != "" && dialer.Control != nil {
			errs = append(errs, &refusedError{host: host, addr: ip.String(), reason: reason})
			continue
		}
		conn, err := dialer.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
		if err == nil {
			return conn, nil
		}
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		return nil, fmt.Errorf("%s has no addresses", host)
	}
	return nil, errors.Join(errs...)
}

// resolve returns the addresses of host: itself when it is an IP address in
// any spelling (including the decimal, octal and hex forms resolvers accept,
// such as 2130706433 for 127.0.0.1), else what the lookup answers.
func (g *guard) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	if ip, ok := literalIP(host); ok {
		return []netip.Addr{ip}, nil
	}
	return g.lookup(ctx, host)
}

// httpClient returns a client whose every connection, redirects included,
// dials through g; proxies from the environment are not used, since a proxy
// would connect on the guard's behalf.
func (g *guard) httpClient() *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			DialContext:         g.DialContext,
			TLSHandshakeTimeout: 10 * time.Second,
			ForceAttemptHTTP2:   true,
			MaxIdleConns:        10,
			IdleConnTimeout:     90 * time.Second,
		},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > MaxRedirects {
				return fmt.Errorf("stopped after %d redirects", MaxRedirects)
			}
			return nil
		},
	}
}
