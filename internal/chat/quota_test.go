package chat_test

import (
	"context"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/alert"
	"github.com/llmcost/llmcost/internal/chat"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/query"
)

// TestAlertFromChat_WithinQuota checks that rules asked for in chat go through
// the alert service, so a customer cannot pass its rule quota by asking.
func TestAlertFromChat_WithinQuota(t *testing.T) {
	db, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	now := func() time.Time { return today.Add(12 * time.Hour) }
	qs := query.NewService(db, now)
	alerts := alert.New(alert.Config{Query: qs, Store: db, Alerts: db, MaxCustomerRules: 2})
	t.Cleanup(func() { alerts.Close() })
	e := chat.New(chat.Config{Query: qs, Store: db, Alerts: alerts})
	acme := cost.CustomerPrincipal("cust_acme")
	tests := []struct {
		name, question, wantCode string
	}{
		{"First", "Alert me if daily spend goes over $500", ""},
		{"Second", "Alert me if daily spend goes over $600", ""},
		{"OverQuota", "Alert me if daily spend goes over $700", cost.CodeTooManyRequests},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.Ask(context.Background(), acme, cost.ChatRequest{Message: tt.question})
			if got := cost.ErrorCode(err); got != tt.wantCode {
				t.Errorf("code = %q (err %v), want %q", got, err, tt.wantCode)
			}
		})
	}
	rules, err := db.AlertRules(context.Background(), "cust_acme")
	if err != nil || len(rules) != 2 {
		t.Fatalf("cust_acme has %d rules (%v), want 2", len(rules), err)
	}
	for _, r := range rules {
		if r.CustomerID != "cust_acme" || r.CreatedBy != "customer:cust_acme" {
			t.Errorf("rule %+v, want cust_acme's, created by it", r)
		}
	}
}
