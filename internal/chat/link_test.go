package chat_test

import (
	"context"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/chat"
	"github.com/llmcost/llmcost/internal/cost"
)

func TestLinks(t *testing.T) {
	f := setup(t)
	grafana := chat.New(chat.Config{Query: f.query, GrafanaURL: "https://grafana.example/"})
	ms := func(s string) string {
		d, _ := time.Parse(time.RFC3339Nano, s)
		return strconv.FormatInt(d.UnixMilli(), 10)
	}
	tests := []struct {
		name   string
		engine *chat.Engine
		as     string
		q      string
		path   string
		params url.Values
	}{
		{"built-in, customer", f.engine, "cust_acme", "How much did I spend on gpt-4o last week?", "/d/models",
			url.Values{"from": {"2026-11-16"}, "to": {"2026-11-22"}, "var-customer_id": {"cust_acme"}, "var-model": {"gpt-4o"}}},
		{"built-in, admin, provider", f.engine, "", "How much did AWS cost yesterday?", "/d/overview",
			url.Values{"from": {"2026-11-25"}, "to": {"2026-11-25"}, "var-cloud_provider": {"AWS"}}},
		{"built-in, explain", f.engine, "", "Why did costs spike on Nov 18?", "/d/anomalies",
			url.Values{"from": {"2026-11-18"}, "to": {"2026-11-18"}, "date": {"2026-11-18"}}},
		{"grafana", grafana, "cust_acme", "How much did I spend on gpt-4o last week?", "https://grafana.example/d/llmcost-models",
			url.Values{"from": {ms("2026-11-16T00:00:00Z")}, "to": {ms("2026-11-22T23:59:59.999Z")},
				"var-customer_id": {"cust_acme"}, "var-model": {"gpt-4o"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := tt.engine.Ask(context.Background(), principal(tt.as), cost.ChatRequest{Message: tt.q})
			if err != nil {
				t.Fatal(err)
			}
			if len(a.Links) != 1 {
				t.Fatalf("links = %v, want one", a.Links)
			}
			u, err := url.Parse(a.Links[0].URL)
			if err != nil {
				t.Fatal(err)
			}
			if got := (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String(); got != tt.path {
				t.Errorf("path = %q, want %q", got, tt.path)
			}
			if got := u.Query(); got.Encode() != tt.params.Encode() {
				t.Errorf("params = %v, want %v", got, tt.params)
			}
		})
	}
}
