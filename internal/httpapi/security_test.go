package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/alert"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/httpapi"
	"github.com/llmcost/llmcost/internal/query"
	"github.com/llmcost/llmcost/internal/web"
	"github.com/llmcost/llmcost/internal/widget"
)

// fakeClock is a settable clock for the limiters.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// metric returns the value of one sample line of /metrics ("" when absent).
func metric(e *env, sample string) string {
	for _, line := range strings.Split(e.do("GET", "/metrics", "", nil).Body.String(), "\n") {
		if v, ok := strings.CutPrefix(line, sample+" "); ok {
			return v
		}
	}
	return ""
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t, func(c *httpapi.Config) {
		c.UI, c.Widget = web.Handler(), widget.Handler("https://app.example.com")
	})
	tests := []struct {
		name, path, token string
		wantCSP           string // A part of the policy.
		wantXFO           string
	}{
		{"API", "/api/v1/me", e.admin, "frame-ancestors 'none'", "DENY"},
		{"APIError", "/api/v1/nope", e.admin, "default-src 'none'", "DENY"},
		{"Unauthorized", "/api/v1/me", "", "frame-ancestors 'none'", "DENY"},
		{"Health", "/healthz", "", "default-src 'none'", "DENY"},
		{"Metrics", "/metrics", "", "default-src 'none'", "DENY"},
		{"AdminUI", "/d/overview", "", "frame-ancestors 'none'", "DENY"},
		{"AdminUIScripts", "/d/overview", "", "script-src 'self' 'sha256-", "DENY"},
		{"UIRedirect", "/", "", "frame-ancestors 'none'", "DENY"},
		{"WidgetScript", "/widget.js", "", "default-src 'none'", "DENY"},
		{"WidgetDemo", "/widget-demo", "", "frame-ancestors 'self' https://app.example.com", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := e.do("GET", tt.path, tt.token, nil).Header()
			if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
			}
			if got := h.Get("Referrer-Policy"); got != "no-referrer" {
				t.Errorf("Referrer-Policy = %q, want no-referrer", got)
			}
			if got := h.Get("Content-Security-Policy"); !strings.Contains(got, tt.wantCSP) {
				t.Errorf("Content-Security-Policy = %q, want it to contain %q", got, tt.wantCSP)
			}
			if got := h.Get("X-Frame-Options"); got != tt.wantXFO {
				t.Errorf("X-Frame-Options = %q, want %q", got, tt.wantXFO)
			}
		})
	}
}

func TestCORS_WidgetOrigins(t *testing.T) {
	const app = "https://app.example.com"
	tests := []struct {
		name       string
		origins    []string
		method     string
		origin     string
		wantStatus int
		wantACAO   string
	}{
		{"PreflightListed", []string{app}, "OPTIONS", app, 204, app},
		{"PreflightUnlisted", []string{app}, "OPTIONS", "https://evil.example", 204, ""},
		{"PreflightNoneConfigured", nil, "OPTIONS", app, 204, ""},
		{"PreflightAny", []string{"*"}, "OPTIONS", "https://anyone.example", 204, "https://anyone.example"},
		{"GetListed", []string{app}, "GET", app, 200, app},
		{"GetListedOtherCase", []string{app}, "GET", "https://APP.example.com", 200, "https://APP.example.com"},
		{"GetUnlisted", []string{app}, "GET", "https://evil.example", 200, ""},
		{"GetPortDiffers", []string{app}, "GET", app + ":8443", 200, ""},
		{"GetNoneConfigured", nil, "GET", app, 200, ""},
		{"GetSameOrigin", []string{app}, "GET", "", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(c *httpapi.Config) { c.WidgetOrigins = tt.origins })
			hdr := []string{"Access-Control-Request-Method", "POST"}
			if tt.method == "GET" {
				hdr = nil
			}
			if tt.origin != "" {
				hdr = append(hdr, "Origin", tt.origin)
			}
			w := e.do(tt.method, "/api/v1/me", e.acme, nil, hdr...)
			if w.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d", w.Code, tt.wantStatus)
			}
			if got := w.Header().Get("Access-Control-Allow-Origin"); got != tt.wantACAO {
				t.Errorf("Access-Control-Allow-Origin = %q, want %q", got, tt.wantACAO)
			}
			allowHeaders := w.Header().Get("Access-Control-Allow-Headers")
			if wantAH := tt.method == "OPTIONS" && tt.wantACAO != ""; wantAH != strings.Contains(allowHeaders, "Authorization") {
				t.Errorf("Access-Control-Allow-Headers = %q, want Authorization: %v", allowHeaders, wantAH)
			}
			if got := w.Header().Get("Vary"); !strings.Contains(got, "Origin") {
				t.Errorf("Vary = %q, want Origin", got)
			}
		})
	}
}

func TestMintToken_ReservedCustomerIDs(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		name, id string
	}{
		{"OrgBudgetKey", "_org"},
		{"ReservedPrefix", "_anything"},
		{"Empty", ""},
		{"Overlong", strings.Repeat("c", 201)},
		{"NUL", "cust\x00acme"},
		{"Newline", "cust\nacme"},
		{"LeadingSpace", " cust_acme"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := e.do("POST", "/api/v1/tokens", e.admin, map[string]any{"customer_id": tt.id})
			wantError(t, w, 400, cost.CodeInvalid, "customer_id")
		})
	}
	// The organisation budget stays the admin's: a budget may not be set for a
	// reserved id other than _org either.
	wantError(t, e.do("PUT", "/api/v1/budgets/_x", e.admin, map[string]any{"monthly_usd": 10}), 400, cost.CodeInvalid, "customer_id")
}

func TestChatRateLimit(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 11, 28, 15, 0, 0, 0, time.UTC)}
	chat := &chatService{AskFn: func(_ context.Context, p cost.Principal, req cost.ChatRequest) (*cost.ChatAnswer, error) {
		return &cost.ChatAnswer{Answer: "ok"}, nil
	}}
	e := newEnv(t, func(c *httpapi.Config) {
		c.Chat, c.Limits = chat, httpapi.Limits{ChatPerMinute: 3, Clock: clk.now}
	})
	ask := func(token string) *http.Response {
		return e.do("POST", "/api/v1/chat", token, map[string]string{"message": "How much yesterday?"}).Result()
	}
	// 3 a minute: a burst of 3, then one every 20 seconds.
	steps := []struct {
		name       string
		token      string
		advance    time.Duration
		wantStatus int
		wantRetry  string
	}{
		{"Burst1", e.acme, 0, 200, ""},
		{"Burst2", e.acme, 0, 200, ""},
		{"Burst3", e.acme, 0, 200, ""},
		{"OverLimit", e.acme, 0, 429, "20"},
		{"OtherCustomerUnaffected", e.globex, 0, 200, ""},
		{"StillOverAfter15s", e.acme, 15 * time.Second, 429, "5"},
		{"RefilledAfter20s", e.acme, 5 * time.Second, 200, ""},
		{"EmptyAgain", e.acme, 0, 429, "20"},
	}
	for _, st := range steps {
		clk.advance(st.advance)
		res := ask(st.token)
		if res.StatusCode != st.wantStatus || res.Header.Get("Retry-After") != st.wantRetry {
			b, _ := io.ReadAll(res.Body)
			t.Fatalf("%s: status %d Retry-After %q, want %d %q: %s", st.name, res.StatusCode, res.Header.Get("Retry-After"),
				st.wantStatus, st.wantRetry, b)
		}
	}
	if got := metric(e, `llmcost_http_rejected_total{limit="chat"}`); got != "3" {
		t.Errorf(`llmcost_http_rejected_total{limit="chat"} = %q, want 3`, got)
	}
}

func TestAuthFailureLockout(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 11, 28, 15, 0, 0, 0, time.UTC)}
	e := newEnv(t, func(c *httpapi.Config) { c.Limits = httpapi.Limits{AuthFailuresPerMinute: 5, Clock: clk.now} })
	const attacker, neighbour = "203.0.113.7:4000", "198.51.100.9:5000"
	me := func(token, from string) *http.Response {
		return e.do("GET", "/api/v1/me", token, nil, "RemoteAddr", from).Result()
	}
	// 5 failures a minute: the sixth request, even with the right token, waits
	// 12 seconds for the budget to hold one failure again. IPv6 clients share
	// the budget of their /64.
	steps := []struct {
		name       string
		token      string
		from       string
		advance    time.Duration
		wantStatus int
		wantRetry  string
	}{
		{"NoTokenIsNotAGuess", "", attacker, 0, 401, ""},
		{"Guess1", "lc1.bad.guess", attacker, 0, 401, ""},
		{"Guess2", "wrong-admin-token-0001", attacker, 0, 401, ""},
		{"Guess3", "wrong-admin-token-0002", attacker, 0, 401, ""},
		{"Guess4", "wrong-admin-token-0003", attacker, 0, 401, ""},
		{"Guess5", "wrong-admin-token-0004", attacker, 0, 401, ""},
		{"LockedOutEvenWithRightToken", e.admin, attacker, 0, 429, "12"},
		{"LockedOutGuess", "wrong-admin-token-0005", attacker, 0, 429, "12"},
		{"OtherAddressUnaffected", e.admin, neighbour, 0, 200, ""},
		{"StillLockedAfter10s", e.admin, attacker, 10 * time.Second, 429, "2"},
		{"OneTryAfter12s", e.admin, attacker, 2 * time.Second, 200, ""},
		{"SuccessSpendsNothing", e.acme, attacker, 0, 200, ""},
		{"OneMoreGuess", "wrong-admin-token-0006", attacker, 0, 401, ""},
		{"LockedAgain", e.admin, attacker, 0, 429, "12"},
		{"IPv6Guess1", "wrong-admin-token-0007", "[2001:db8:1:2::1]:4000", 0, 401, ""},
		{"IPv6Guess2", "wrong-admin-token-0008", "[2001:db8:1:2::2]:4000", 0, 401, ""},
		{"IPv6Guess3", "wrong-admin-token-0009", "[2001:db8:1:2::3]:4000", 0, 401, ""},
		{"IPv6Guess4", "wrong-admin-token-0010", "[2001:db8:1:2::4]:4000", 0, 401, ""},
		{"IPv6Guess5", "wrong-admin-token-0011", "[2001:db8:1:2::5]:4000", 0, 401, ""},
		{"IPv6SameSlash64LockedOut", e.admin, "[2001:db8:1:2:ffff::9]:4000", 0, 429, "12"},
		{"IPv6OtherSlash64Unaffected", e.admin, "[2001:db8:1:3::1]:4000", 0, 200, ""},
	}
	for _, st := range steps {
		clk.advance(st.advance)
		res := me(st.token, st.from)
		if res.StatusCode != st.wantStatus || res.Header.Get("Retry-After") != st.wantRetry {
			t.Fatalf("%s: status %d Retry-After %q, want %d %q", st.name, res.StatusCode, res.Header.Get("Retry-After"), st.wantStatus, st.wantRetry)
		}
	}
	if got := metric(e, `llmcost_http_rejected_total{limit="auth"}`); got != "5" {
		t.Errorf(`llmcost_http_rejected_total{limit="auth"} = %q, want 5`, got)
	}
}

// TestRejections_LoggedAtBoundedRate checks that a flood of rejected requests
// produces one summary line per interval, not a line per request.
func TestRejections_LoggedAtBoundedRate(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 11, 28, 15, 0, 0, 0, time.UTC)}
	e := newEnv(t, func(c *httpapi.Config) {
		c.Limits = httpapi.Limits{AuthFailuresPerMinute: 1, Clock: clk.now, LogEvery: time.Minute}
	})
	flood := func(n int) {
		for i := range n {
			e.do("GET", "/api/v1/me", fmt.Sprintf("guess-%d", i), nil, "RemoteAddr", "203.0.113.7:4000")
		}
	}
	flood(1000)
	summaries := func() int { return strings.Count(e.logs.String(), "requests rejected by rate limits and quotas") }
	if got := summaries(); got != 1 {
		t.Errorf("%d summary lines after 999 rejections in one interval, want 1", got)
	}
	if n := strings.Count(e.logs.String(), "level=INFO"); n > 1 {
		t.Errorf("%d info lines for 1000 requests (1 failure, 999 rejections), want at most 1", n)
	}
	clk.advance(time.Minute)
	flood(2) // The refilled failure, then a rejection that logs the summary.
	if got := summaries(); got != 2 {
		t.Errorf("%d summary lines after the interval, want 2", got)
	}
	if !strings.Contains(e.logs.String(), "auth=999") { // 998 after the first summary, and this one.
		t.Errorf("the second summary does not count the rejections since the first:\n%s", lastLines(e.logs.String(), 3))
	}
	if got := metric(e, `llmcost_http_rejected_total{limit="auth"}`); got != "1000" {
		t.Errorf(`llmcost_http_rejected_total{limit="auth"} = %q, want 1000`, got)
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// TestQuota_OverHTTP checks how the alert service's per-customer quota reaches
// a client: 429 too_many_requests, without Retry-After (waiting frees nothing),
// counted as quota in /metrics.
func TestQuota_OverHTTP(t *testing.T) {
	e := newEnv(t, func(c *httpapi.Config) {
		c.Alerts = alert.New(alert.Config{Query: query.NewService(c.Store, func() time.Time { return testNow }), Store: c.Store,
			Alerts: c.Store.(*duckdb.DB), MaxCustomerRules: 1, MaxCustomerChannels: 1})
	})
	rule := map[string]any{"name": "spike", "kind": "anomaly"}
	channel := map[string]any{"type": "webhook", "url": "https://hooks.example.com/x"}
	steps := []struct {
		name, path, token string
		body              any
		wantStatus        int
	}{
		{"FirstRule", "/api/v1/alerts/rules", e.acme, rule, 201},
		{"SecondRule", "/api/v1/alerts/rules", e.acme, rule, 429},
		{"FirstChannel", "/api/v1/alerts/channels", e.acme, channel, 201},
		{"SecondChannel", "/api/v1/alerts/channels", e.acme, channel, 429},
		{"AdminUnlimited", "/api/v1/alerts/rules", e.admin, rule, 201},
		{"OtherCustomer", "/api/v1/alerts/rules", e.globex, rule, 201},
	}
	for _, st := range steps {
		w := e.do("POST", st.path, st.token, st.body)
		if w.Code != st.wantStatus {
			t.Fatalf("%s: status %d, want %d: %s", st.name, w.Code, st.wantStatus, w.Body)
		}
		if w.Code == 429 {
			wantError(t, w, 429, cost.CodeTooManyRequests, "")
			if got := w.Header().Get("Retry-After"); got != "" {
				t.Errorf("%s: Retry-After %q, want none", st.name, got)
			}
		}
	}
	if got := metric(e, `llmcost_http_rejected_total{limit="quota"}`); got != "2" {
		t.Errorf(`llmcost_http_rejected_total{limit="quota"} = %q, want 2`, got)
	}
}
