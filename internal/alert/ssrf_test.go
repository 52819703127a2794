package alert_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/alert"
	"github.com/llmcost/llmcost/internal/auth"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/httpapi"
	"github.com/llmcost/llmcost/internal/query"
)

// internalService is a loopback-only HTTP service that counts every
// connection made to it, whether or not a request follows.
type internalService struct {
	srv   *httptest.Server
	conns atomic.Int64
	port  string
}

func newInternalService(t *testing.T) *internalService {
	s := &internalService{}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "secret internal answer")
	}))
	s.srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.srv.Start()
	t.Cleanup(s.srv.Close)
	_, s.port, _ = net.SplitHostPort(s.srv.Listener.Addr().String())
	return s
}

// testLookup is the resolver of the SSRF tests: there is no public DNS here,
// so names resolve from this table, and any other name fails.
func testLookup(names map[string][]string) alert.Lookup {
	return func(ctx context.Context, host string) ([]netip.Addr, error) {
		var out []netip.Addr
		for _, a := range names[strings.ToLower(host)] {
			out = append(out, netip.MustParseAddr(a))
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("lookup %s: no such host", host)
		}
		return out, nil
	}
}

// ssrfEngine returns an engine over an empty store whose deliveries resolve
// names with lookup; allow is the admin's allow-list.
func ssrfEngine(t *testing.T, allow []string, lookup alert.Lookup) *alert.Engine {
	t.Helper()
	db, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	now := func() time.Time { return time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC) }
	return alert.New(alert.Config{Query: query.NewService(db, now), Store: db, Alerts: db, AllowHosts: allow, Lookup: lookup,
		Retry: alert.Retry{Attempts: 3, Backoff: time.Millisecond, Timeout: 5 * time.Second}})
}

// testChannel saves c for p with a rule using it, sends a test notification
// and returns the event as p sees it.
func testChannel(t *testing.T, e *alert.Engine, p cost.Principal, c cost.AlertChannel) *cost.AlertEvent {
	t.Helper()
	ctx := context.Background()
	if err := e.SaveChannel(ctx, p, &c); err != nil {
		t.Fatalf("save channel %s: %v", c.URL+c.SMTPHost, err)
	}
	r := &cost.AlertRule{Name: "Spike", Kind: cost.AlertAnomaly, Channels: []string{c.ID}, Enabled: true}
	if err := e.SaveRule(ctx, p, r); err != nil {
		t.Fatal(err)
	}
	ev, err := e.TestRule(ctx, p, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Deliveries) != 1 {
		t.Fatalf("deliveries = %+v, want one", ev.Deliveries)
	}
	return ev
}

// TestDelivery_RefusesInternalAddresses sends organisation (admin) channels at
// every spelling of an internal address the red team used, with no allowed
// hosts: each delivery fails at the dial, without retrying, and the loopback
// service sees no connection at all.
func TestDelivery_RefusesInternalAddresses(t *testing.T) {
	svc := newInternalService(t)
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusTemporaryRedirect)
	}))
	t.Cleanup(redirector.Close)
	_, redirPort, _ := net.SplitHostPort(redirector.Listener.Addr().String())
	redirect := func(to string) string {
		return "http://redirector.test:" + redirPort + "/?to=" + to
	}
	lookup := testLookup(map[string][]string{
		"localhost":       {"127.0.0.1", "::1"},
		"rebind.test":     {"127.0.0.1"},
		"mixed.test":      {"10.1.2.3", "127.0.0.1"},
		"redirector.test": {"127.0.0.1"},
	})
	// The redirector is the one allowed host: a public receiver's stand-in.
	e := ssrfEngine(t, []string{"redirector.test"}, lookup)
	p := svc.port
	tests := []struct {
		name string
		ch   cost.AlertChannel
	}{
		{"LoopbackIPv4", cost.AlertChannel{Type: cost.ChannelWebhook, URL: "http://127.0.0.1:" + p + "/hook"}},
		{"LoopbackIPv6", cost.AlertChannel{Type: cost.ChannelWebhook, URL: "http://[::1]:" + p + "/hook"}},
		{"Localhost", cost.AlertChannel{Type: cost.ChannelWebhook, URL: "http://localhost:" + p + "/hook"}},
		{"Unspecified", cost.AlertChannel{Type: cost.ChannelWebhook, URL: "http://0.0.0.0:" + p + "/hook"}},
		{"DecimalLoopback", cost.AlertChannel{Type: cost.ChannelWebhook, URL: "http://2130706433:" + p + "/hook"}},
		{"OctalLoopback", cost.AlertChannel{Type: cost.ChannelWebhook, URL: "http://0177.0.0.1:" + p + "/hook"}},
		{"HexShortLoopback", cost.AlertChannel{Type: cost.ChannelWebhook, URL: "http://0x7f.1:" + p + "/hook"}},
		{"MappedIPv6Loopback", cost.AlertChannel{Type: cost.ChannelWebhook, URL: "http://[::ffff:127.0.0.1]:" + p + "/hook"}},
		{"Metadata", cost.AlertChannel{Type: cost.ChannelWebhook, URL: "http://169.254.169.254/latest/meta-data/"}},
		{"MetadataIPv6", cost.AlertChannel{Type: cost.ChannelWebhook, URL: "http://[fd00:ec2::254]/latest/meta-data/"}},
		{"Private", cost.AlertChannel{Type: cost.ChannelWebhook, URL: "http://10.0.0.1/hook"}},
		{"CGNAT", cost.AlertChannel{Type: cost.ChannelWebhook, URL: "http://100.64.0.1/hook"}},
		{"NameResolvingToLoopback", cost.AlertChannel{Type: cost.ChannelWebhook, URL: "http://rebind.test:" + p + "/hook"}},
		{"NameResolvingToPrivateAndLoopback", cost.AlertChannel{Type: cost.ChannelWebhook, URL: "http://mixed.test:" + p + "/hook"}},
		{"RedirectToLoopback", cost.AlertChannel{Type: cost.ChannelWebhook, URL: redirect("http://127.0.0.1:" + p + "/hook")}},
		{"RedirectToLocalhost", cost.AlertChannel{Type: cost.ChannelWebhook, URL: redirect("http://localhost:" + p + "/hook")}},
		{"RedirectToDecimal", cost.AlertChannel{Type: cost.ChannelWebhook, URL: redirect("http://2130706433:" + p + "/hook")}},
		{"RedirectToMetadata", cost.AlertChannel{Type: cost.ChannelWebhook, URL: redirect("http://169.254.169.254/latest/meta-data/")}},
		{"SlackLoopback", cost.AlertChannel{Type: cost.ChannelSlack, URL: "http://127.0.0.1:" + p + "/services/T/B/X"}},
		{"EmailLoopback", cost.AlertChannel{Type: cost.ChannelEmail, SMTPHost: "127.0.0.1", SMTPPort: atoi(t, p),
			From: "llmcost@example.com", To: []string{"ops@example.com"}}},
		{"EmailDecimalLoopback", cost.AlertChannel{Type: cost.ChannelEmail, SMTPHost: "2130706433", SMTPPort: atoi(t, p),
			From: "llmcost@example.com", To: []string{"ops@example.com"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := svc.conns.Load()
			ev := testChannel(t, e, cost.AdminPrincipal(), tt.ch)
			d := ev.Deliveries[0]
			if d.Status != cost.DeliveryFailed || !strings.Contains(d.Error, "refusing to connect") {
				t.Errorf("delivery = %+v, want failed with a refusal", d)
			}
			if d.Attempts != 1 {
				t.Errorf("attempts = %d, want 1 (a refusal is not retried)", d.Attempts)
			}
			if got := svc.conns.Load() - before; got != 0 {
				t.Errorf("the loopback service saw %d connections, want 0", got)
			}
		})
	}
}

// TestDelivery_AllowedHostReachesInside is the control of the test above: the
// same loopback service, named in the admin's allow-list, receives the
// organisation channel's notification (so the counter counts), while a
// customer's channel to the same allowed name is still refused.
func TestDelivery_AllowedHostReachesInside(t *testing.T) {
	svc := newInternalService(t)
	lookup := testLookup(map[string][]string{"hooks.corp.example": {"127.0.0.1"}})
	e := ssrfEngine(t, []string{"hooks.corp.example"}, lookup)
	url := "http://hooks.corp.example:" + svc.port + "/hook"
	ev := testChannel(t, e, cost.AdminPrincipal(), cost.AlertChannel{Type: cost.ChannelWebhook, URL: url})
	if d := ev.Deliveries[0]; d.Status != cost.DeliverySent || svc.conns.Load() != 1 {
		t.Fatalf("organisation channel to an allowed host: %+v, %d connections; want sent over 1", d, svc.conns.Load())
	}
	cust := cost.CustomerPrincipal("cust_acme")
	ev = testChannel(t, e, cust, cost.AlertChannel{Type: cost.ChannelWebhook, URL: "https://hooks.corp.example:" + svc.port + "/hook"})
	if d := ev.Deliveries[0]; d.Status != cost.DeliveryFailed || svc.conns.Load() != 1 {
		t.Errorf("customer channel to an allowed host: %+v, %d connections; want failed, still 1", d, svc.conns.Load())
	}
}

// TestCustomerChannel_RefusedAtCreation checks that a customer's channel must
// be https to a public host, whatever the spelling; nothing is stored.
func TestCustomerChannel_RefusedAtCreation(t *testing.T) {
	e := ssrfEngine(t, []string{"127.0.0.1", "localhost"}, testLookup(nil))
	cust := cost.CustomerPrincipal("cust_acme")
	hook := func(u string) cost.AlertChannel { return cost.AlertChannel{Type: cost.ChannelWebhook, URL: u} }
	tests := []struct {
		name, field string
		ch          cost.AlertChannel
	}{
		{"PlainHTTP", "url", hook("http://hooks.example.com/x")},
		{"LoopbackIPv4", "url", hook("https://127.0.0.1:8443/x")},
		{"LoopbackIPv6", "url", hook("https://[::1]/x")},
		{"Localhost", "url", hook("https://localhost/x")},
		{"LocalhostSubdomain", "url", hook("https://api.localhost/x")},
		{"Unspecified", "url", hook("https://0.0.0.0/x")},
		{"DecimalLoopback", "url", hook("https://2130706433/x")},
		{"OctalLoopback", "url", hook("https://0177.0.0.1/x")},
		{"HexLoopback", "url", hook("https://0x7f000001/x")},
		{"ShortLoopback", "url", hook("https://127.1/x")},
		{"MappedIPv6Loopback", "url", hook("https://[::ffff:127.0.0.1]/x")},
		{"MappedIPv6Private", "url", hook("https://[::ffff:10.0.0.1]/x")},
		{"Metadata", "url", hook("https://169.254.169.254/latest/meta-data/")},
		{"MetadataIPv6", "url", hook("https://[fd00:ec2::254]/")},
		{"Private", "url", hook("https://192.168.1.10/x")},
		{"CGNAT", "url", hook("https://100.64.0.1/x")},
		{"UniqueLocal", "url", hook("https://[fc00::1]/x")},
		{"LinkLocalIPv6", "url", hook("https://[fe80::1]/x")},
		{"Multicast", "url", hook("https://224.0.0.1/x")},
		{"DecimalPublic", "url", hook("https://1572395042/x")},
		{"SingleLabel", "url", hook("https://intranet/x")},
		{"MDNS", "url", hook("https://printer.local/x")},
		{"SlackLoopback", "url", cost.AlertChannel{Type: cost.ChannelSlack, URL: "https://127.0.0.1/services/T/B/X"}},
		{"EmailLoopback", "smtp_host", cost.AlertChannel{Type: cost.ChannelEmail, SMTPHost: "localhost",
			From: "a@example.com", To: []string{"b@example.com"}}},
		{"EmailPrivate", "smtp_host", cost.AlertChannel{Type: cost.ChannelEmail, SMTPHost: "10.0.0.25",
			From: "a@example.com", To: []string{"b@example.com"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.ch
			err := e.SaveChannel(context.Background(), cust, &c)
			if cost.ErrorCode(err) != cost.CodeInvalid || cost.ErrorField(err) != tt.field {
				t.Errorf("err = %v, want invalid %s", err, tt.field)
			}
		})
	}
	chs, err := e.Channels(context.Background(), cust)
	if err != nil || len(chs) != 0 {
		t.Errorf("stored channels = %+v, %v; want none", chs, err)
	}
	for _, u := range []string{"https://hooks.example.com/x", "https://93.184.216.34:8443/x", "https://[2606:4700::1111]/x"} {
		c := hook(u)
		if err := e.SaveChannel(context.Background(), cust, &c); err != nil {
			t.Errorf("public %s refused: %v", u, err)
		}
	}
}

// TestCustomerDelivery_NoDialErrorText checks that a customer whose public-
// looking name resolves to loopback (DNS rebinding) learns only that delivery
// failed, while the admin's history keeps the detail.
func TestCustomerDelivery_NoDialErrorText(t *testing.T) {
	svc := newInternalService(t)
	e := ssrfEngine(t, nil, testLookup(map[string][]string{"hooks.customer.example": {"127.0.0.1"}}))
	cust := cost.CustomerPrincipal("cust_acme")
	ev := testChannel(t, e, cust, cost.AlertChannel{Type: cost.ChannelWebhook, URL: "https://hooks.customer.example:" + svc.port + "/x"})
	if d := ev.Deliveries[0]; d.Status != cost.DeliveryFailed || d.Error != "delivery failed" {
		t.Errorf("customer sees delivery %+v, want failed with only \"delivery failed\"", d)
	}
	if svc.conns.Load() != 0 {
		t.Errorf("the loopback service saw %d connections, want 0", svc.conns.Load())
	}
	ctx := context.Background()
	mine, err := e.Events(ctx, cust, cost.AlertEventFilter{})
	if err != nil || len(mine) != 1 || mine[0].Deliveries[0].Error != "delivery failed" {
		t.Errorf("customer history = %+v, %v; want one event with a generic error", mine, err)
	}
	all, err := e.Events(ctx, cost.AdminPrincipal(), cost.AlertEventFilter{})
	if err != nil || len(all) != 1 || !strings.Contains(all[0].Deliveries[0].Error, "hooks.customer.example (127.0.0.1, a loopback address)") {
		t.Errorf("admin history = %+v, %v; want the refusal's detail", all, err)
	}
}

func atoi(t *testing.T, s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestDelivery_RedirectsLimited checks that a receiver redirecting forever is
// followed MaxRedirects times, then the delivery fails.
func TestDelivery_RedirectsLimited(t *testing.T) {
	var hits atomic.Int64
	loop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Redirect(w, r, "/again", http.StatusTemporaryRedirect)
	}))
	t.Cleanup(loop.Close)
	_, port, _ := net.SplitHostPort(loop.Listener.Addr().String())
	e := ssrfEngine(t, []string{"loop.test"}, testLookup(map[string][]string{"loop.test": {"127.0.0.1"}}))
	ev := testChannel(t, e, cost.AdminPrincipal(), cost.AlertChannel{Type: cost.ChannelWebhook, URL: "http://loop.test:" + port + "/"})
	if d := ev.Deliveries[0]; d.Status != cost.DeliveryFailed || !strings.Contains(d.Error, "stopped after 3 redirects") {
		t.Errorf("delivery = %+v, want failed after 3 redirects", d)
	}
	if got, want := hits.Load(), int64(3*(alert.MaxRedirects+1)); got != want {
		t.Errorf("the receiver saw %d requests, want %d (3 attempts of 1 + %d redirects)", got, want, alert.MaxRedirects)
	}
}

// TestSSRF_OverHTTP replays the red team's attempts through the API with a
// customer token: every internal address form is refused when the channel is
// created, a public-looking name that resolves to loopback is created but its
// test delivery is refused, the answer carries no dial error text, and the
// loopback service sees no connection.
func TestSSRF_OverHTTP(t *testing.T) {
	svc := newInternalService(t)
	db, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	now := func() time.Time { return time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC) }
	q := query.NewService(db, now)
	e := alert.New(alert.Config{Query: q, Store: db, Alerts: db, Lookup: testLookup(map[string][]string{
		"hooks.customer.example": {"127.0.0.1"}, "localhost": {"127.0.0.1"}})})
	keys, err := auth.NewKeyring("")
	if err != nil {
		t.Fatal(err)
	}
	srv := httpapi.NewServer(httpapi.Config{Addr: "127.0.0.1:0", Store: db, Query: q, Keyring: keys, Alerts: e, Now: now})
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	s := &system{t: t, srv: srv}
	acme, _, _ := keys.Mint("cust_acme", time.Hour, now())
	p := svc.port
	for _, u := range []string{
		"http://127.0.0.1:" + p + "/", "https://127.0.0.1:" + p + "/", "https://[::1]:" + p + "/", "https://localhost:" + p + "/",
		"https://0.0.0.0:" + p + "/", "https://2130706433:" + p + "/", "https://169.254.169.254/latest/meta-data/",
		"https://[::ffff:127.0.0.1]:" + p + "/",
	} {
		t.Run(u, func(t *testing.T) {
			s.call("POST", "/api/v1/alerts/channels", acme, map[string]any{"type": "webhook", "url": u}, 400, nil)
		})
	}
	var ch cost.AlertChannel
	s.call("POST", "/api/v1/alerts/channels", acme, map[string]any{"type": "webhook", "url": "https://hooks.customer.example:" + p + "/"}, 201, &ch)
	var rule cost.AlertRule
	s.call("POST", "/api/v1/alerts/rules", acme, map[string]any{"name": "spike", "kind": "anomaly", "channels": []string{ch.ID}}, 201, &rule)
	var raw json.RawMessage
	s.call("POST", "/api/v1/alerts/rules/"+rule.ID+"/test", acme, nil, 200, &raw)
	var history json.RawMessage
	s.call("GET", "/api/v1/alerts/events", acme, nil, 200, &history)
	for name, body := range map[string]string{"test answer": string(raw), "history": string(history)} {
		if !strings.Contains(body, `"error":"delivery failed"`) {
			t.Errorf("%s %s lacks the generic error", name, body)
		}
		for _, leak := range []string{"refus", "127.0.0.1", "loopback", "connection", "dial", "hooks.customer.example"} {
			if strings.Contains(body, leak) {
				t.Errorf("%s shows the customer %q: %s", name, leak, body)
			}
		}
	}
	if n := svc.conns.Load(); n != 0 {
		t.Errorf("the loopback service saw %d connections, want 0", n)
	}
}
