package httpapi_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/httpapi"
	"github.com/llmcost/llmcost/internal/query"
)

func TestReconciliation(t *testing.T) {
	e := newEnv(t, func(c *httpapi.Config) {
		c.Query = query.NewService(c.Store, func() time.Time { return testNow })
	})
	day := cost.Day(testNow).AddDate(0, 0, -2)
	line := func(source, customer string, usd float64) cost.LineItem {
		return cost.LineItem{Date: day, CloudProvider: "AWS", Service: "Amazon Bedrock", Model: "claude-3-5-sonnet",
			TokenType: cost.TokenInput, UsageAmount: 1000, CostUSD: usd, Currency: "USD", CustomerID: customer,
			Source: "test", SourcePartition: "p", CostSource: source}
	}
	_, err := e.store.Apply(context.Background(), &cost.Batch{Replace: []cost.Partition{{Source: "test", Key: "p"}},
		Lines: []cost.LineItem{line(cost.SourceBillingExport, "cust_acme", 30), line(cost.SourceBillingExport, "", 10),
			line(cost.SourceEventEstimate, "cust_acme", 32)}})
	if err != nil {
		t.Fatal(err)
	}
	var got cost.Reconciliation
	decode(t, e.do("GET", "/api/v1/reconciliation", e.admin, nil), http.StatusOK, &got)
	want := cost.ReconciliationRow{Date: day, CloudProvider: "AWS", BilledUSD: 40, EstimatedUSD: 32, GapUSD: 8,
		GapShare: 0.2, UnattributedUSD: 10}
	if len(got.Rows) != 1 || got.Rows[0] != want {
		t.Fatalf("rows: got %+v, want [%+v]", got.Rows, want)
	}
	// The dashboard variables narrow it as they narrow a panel.
	for _, tt := range []struct {
		query string
		rows  int
	}{{"?var-cloud_provider=AWS", 1}, {"?var-cloud_provider=GCP", 0}, {"?var-cloud_provider=GCP&var-cloud_provider=AWS", 1},
		{"?var-customer_id=cust_globex", 0}, {"?var-model=claude-3-5-sonnet", 1}, {"?var-model=gpt-4o", 0}} {
		var got cost.Reconciliation
		decode(t, e.do("GET", "/api/v1/reconciliation"+tt.query, e.admin, nil), http.StatusOK, &got)
		if len(got.Rows) != tt.rows {
			t.Errorf("%s: %d rows, want %d: %+v", tt.query, len(got.Rows), tt.rows, got.Rows)
		}
	}
	// One customer's lines are all attributed: nothing is unattributed.
	decode(t, e.do("GET", "/api/v1/reconciliation?var-customer_id=cust_acme", e.admin, nil), http.StatusOK, &got)
	want = cost.ReconciliationRow{Date: day, CloudProvider: "AWS", BilledUSD: 30, EstimatedUSD: 32, GapUSD: -2, GapShare: -0.067}
	if len(got.Rows) != 1 || got.Rows[0] != want {
		t.Fatalf("cust_acme rows: got %+v, want [%+v]", got.Rows, want)
	}
	if w := e.do("GET", "/api/v1/reconciliation", e.acme, nil); w.Code != http.StatusForbidden {
		t.Fatalf("customer token: got %d, want 403", w.Code)
	}
	if w := e.do("GET", "/api/v1/reconciliation?from=nope", e.admin, nil); w.Code != http.StatusBadRequest {
		t.Fatalf("bad from: got %d, want 400", w.Code)
	}
}

func TestReconciliationAllocation(t *testing.T) {
	e := newEnv(t, func(c *httpapi.Config) {
		c.Query = query.NewService(c.Store, func() time.Time { return testNow })
	})
	day := cost.Day(testNow).AddDate(0, 0, -3)
	line := func(source, customer string, tokens, usd float64) cost.LineItem {
		return cost.LineItem{Date: day, CloudProvider: "GCP", Service: "Vertex AI", Model: "gemini-2.5-pro",
			TokenType: cost.TokenOutput, UsageAmount: tokens, CostUSD: usd, Currency: "USD", CustomerID: customer,
			Source: "test", SourcePartition: "p", CostSource: source}
	}
	_, err := e.store.Apply(context.Background(), &cost.Batch{Replace: []cost.Partition{{Source: "test", Key: "p"}},
		Lines: []cost.LineItem{line(cost.SourceBillingExport, "", 4000, 12), line(cost.SourceEventEstimate, "cust_acme", 3000, 9),
			line(cost.SourceEventEstimate, "cust_globex", 1000, 3)}})
	if err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/reconciliation/allocation?date=" + day.Format(cost.DateLayout) + "&cloud_provider=GCP&model=gemini-2.5-pro"
	var got cost.Allocation
	decode(t, e.do("GET", path, e.admin, nil), http.StatusOK, &got)
	want := []cost.AllocationShare{{CustomerID: "cust_acme", Tokens: 3000, CostUSD: 9}, {CustomerID: "cust_globex", Tokens: 1000, CostUSD: 3}}
	if got.BilledUSD != 12 || got.UnattributedUSD != 0 || len(got.Shares) != 2 || got.Shares[0] != want[0] || got.Shares[1] != want[1] {
		t.Fatalf("got %+v, want billed 12, shares %+v, nothing unattributed", got, want)
	}
	if w := e.do("GET", "/api/v1/reconciliation/allocation?date=yesterday&cloud_provider=GCP&model=m", e.admin, nil); w.Code != http.StatusBadRequest {
		t.Fatalf("bad date: got %d, want 400", w.Code)
	}
	if w := e.do("GET", path, e.globex, nil); w.Code != http.StatusForbidden {
		t.Fatalf("customer token: got %d, want 403", w.Code)
	}
}
