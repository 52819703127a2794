package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

// TestDemo_ServesGeneratedData runs "llmcost demo" and reads its figures back
// through the API with the printed admin and customer tokens.
func TestDemo_ServesGeneratedData(t *testing.T) {
	m := mustRun(t, map[string]string{"LLMCOST_NOW": "2026-11-29", "LLMCOST_LOG_LEVEL": "warn"},
		"demo", "--addr", "127.0.0.1:0")
	out := m.Stdout.(*bytes.Buffer).String()
	admin := regexp.MustCompile(`(?m)^  ([A-Za-z0-9_-]{43})$`).FindStringSubmatch(out)
	if admin == nil {
		t.Fatalf("demo output lacks the admin token:\n%s", out)
	}
	c := client{t, m.Server.URL(), admin[1]}
	var qs struct {
		MonthToDate float64 `json:"month_to_date"`
		Last7Days   float64 `json:"last_7_days"`
	}
	c.must(200, "GET", "/api/v1/quick-stats", nil, &qs)
	if qs.MonthToDate <= 0 || qs.Last7Days <= 0 {
		t.Errorf("demo quick stats %+v, want positive spend", qs)
	}
	var cs []struct{ ID string }
	c.must(200, "GET", "/api/v1/customers", nil, &cs)
	if len(cs) < 20 {
		t.Errorf("demo has %d customers, want at least 20", len(cs))
	}

	cust := regexp.MustCompile(`(?m)^  (lc1\.\S+)$`).FindStringSubmatch(out)
	if cust == nil {
		t.Fatalf("demo output lacks a customer token:\n%s", out)
	}
	var me struct {
		CustomerID string `json:"customer_id"`
	}
	client{t, m.Server.URL(), cust[1]}.must(200, "GET", "/api/v1/me", nil, &me)
	if me.CustomerID == "" {
		t.Error("printed customer token is not a customer token")
	}
	if dir := m.Config.DataDir; m.tempDir != dir {
		t.Errorf("demo without --data used %q, want its own temporary directory", dir)
	}
	if !strings.Contains(out, "llmcost ask --server "+m.Server.URL()) {
		t.Errorf("demo output does not show how to ask the running demo:\n%s", out)
	}
	// On exit it repeats the admin token, which its first screen showed.
	url := m.Server.URL()
	m.Close()
	bye := strings.TrimPrefix(m.Stdout.(*bytes.Buffer).String(), out)
	if !strings.Contains(bye, "Demo stopped. It served "+url) || !strings.Contains(bye, admin[1]) {
		t.Errorf("demo exit output %q, want the URL and the admin token again", bye)
	}
}

// TestDemo_RequestsLoggedAtDebug: at the default info level a demo session's
// requests stay out of the terminal; at debug they show.
func TestDemo_RequestsLoggedAtDebug(t *testing.T) {
	for _, level := range []string{"info", "debug"} {
		m := mustRun(t, map[string]string{"LLMCOST_NOW": "2026-11-29", "LLMCOST_LOG_LEVEL": level},
			"demo", "--addr", "127.0.0.1:0")
		admin := regexp.MustCompile(`(?m)^  ([A-Za-z0-9_-]{43})$`).FindStringSubmatch(m.Stdout.(*bytes.Buffer).String())
		c := client{t, m.Server.URL(), admin[1]}
		var me map[string]any
		c.must(200, "GET", "/api/v1/me", nil, &me)
		m.Close() // Waits for the request's log line.
		logged := strings.Contains(m.Stderr.(*bytes.Buffer).String(), "http request")
		if logged != (level == "debug") {
			t.Errorf("LLMCOST_LOG_LEVEL=%s: request logged = %v", level, logged)
		}
	}
}
