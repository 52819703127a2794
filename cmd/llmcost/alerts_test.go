package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/alert"
	"github.com/llmcost/llmcost/internal/cost"
)

// TestAlerts_ServeIngestAndTest serves with a channels file, adds a rule through
// the API, ingests a bill that crosses it, and sends a test notification with
// "alerts test".
func TestAlerts_ServeIngestAndTest(t *testing.T) {
	var mu sync.Mutex
	var got []alert.Payload
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Header.Get(alert.SignatureHeader) != alert.Sign("k3y", body) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var p alert.Payload
		json.Unmarshal(body, &p)
		mu.Lock()
		got = append(got, p)
		mu.Unlock()
	}))
	defer hook.Close()
	received := func() []alert.Payload { mu.Lock(); defer mu.Unlock(); return append([]alert.Payload(nil), got...) }

	dir := t.TempDir()
	chFile := filepath.Join(dir, "channels.json")
	if err := os.WriteFile(chFile, fmt.Appendf(nil, `{"channels":[{"id":"ops","type":"webhook","url":%q,"secret":"k3y"}]}`, hook.URL), 0o600); err != nil {
		t.Fatal(err)
	}
	env := maps.Clone(e2eEnv)
	env["LLMCOST_ALERT_CHANNELS"] = chFile
	env["LLMCOST_ALERT_ALLOW_HOSTS"] = "127.0.0.1" // The receiver is on loopback.
	m := mustRun(t, env, "serve", "--data", filepath.Join(dir, "data"), "--addr", "127.0.0.1:0")
	admin := client{t, m.Server.URL(), testAdminToken}

	var chs []cost.AlertChannel
	admin.must(200, "GET", "/api/v1/alerts/channels", nil, &chs)
	if len(chs) != 1 || chs[0].ID != "ops" || chs[0].Secret != "" || !chs[0].HasSecret || chs[0].Source != "config" {
		t.Errorf("channels = %+v", chs)
	}
	var rule cost.AlertRule
	admin.must(201, "POST", "/api/v1/alerts/rules",
		`{"name":"Daily spend over $1,000","kind":"threshold","threshold":1000,"channels":["ops"],"enabled":true}`, &rule)
	admin.must(200, "POST", "/api/v1/ingest?format=unified&name=nov.csv", newFixture().csv, nil)
	for deadline := time.Now().Add(30 * time.Second); len(received()) == 0 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	// 2026-11-28 (yesterday at LLMCOST_NOW) totals 28·6·6 + 7·3·6 + 3·9 + 0.25·18.
	ps := received()
	if len(ps) != 1 || ps[0].Status != "firing" || !strings.HasPrefix(ps[0].Message, "Daily spend $1,165.50 on 2026-11-28 is over the $1,000.00 threshold") ||
		!strings.HasPrefix(ps[0].Link, m.Server.URL()+"/d/overview?from=2026-10-30&to=2026-11-28") {
		t.Fatalf("notifications = %+v", ps)
	}

	cli := newTestMain(env)
	if err := cli.ParseFlags(t.Context(), []string{"alerts", "test", "--server", m.Server.URL(), "--token", testAdminToken, rule.ID}); err != nil {
		t.Fatal(err)
	}
	if err := cli.Run(t.Context()); err != nil {
		t.Fatalf("alerts test: %v\n%s", err, cli.Stderr)
	}
	if out := fmt.Sprint(cli.Stdout); !strings.Contains(out, "ops (webhook): sent after 1 attempt(s)") {
		t.Errorf("alerts test printed %q", out)
	}
	if ps := received(); len(ps) != 2 || ps[1].Status != "test" || ps[1].RuleID != rule.ID {
		t.Errorf("notifications = %+v, want the firing one and a test", ps)
	}
}

func TestAlerts_Args(t *testing.T) {
	for _, args := range [][]string{{"alerts"}, {"alerts", "test"}, {"alerts", "list", "x"}, {"alerts", "test", "a", "b"}} {
		if err := newTestMain(nil).ParseFlags(t.Context(), args); err == nil {
			t.Errorf("ParseFlags(%v) succeeded", args)
		}
	}
}
