package alert_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/alert"
	"github.com/llmcost/llmcost/internal/auth"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/httpapi"
	"github.com/llmcost/llmcost/internal/ingest"
	"github.com/llmcost/llmcost/internal/query"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// alertingIngester triggers the engine after each ingest, as serve does.
type alertingIngester struct {
	in *ingest.Ingester
	e  *alert.Engine
}

func (a alertingIngester) Ingest(ctx context.Context, format, name string, r io.Reader) (*cost.IngestSummary, error) {
	s, err := a.in.Ingest(ctx, format, name, r)
	if err == nil {
		a.e.Trigger()
	}
	return s, err
}

// system is the real server on loopback over a DuckDB file, with the alert
// engine's loop running.
type system struct {
	t      *testing.T
	db     *duckdb.DB
	engine *alert.Engine
	srv    *httpapi.Server
	admin  string
	keys   *auth.Keyring
	stop   func()
}

func start(t *testing.T, path string, clk *clock, keys *auth.Keyring) *system {
	t.Helper()
	db, err := duckdb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	db.Now = clk.now
	q := query.NewService(db, clk.now)
	e := alert.New(alert.Config{AllowHosts: testAllowHosts, Query: q, Store: db, Alerts: db, BaseURL: "http://llmcost.test",
		Retry: alert.Retry{Attempts: 3, Backoff: time.Millisecond, Timeout: 10 * time.Second}})
	in := &ingest.Ingester{Store: db, Now: clk.now}
	srv := httpapi.NewServer(httpapi.Config{Addr: "127.0.0.1:0", Store: db, Query: q, Keyring: keys,
		Ingester: alertingIngester{in, e}, Alerts: e, Now: clk.now})
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); e.Run(ctx, time.Hour) }()
	s := &system{t: t, db: db, engine: e, srv: srv, admin: keys.AdminToken(), keys: keys}
	s.stop = func() {
		srv.Close()
		cancel()
		<-done
		e.Close()
		db.Close()
	}
	t.Cleanup(func() {
		if s.stop != nil {
			s.stop()
		}
	})
	return s
}

func (s *system) restart(path string, clk *clock) *system {
	s.stop()
	s.stop = nil
	return start(s.t, path, clk, s.keys)
}

// call sends a JSON request and decodes the answer, failing on an unexpected status.
func (s *system) call(method, path, token string, body any, want int, out any) {
	s.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		buf, _ := json.Marshal(b)
		r = bytes.NewReader(buf)
	}
	req, _ := http.NewRequest(method, s.srv.URL()+path, r)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		s.t.Fatalf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			s.t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
}

// billing returns a unified CSV: cust_a spends base a day on gpt-4o from
// 2026-10-20 to 2026-11-27, and cust_hooli spends hooli on gpt-4 on 2026-11-27.
func billing(base, hooli float64) string {
	var b strings.Builder
	b.WriteString("date,cloud_provider,service,model,token_type,cost_usd,usage_amount,customer_id\n")
	for d := time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC); !d.After(time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)); d = d.AddDate(0, 0, 1) {
		fmt.Fprintf(&b, "%s,GCP,Vertex AI,gpt-4o,input,%.2f,1000000,cust_a\n", d.Format(cost.DateLayout), base)
	}
	if hooli > 0 {
		fmt.Fprintf(&b, "2026-11-27,GCP,Vertex AI,gpt-4,input,%.2f,1000000,cust_hooli\n", hooli)
	}
	return b.String()
}

// waitFor polls cond until it holds (the loop evaluates in the background).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("gave up waiting for %s", what)
}

func TestEndToEnd_FireRestartResolve(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)}
	keys, err := auth.NewKeyring("")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "llmcost.duckdb")
	s := start(t, path, clk, keys)
	hook, mb := newWebhook(t, "s3cret"), newMailbox(t)

	s.call("POST", "/api/v1/ingest?format=unified&name=gcp.csv", s.admin, billing(409.15, 0), 200, nil)
	var wh, em cost.AlertChannel
	s.call("POST", "/api/v1/alerts/channels", s.admin, map[string]any{"name": "ops hook", "type": "webhook",
		"url": hook.srv.URL + "/hook", "secret": "s3cret"}, 201, &wh)
	if wh.Secret != "" || !wh.HasSecret {
		t.Fatalf("channel answer shows its secret or hides that it has one: %+v", wh)
	}
	s.call("POST", "/api/v1/alerts/channels", s.admin, map[string]any{"name": "ops mail", "type": "email",
		"smtp_host": "127.0.0.1", "smtp_port": mb.addr.Port, "from": "llmcost@example.com", "to": []string{"ops@example.com"}}, 201, &em)
	var rule cost.AlertRule
	s.call("POST", "/api/v1/alerts/rules", s.admin, map[string]any{"name": "Daily spend over $1,000", "kind": "threshold",
		"window": "day", "threshold": 1000, "channels": []string{wh.ID, em.ID}, "enabled": true}, 201, &rule)
	if err := s.engine.Evaluate(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.engine.Wait()
	if n := len(hook.received()); n != 0 {
		t.Fatalf("%d notifications below the threshold", n)
	}

	// A restated bill crosses the threshold: exactly one notification per channel.
	s.call("POST", "/api/v1/ingest?format=unified&name=gcp-restated.csv", s.admin, billing(409.15, 777.37), 200, nil)
	waitFor(t, "the firing webhook", func() bool { return len(hook.received()) > 0 && len(mb.messages()) > 0 })
	if err := s.engine.Evaluate(context.Background()); err != nil { // Re-evaluating does not repeat.
		t.Fatal(err)
	}
	s.engine.Wait()
	got := hook.received()
	if len(got) != 1 || hook.bad != 0 {
		t.Fatalf("webhook got %d notifications (%d badly signed), want 1", len(got), hook.bad)
	}
	p := got[0]
	wantMsg := "Daily spend $1,186.52 on 2026-11-27 is over the $1,000.00 threshold, 2.9× the 30-day average; 100% from cust_hooli on gpt-4."
	if p.Status != cost.AlertFiring || p.RuleID != rule.ID || p.Value != 1186.52 || p.Message != wantMsg {
		t.Errorf("payload = %+v\nwant message %q", p, wantMsg)
	}
	if wantLink := "http://llmcost.test/d/overview?from=2026-10-29&to=2026-11-27"; p.Link != wantLink {
		t.Errorf("link = %q, want %q", p.Link, wantLink)
	}
	mails := mb.messages()
	if len(mails) != 1 || mails[0].To[0] != "ops@example.com" ||
		!strings.Contains(mails[0].Data, "Subject: [llmcost] FIRING: Daily spend over $1,000") ||
		!strings.Contains(mails[0].Data, "Daily spend $1,186.52") {
		t.Errorf("mails = %+v", mails)
	}

	// Restart: the firing state is remembered, so nothing is sent again.
	clk.mu.Lock()
	clk.t = clk.t.Add(time.Hour)
	clk.mu.Unlock()
	s = s.restart(path, clk)
	waitFor(t, "the first evaluation after restart", func() bool {
		st, err := s.db.AlertStates(context.Background(), rule.ID)
		return err == nil && len(st) == 1 && st[0].UpdatedAt.Equal(clk.now())
	})
	s.engine.Wait()
	if n := len(hook.received()); n != 1 {
		t.Fatalf("after restart the webhook has %d notifications, want 1", n)
	}

	// The bill is restated again below the threshold: one resolved message.
	s.call("POST", "/api/v1/ingest?format=unified&name=gcp-restated-2.csv", s.admin, billing(409.15, 100), 200, nil)
	waitFor(t, "the resolved webhook", func() bool { return len(hook.received()) == 2 && len(mb.messages()) == 2 })
	if err := s.engine.Evaluate(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.engine.Wait()
	got = hook.received()
	if len(got) != 2 || got[1].Status != cost.AlertResolved || !strings.HasPrefix(got[1].Message, "Resolved: Daily spend over $1,000") {
		t.Fatalf("webhook = %+v, want firing then one resolved", got)
	}

	var evs []cost.AlertEvent
	s.call("GET", "/api/v1/alerts/events?rule_id="+rule.ID, s.admin, nil, 200, &evs)
	if len(evs) != 2 || evs[0].Status != cost.AlertResolved || evs[1].Status != cost.AlertFiring ||
		evs[0].Delivery != cost.DeliverySent || evs[1].Delivery != cost.DeliverySent || len(evs[1].Deliveries) != 2 {
		t.Errorf("events = %+v", evs)
	}
	var chs []cost.AlertChannel
	s.call("GET", "/api/v1/alerts/channels", s.admin, nil, 200, &chs)
	for _, c := range chs {
		if c.Secret != "" || c.HasSecret != (c.ID == wh.ID) {
			t.Errorf("channel = %+v, want the webhook's secret hidden and flagged", c)
		}
	}
	if len(chs) != 2 {
		t.Errorf("%d channels, want 2", len(chs))
	}
}

func TestEndToEnd_ReceiverDown(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)}
	keys, err := auth.NewKeyring("")
	if err != nil {
		t.Fatal(err)
	}
	s := start(t, filepath.Join(t.TempDir(), "llmcost.duckdb"), clk, keys)
	hook := newWebhook(t, "k")
	release := make(chan struct{})
	hook.hold, hook.fail = release, true

	var wh cost.AlertChannel
	s.call("POST", "/api/v1/alerts/channels", s.admin, map[string]any{"type": "webhook", "url": hook.srv.URL, "secret": "k"}, 201, &wh)
	var rule cost.AlertRule
	s.call("POST", "/api/v1/alerts/rules", s.admin, map[string]any{"name": "Daily over $500", "kind": "threshold",
		"threshold": 500, "channels": []string{wh.ID}, "enabled": true}, 201, &rule)
	s.call("POST", "/api/v1/ingest?format=unified&name=gcp.csv", s.admin, billing(600, 0), 200, nil)
	waitFor(t, "the first delivery attempt", func() bool {
		hook.mu.Lock()
		defer hook.mu.Unlock()
		return hook.tries > 0
	})

	// While the receiver hangs, ingestion and queries still answer.
	s.call("POST", "/api/v1/ingest?format=unified&name=gcp.csv", s.admin, billing(600, 0), 200, nil)
	var qs cost.QuickStats
	s.call("GET", "/api/v1/quick-stats", s.admin, nil, 200, &qs)
	var evs []cost.AlertEvent
	s.call("GET", "/api/v1/alerts/events", s.admin, nil, 200, &evs)
	if len(evs) != 1 || evs[0].Delivery != cost.DeliveryPending {
		t.Fatalf("events while delivering = %+v", evs)
	}

	close(release)
	s.engine.Wait()
	evs = nil
	s.call("GET", "/api/v1/alerts/events", s.admin, nil, 200, &evs)
	if len(evs) != 1 || evs[0].Delivery != cost.DeliveryFailed || len(evs[0].Deliveries) != 1 {
		t.Fatalf("events = %+v", evs)
	}
	d := evs[0].Deliveries[0]
	if d.Attempts != 3 || d.Status != cost.DeliveryFailed || !strings.Contains(d.Error, "503") {
		t.Errorf("delivery = %+v, want 3 failed attempts with the 503", d)
	}
	if hook.tries != 3 {
		t.Errorf("receiver saw %d tries, want 3", hook.tries)
	}
}

func TestScope_CustomerManagesOnlyItsOwn(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)}
	keys, err := auth.NewKeyring("")
	if err != nil {
		t.Fatal(err)
	}
	s := start(t, filepath.Join(t.TempDir(), "llmcost.duckdb"), clk, keys)
	acme, _, _ := keys.Mint("cust_a", time.Hour, clk.now())
	hooli, _, _ := keys.Mint("cust_hooli", time.Hour, clk.now())
	s.call("POST", "/api/v1/ingest?format=unified&name=gcp.csv", s.admin, billing(100, 50), 200, nil)

	var orgHook, acmeHook cost.AlertChannel
	s.call("POST", "/api/v1/alerts/channels", s.admin, map[string]any{"type": "webhook", "url": "http://127.0.0.1:1/org"}, 201, &orgHook)
	s.call("POST", "/api/v1/alerts/channels", acme, map[string]any{"type": "webhook", "url": "https://hooks.example.com/a", "customer_id": "cust_a"}, 201, &acmeHook)
	s.call("POST", "/api/v1/alerts/channels", acme, map[string]any{"type": "webhook", "url": "https://hooks.example.com/x", "customer_id": "cust_hooli"}, 403, nil)

	var orgRule, acmeRule cost.AlertRule
	s.call("POST", "/api/v1/alerts/rules", s.admin, map[string]any{"name": "org", "kind": "anomaly"}, 201, &orgRule)
	if !orgRule.Enabled {
		t.Error("a rule created without \"enabled\" is disabled")
	}
	// A customer's rule is its own whatever the body says it is.
	s.call("POST", "/api/v1/alerts/rules", acme, map[string]any{"name": "mine", "kind": "budget", "threshold": 50,
		"channels": []string{acmeHook.ID}, "enabled": true}, 201, &acmeRule)
	if acmeRule.CustomerID != "cust_a" || acmeRule.CreatedBy != "customer:cust_a" {
		t.Errorf("customer rule = %+v", acmeRule)
	}
	tests := []struct {
		name, method, path, token string
		body                      any
		want                      int
	}{
		{"other customer in body", "POST", "/api/v1/alerts/rules", acme, map[string]any{"name": "x", "kind": "anomaly", "customer_id": "cust_hooli"}, 403},
		{"filter on another customer", "POST", "/api/v1/alerts/rules", acme, map[string]any{"name": "x", "kind": "threshold", "threshold": 1,
			"filters": []cost.Filter{{Dimension: cost.DimCustomer, Op: cost.OpEq, Values: []string{"cust_hooli"}}}}, 403},
		{"organisation channel", "POST", "/api/v1/alerts/rules", acme, map[string]any{"name": "x", "kind": "anomaly", "channels": []string{orgHook.ID}}, 400},
		{"read organisation rule", "GET", "/api/v1/alerts/rules/" + orgRule.ID, acme, nil, 404},
		{"overwrite organisation rule", "PUT", "/api/v1/alerts/rules/" + orgRule.ID, acme, map[string]any{"name": "x", "kind": "anomaly"}, 404},
		{"delete another's rule", "DELETE", "/api/v1/alerts/rules/" + acmeRule.ID, hooli, nil, 404},
		{"test another's rule", "POST", "/api/v1/alerts/rules/" + acmeRule.ID + "/test", hooli, nil, 404},
		{"delete organisation channel", "DELETE", "/api/v1/alerts/channels/" + orgHook.ID, acme, nil, 404},
		{"another customer's events", "GET", "/api/v1/alerts/events?customer_id=cust_hooli", acme, nil, 403},
		{"freshness is organisation-wide", "POST", "/api/v1/alerts/rules", acme, map[string]any{"name": "x", "kind": "freshness", "threshold": 24}, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { s.call(tt.method, tt.path, tt.token, tt.body, tt.want, nil) })
	}
	var rules []cost.AlertRule
	s.call("GET", "/api/v1/alerts/rules", acme, nil, 200, &rules)
	if len(rules) != 1 || rules[0].ID != acmeRule.ID {
		t.Errorf("customer sees rules %+v, want only its own", rules)
	}
	var chs []cost.AlertChannel
	s.call("GET", "/api/v1/alerts/channels", hooli, nil, 200, &chs)
	if len(chs) != 0 {
		t.Errorf("cust_hooli sees channels %+v", chs)
	}
	s.call("GET", "/api/v1/alerts/rules", s.admin, nil, 200, &rules)
	if len(rules) != 2 {
		t.Errorf("admin sees %d rules, want 2", len(rules))
	}
}

func TestEngine_BudgetAndFreshnessRules(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)}
	keys, err := auth.NewKeyring("")
	if err != nil {
		t.Fatal(err)
	}
	s := start(t, filepath.Join(t.TempDir(), "llmcost.duckdb"), clk, keys)
	s.call("POST", "/api/v1/ingest?format=unified&name=gcp.csv", s.admin, billing(100, 0), 200, nil)
	// cust_a spent 27 × $100 in November; a $3,000 budget is 90% used.
	s.call("PUT", "/api/v1/budgets/cust_a", s.admin, map[string]any{"monthly_usd": 3000}, 200, nil)
	for _, r := range []map[string]any{
		{"name": "cust_a 80%", "kind": "budget", "customer_id": "cust_a", "threshold": 80, "enabled": true},
		{"name": "cust_a 95%", "kind": "budget", "customer_id": "cust_a", "threshold": 95, "enabled": true},
		{"name": "GCP stale", "kind": "freshness", "threshold": 24, "enabled": true},
	} {
		s.call("POST", "/api/v1/alerts/rules", s.admin, r, 201, nil)
	}
	if err := s.engine.Evaluate(context.Background()); err != nil {
		t.Fatal(err)
	}
	var evs []cost.AlertEvent
	s.call("GET", "/api/v1/alerts/events", s.admin, nil, 200, &evs)
	if len(evs) != 1 || evs[0].RuleName != "cust_a 80%" || evs[0].Value != 90 || evs[0].Delivery != cost.DeliveryNone {
		t.Fatalf("events = %+v, want only the 80%% budget rule at 90%%", evs)
	}
	// A day later without new data the freshness rule fires too.
	clk.mu.Lock()
	clk.t = clk.t.Add(24 * time.Hour)
	clk.mu.Unlock()
	if err := s.engine.Evaluate(context.Background()); err != nil {
		t.Fatal(err)
	}
	evs = nil
	s.call("GET", "/api/v1/alerts/events", s.admin, nil, 200, &evs)
	if len(evs) != 2 || evs[0].RuleName != "GCP stale" || evs[0].CustomerID != "" || evs[0].Labels["cloud_provider"] != "GCP" {
		t.Fatalf("events = %+v, want the freshness alert for gcp", evs)
	}
}

func TestEngine_AnomalyRuleWithDriver(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)}
	keys, err := auth.NewKeyring("")
	if err != nil {
		t.Fatal(err)
	}
	s := start(t, filepath.Join(t.TempDir(), "llmcost.duckdb"), clk, keys)
	s.call("POST", "/api/v1/ingest?format=unified&name=gcp.csv", s.admin, billing(100, 2000), 200, nil)
	s.call("POST", "/api/v1/alerts/rules", s.admin, map[string]any{"name": "Costs spike", "kind": "anomaly", "enabled": true}, 201, nil)
	if err := s.engine.Evaluate(context.Background()); err != nil {
		t.Fatal(err)
	}
	var evs []cost.AlertEvent
	s.call("GET", "/api/v1/alerts/events", s.admin, nil, 200, &evs)
	if len(evs) != 1 {
		t.Fatalf("events = %+v, want one", evs)
	}
	m := evs[0].Message
	if !strings.HasPrefix(m, "Daily spend $2,100.00 on 2026-11-27 is unusually high, 21.0× the expected $100.00") ||
		!strings.HasSuffix(m, "; 100% from cust_hooli on gpt-4.") || !strings.Contains(evs[0].Link, "/d/anomalies?") {
		t.Errorf("event = %+v", evs[0])
	}
}
