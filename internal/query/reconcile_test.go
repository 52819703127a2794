package query_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/query"
)

func TestReconcile(t *testing.T) {
	db, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	line := func(day, provider, source, customer string, usd float64) cost.LineItem {
		return cost.LineItem{Date: d(day), CloudProvider: provider, Service: "LLM", Model: "m", TokenType: cost.TokenInput,
			UsageAmount: 1000, CostUSD: usd, Currency: "USD", CustomerID: customer,
			Source: "test", SourcePartition: "p1", CostSource: source}
	}
	lines := []cost.LineItem{
		line("2026-10-01", "AWS", cost.SourceBillingExport, "cust_a", 10),
		line("2026-10-01", "AWS", cost.SourceBillingExport, "", 5),
		line("2026-10-01", "AWS", cost.SourceEventEstimate, "cust_a", 12),
		// The allocator moved $4 of the unattributed $5 to cust_a and superseded the estimate.
		line("2026-10-01", "AWS", cost.SourceAllocation, "cust_a", 4),
		line("2026-10-01", "AWS", cost.SourceAllocation, "", -4),
		line("2026-10-01", "AWS", cost.SourceSupersededEstimate, "cust_a", -12),
		line("2026-10-01", "GCP", cost.SourceBillingExport, "cust_a", 8), // No events: not reconciled.
		line("2026-10-02", "AWS", cost.SourceBillingExport, "cust_b", 20),
		line("2026-10-02", "AWS", cost.SourceEventReported, "cust_b", 25),
		line("2026-10-03", "AWS", cost.SourceEventEstimate, "cust_b", 4), // Not billed: not reconciled.
	}
	ctx := context.Background()
	if _, err := db.Apply(ctx, &cost.Batch{Replace: []cost.Partition{{Source: "test", Key: "p1"}}, Lines: lines}); err != nil {
		t.Fatal(err)
	}
	rg := cost.DateRange{From: d("2026-10-01"), To: d("2026-10-31")}
	second := cost.ReconciliationRow{Date: d("2026-10-02"), CloudProvider: "AWS", BilledUSD: 20, EstimatedUSD: 25, GapUSD: -5, GapShare: -0.25}
	want := &cost.Reconciliation{Period: rg, Rows: []cost.ReconciliationRow{
		{Date: d("2026-10-01"), CloudProvider: "AWS", BilledUSD: 15, EstimatedUSD: 12, GapUSD: 3, GapShare: 0.2, UnattributedUSD: 1, AllocatedUSD: 4},
		second,
	}, Total: cost.ReconciliationRow{BilledUSD: 35, EstimatedUSD: 37, GapUSD: -2, GapShare: -0.057, UnattributedUSD: 1, AllocatedUSD: 4}}
	// From the 2nd, within a month whose 1st the overview's shared sums hold.
	late := cost.DateRange{From: d("2026-10-02"), To: d("2026-10-31")}
	wantLate := &cost.Reconciliation{Period: late, Rows: []cost.ReconciliationRow{second},
		Total: cost.ReconciliationRow{BilledUSD: 20, EstimatedUSD: 25, GapUSD: -5, GapShare: -0.25}}
	for _, shared := range []bool{false, true} {
		svc := query.NewService(db, func() time.Time { return testNow })
		if shared {
			query.NewCached(svc, 0, nil)
		}
		for _, tt := range []struct {
			r    cost.DateRange
			want *cost.Reconciliation
		}{{rg, want}, {late, wantLate}} {
			got, err := svc.Reconcile(ctx, cost.AdminPrincipal(), cost.ReconcileRequest{Range: tt.r})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("shared %v: got %+v\nwant %+v", shared, got, tt.want)
			}
		}
		_, err := svc.Reconcile(ctx, cost.Principal{CustomerID: "cust_a"}, cost.ReconcileRequest{Range: rg})
		if code := cost.ErrorCode(err); code != cost.CodeForbidden {
			t.Fatalf("customer principal: got %v, want forbidden", err)
		}
	}
}

// TestReconcileFilters: the dashboard variables narrow a reconciliation to
// the lines of the selected providers, models and customer, as they narrow
// every panel; figures worked out by hand from the lines.
func TestReconcileFilters(t *testing.T) {
	db, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	line := func(provider, model, source, customer string, usd float64) cost.LineItem {
		return cost.LineItem{Date: d("2026-10-01"), CloudProvider: provider, Service: "LLM", Model: model,
			TokenType: cost.TokenInput, UsageAmount: 1000, CostUSD: usd, Currency: "USD", CustomerID: customer,
			Source: "test", SourcePartition: "p1", CostSource: source}
	}
	lines := []cost.LineItem{
		line("AWS", "m", cost.SourceBillingExport, "cust_a", 10),
		line("AWS", "m", cost.SourceBillingExport, "", 5),
		line("AWS", "m", cost.SourceEventEstimate, "cust_a", 12),
		line("AWS", "m2", cost.SourceBillingExport, "cust_b", 7),
		line("AWS", "m2", cost.SourceEventEstimate, "cust_b", 9),
		line("GCP", "m", cost.SourceBillingExport, "cust_b", 30),
		line("GCP", "m", cost.SourceBillingExport, "", 6),
		line("GCP", "m", cost.SourceEventReported, "cust_b", 27),
	}
	ctx := context.Background()
	if _, err := db.Apply(ctx, &cost.Batch{Replace: []cost.Partition{{Source: "test", Key: "p1"}}, Lines: lines}); err != nil {
		t.Fatal(err)
	}
	rg := cost.DateRange{From: d("2026-10-01"), To: d("2026-10-31")}
	row := func(provider string, billed, estimated, gap, share, unattributed float64) cost.ReconciliationRow {
		return cost.ReconciliationRow{Date: d("2026-10-01"), CloudProvider: provider, BilledUSD: billed,
			EstimatedUSD: estimated, GapUSD: gap, GapShare: share, UnattributedUSD: unattributed}
	}
	total := func(billed, estimated, gap, share, unattributed float64) cost.ReconciliationRow {
		return cost.ReconciliationRow{BilledUSD: billed, EstimatedUSD: estimated, GapUSD: gap, GapShare: share,
			UnattributedUSD: unattributed}
	}
	tests := []struct {
		name string
		req  cost.ReconcileRequest
		rows []cost.ReconciliationRow
		tot  cost.ReconciliationRow
	}{
		{"none", cost.ReconcileRequest{Range: rg},
			[]cost.ReconciliationRow{row("AWS", 22, 21, 1, 0.045, 5), row("GCP", 36, 27, 9, 0.25, 6)},
			total(58, 48, 10, 0.172, 11)},
		{"provider GCP", cost.ReconcileRequest{Range: rg, Providers: []string{"GCP"}},
			[]cost.ReconciliationRow{row("GCP", 36, 27, 9, 0.25, 6)}, total(36, 27, 9, 0.25, 6)},
		{"providers AWS and GCP", cost.ReconcileRequest{Range: rg, Providers: []string{"AWS", "GCP"}},
			[]cost.ReconciliationRow{row("AWS", 22, 21, 1, 0.045, 5), row("GCP", 36, 27, 9, 0.25, 6)},
			total(58, 48, 10, 0.172, 11)},
		{"customer cust_b", cost.ReconcileRequest{Range: rg, CustomerID: "cust_b"},
			[]cost.ReconciliationRow{row("AWS", 7, 9, -2, -0.286, 0), row("GCP", 30, 27, 3, 0.1, 0)},
			total(37, 36, 1, 0.027, 0)},
		{"model m2", cost.ReconcileRequest{Range: rg, Models: []string{"m2"}},
			[]cost.ReconciliationRow{row("AWS", 7, 9, -2, -0.286, 0)}, total(7, 9, -2, -0.286, 0)},
		{"provider AWS, customer cust_a", cost.ReconcileRequest{Range: rg, Providers: []string{"AWS"}, CustomerID: "cust_a"},
			[]cost.ReconciliationRow{row("AWS", 10, 12, -2, -0.2, 0)}, total(10, 12, -2, -0.2, 0)},
		{"provider Azure", cost.ReconcileRequest{Range: rg, Providers: []string{"Azure"}},
			[]cost.ReconciliationRow{}, total(0, 0, 0, 0, 0)},
	}
	for _, shared := range []bool{false, true} {
		svc := query.NewService(db, func() time.Time { return testNow })
		if shared {
			query.NewCached(svc, 0, nil)
		}
		for _, tt := range tests {
			got, err := svc.Reconcile(ctx, cost.AdminPrincipal(), tt.req)
			if err != nil {
				t.Fatal(err)
			}
			want := &cost.Reconciliation{Period: rg, Rows: tt.rows, Total: tt.tot}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("shared %v, %s:\n got %+v\nwant %+v", shared, tt.name, got, want)
			}
		}
	}
}

func TestAllocate(t *testing.T) {
	db, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	line := func(model, source, customer string, tokens, usd float64) cost.LineItem {
		return cost.LineItem{Date: d("2026-10-05"), CloudProvider: "AWS", Service: "Amazon Bedrock", Model: model,
			TokenType: cost.TokenInput, UsageAmount: tokens, CostUSD: usd, Currency: "USD", CustomerID: customer,
			Source: "test", SourcePartition: "p1", CostSource: source}
	}
	lines := []cost.LineItem{
		line("claude-3-5-sonnet", cost.SourceBillingExport, "", 1000, 100),
		line("claude-3-5-sonnet", cost.SourceBillingExport, "cust_c", 200, 5), // Tagged: stays with cust_c.
		line("claude-3-5-sonnet", cost.SourceEventEstimate, "cust_a", 600, 1.8),
		line("claude-3-5-sonnet", cost.SourceEventReported, "cust_b", 300, 0.9),
		line("claude-3-5-sonnet", cost.SourceEventEstimate, "", 100, 0.3),
		line("llama-3-70b", cost.SourceEventEstimate, "cust_c", 5000, 2), // Another model.
	}
	ctx := context.Background()
	if _, err := db.Apply(ctx, &cost.Batch{Replace: []cost.Partition{{Source: "test", Key: "p1"}}, Lines: lines}); err != nil {
		t.Fatal(err)
	}
	svc := query.NewService(db, func() time.Time { return testNow })
	req := cost.AllocationRequest{Date: d("2026-10-05"), CloudProvider: "AWS", Model: "claude-3-5-sonnet"}
	got, err := svc.Allocate(ctx, cost.AdminPrincipal(), req)
	if err != nil {
		t.Fatal(err)
	}
	want := &cost.Allocation{AllocationRequest: req, BilledUSD: 105, EventTokens: 1000, UnattributedUSD: 10,
		Shares: []cost.AllocationShare{{CustomerID: "cust_a", Tokens: 600, CostUSD: 60}, {CustomerID: "cust_b", Tokens: 300, CostUSD: 30},
			{CustomerID: "cust_c", CostUSD: 5}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	if _, err := svc.Allocate(ctx, cost.Principal{CustomerID: "cust_a"}, req); cost.ErrorCode(err) != cost.CodeForbidden {
		t.Fatalf("customer principal: got %v, want forbidden", err)
	}
}
