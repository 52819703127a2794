package httpapi

import (
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// Limits configure the server's rate limits; zero values take the defaults.
// Per-customer quotas on alert rules and channels belong to the alert service.
type Limits struct {
	// ChatPerMinute is how many chat requests one principal may send a minute,
	// in bursts of as many (default 60).
	ChatPerMinute int
	// AuthFailuresPerMinute is how many requests with a wrong bearer token one
	// client address may send a minute, in bursts of as many (default 10).
	// Beyond it every request from that address is refused until the budget
	// refills, so guessing tokens costs time whatever the guess.
	AuthFailuresPerMinute int
	// Clock is the limiters' clock (default time.Now; LLMCOST_NOW does not apply).
	Clock func() time.Time
	// LogEvery is how often at most a summary of rejected requests is logged
	// (default one minute).
	LogEvery time.Duration
}

// Defaults of Limits.
const (
	DefaultChatPerMinute         = 60
	DefaultAuthFailuresPerMinute = 10
)

// limits holds the server's limiters and counts what they reject.
type limits struct {
	chat, auth *limiter
	log        *rejectLog
	metrics    *metrics
}

func newLimits(c Limits, log *slog.Logger, m *metrics) *limits {
	if c.ChatPerMinute <= 0 {
		c.ChatPerMinute = DefaultChatPerMinute
	}
	if c.AuthFailuresPerMinute <= 0 {
		c.AuthFailuresPerMinute = DefaultAuthFailuresPerMinute
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	if c.LogEvery <= 0 {
		c.LogEvery = time.Minute
	}
	return &limits{chat: newLimiter(c.ChatPerMinute, c.Clock), auth: newLimiter(c.AuthFailuresPerMinute, c.Clock),
		log: &rejectLog{log: log, every: c.LogEvery, now: c.Clock, counts: map[string]int{}}, metrics: m}
}

// limiter is a token bucket per key: perMinute tokens at most, refilled at
// perMinute a minute.
type limiter struct {
	mu      sync.Mutex
	burst   float64
	perSec  float64
	now     func() time.Time
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// maxBuckets bounds a limiter's memory; full buckets are dropped beyond it.
const maxBuckets = 10_000

func newLimiter(perMinute int, now func() time.Time) *limiter {
	return &limiter{burst: float64(perMinute), perSec: float64(perMinute) / 60, now: now, buckets: map[string]*bucket{}}
}

// refill returns key's bucket brought up to now. Callers hold l.mu.
func (l *limiter) refill(key string) *bucket {
	now := l.now()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= maxBuckets {
			l.prune(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	if d := now.Sub(b.at).Seconds(); d > 0 {
		// Rounded to a nanotoken, so 12 s at 5 a minute refill exactly one.
		b.tokens = math.Min(l.burst, math.Round((b.tokens+d*l.perSec)*1e9)/1e9)
		b.at = now
	}
	return b
}

// until returns how long b needs to hold a whole token (at least 1 ns when it
// holds less). Callers hold l.mu.
func (l *limiter) until(b *bucket) time.Duration {
	return max(time.Nanosecond, time.Duration((1-b.tokens)/l.perSec*float64(time.Second)))
}

// prune drops the buckets that have refilled completely. Callers hold l.mu.
func (l *limiter) prune(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*l.perSec >= l.burst {
			delete(l.buckets, k)
		}
	}
}

// wait returns 0 when key has a token left, else how long until it has one.
func (l *limiter) wait(key string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.refill(key)
	if b.tokens >= 1 {
		return 0
	}
	return l.until(b)
}

// take spends a token of key; like wait, it returns how long until one is
// left when there is none (and spends nothing).
func (l *limiter) take(key string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.refill(key)
	if b.tokens < 1 {
		return l.until(b)
	}
	b.tokens--
	return 0
}

// rejectLog logs rejected requests at a bounded rate: the first at once, then
// one summary line per interval at most, with the counts since the last line.
type rejectLog struct {
	log    *slog.Logger
	every  time.Duration
	now    func() time.Time
	mu     sync.Mutex
	last   time.Time
	counts map[string]int
}

func (l *rejectLog) record(limit string, r *http.Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.counts[limit]++
	now := l.now()
	if !l.last.IsZero() && now.Sub(l.last) < l.every {
		return
	}
	attrs := []any{"last_path", r.URL.Path, "last_client", clientIP(r)}
	for k, n := range l.counts {
		attrs = append(attrs, k, n)
	}
	l.log.Warn("requests rejected by rate limits and quotas", attrs...)
	l.last, l.counts = now, map[string]int{}
}

// clientIP is the address a request came from: the connection's peer. A
// reverse proxy in front makes every client share its address.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// clientKey is the failed-token limiter's key of a request: its client
// address, or for IPv6 the address's /64, which one host can fill at will.
func clientKey(r *http.Request) string {
	ip, err := netip.ParseAddr(clientIP(r))
	if err != nil {
		return clientIP(r)
	}
	if ip = ip.Unmap(); ip.Is6() {
		p, _ := ip.WithZone("").Prefix(64)
		return p.String()
	}
	return ip.String()
}

// tooMany answers 429 with Retry-After for a request a limiter refused.
func (s *Server) tooMany(w http.ResponseWriter, r *http.Request, limit string, wait time.Duration, msg string) {
	secs := max(1, int(math.Ceil(wait.Round(time.Millisecond).Seconds())))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	s.writeError(w, r, cost.Errorf(cost.CodeTooManyRequests, "%s; try again in %s.", msg, seconds(secs)))
	s.rejected(r, limit)
}

// rejected counts and logs a request refused by a limit or quota.
func (s *Server) rejected(r *http.Request, limit string) {
	s.metrics.rejected.WithLabelValues(limit).Inc()
	s.limits.log.record(limit, r)
}

func seconds(n int) string {
	if n == 1 {
		return "1 second"
	}
	return fmt.Sprintf("%d seconds", n)
}
