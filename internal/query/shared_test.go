package query_test

import (
	"context"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/query"
)

// TestSharedBaseIsScopedAndFresh checks the customers dashboard's shared base
// aggregate: a customer principal never reads the organisation's, and a write
// (a new data version) is seen by the next panel at once.
func TestSharedBaseIsScopedAndFresh(t *testing.T) {
	w := newWorld(t)
	query.NewCached(w.svc, 0, nil)
	ctx := context.Background()
	req := cost.PanelRequest{Dashboard: "customers", Panel: "customer-heatmap", Range: last30}
	if _, err := w.svc.Panel(ctx, admin, req); err != nil {
		t.Fatal(err)
	}
	res, err := w.svc.Panel(ctx, cost.Principal{CustomerID: "cust_a"}, req)
	if err != nil {
		t.Fatal(err)
	}
	var total float64
	for _, row := range res.Rows {
		if row[0] != "cust_a" {
			t.Fatalf("customer cust_a sees %v", row)
		}
		total += num(t, row[2])
	}
	if want := w.cost(customer("cust_a"), between(last30.From, last30.To)); !near(total, want) {
		t.Errorf("cust_a heatmap total = %v, want %v", total, want)
	}

	growth := func() float64 {
		res, err := w.svc.Panel(ctx, admin, cost.PanelRequest{Dashboard: "customers", Panel: "customer-growth", Range: last30})
		if err != nil {
			t.Fatal(err)
		}
		last := res.Rows[len(res.Rows)-1]
		if last[0] != testToday.Format(cost.DateLayout) {
			t.Fatalf("last growth row %v, want today", last)
		}
		return num(t, last[2])
	}
	before := growth()
	line := cost.LineItem{Date: testToday, CloudProvider: "AWS", Service: "Amazon Bedrock", Model: "claude-3-haiku",
		TokenType: cost.TokenInput, UsageAmount: 1000, UsageUnit: "tokens", CostUSD: 123.25, CustomerID: "cust_new",
		Source: "late", SourcePartition: "p2", CostSource: cost.SourceBillingExport}
	if _, err := w.db.Apply(ctx, &cost.Batch{Replace: []cost.Partition{{Source: "late", Key: "p2"}},
		Lines: []cost.LineItem{line}}); err != nil {
		t.Fatal(err)
	}
	if got := growth(); !near(got, before+123.25) {
		t.Errorf("today's cost after a new line = %v, want %v", got, before+123.25)
	}
}

// TestSharedBaseConcurrentPanels loads a dashboard's panels at once, as the web
// UI does, and checks each answer equals the one computed alone.
func TestSharedBaseConcurrentPanels(t *testing.T) {
	alone, shared := newWorld(t), newWorld(t)
	query.NewCached(shared.svc, 0, nil)
	ctx := context.Background()
	vars := []cost.PanelRequest{{Range: last30}, {Range: last30, Providers: []string{"AWS"}},
		{Range: last30, Providers: []string{"GCP", "AWS"}, CustomerID: "cust_b"}, {Range: last30, Models: []string{"gpt-4o"}}}
	for _, v := range vars {
		for _, d := range cost.Dashboards {
			want := map[string]*cost.Result{}
			for _, p := range d.Panels {
				want[p.ID] = alone.panel(t, d.ID, p.ID, v)
			}
			got := make([]*cost.Result, len(d.Panels))
			errs := make([]error, len(d.Panels))
			var wg sync.WaitGroup
			for i, p := range d.Panels {
				req := v
				req.Dashboard, req.Panel = d.ID, p.ID
				wg.Go(func() { got[i], errs[i] = shared.svc.Panel(ctx, admin, req) })
			}
			wg.Wait()
			for i, p := range d.Panels {
				if errs[i] != nil {
					t.Fatalf("%s/%s %+v: %v", d.ID, p.ID, v, errs[i])
				}
				if !sameResult(got[i], want[p.ID]) {
					t.Errorf("%s/%s %+v shared = %v, want %v", d.ID, p.ID, v, got[i].Rows, want[p.ID].Rows)
				}
			}
		}
	}
}

// sameResult compares two panel answers, numbers to within rounding.
func sameResult(a, b *cost.Result) bool {
	if !slices.Equal(a.Columns, b.Columns) || !slices.Equal(a.Types, b.Types) || len(a.Rows) != len(b.Rows) ||
		a.Period != b.Period || a.Title != b.Title {
		return false
	}
	for i := range a.Rows {
		if len(a.Rows[i]) != len(b.Rows[i]) {
			return false
		}
		for j, x := range a.Rows[i] {
			y := b.Rows[i][j]
			fx, okx := x.(float64)
			fy, oky := y.(float64)
			if okx && oky {
				if !near(fx, fy) {
					return false
				}
			} else if x != y {
				return false
			}
		}
	}
	return true
}

// countingStore is a store that counts its reads of cost lines.
type countingStore struct {
	*duckdb.DB
	reads atomic.Int32
}

func (s *countingStore) Aggregate(ctx context.Context, q *cost.AggregateQuery) (*cost.Frame, error) {
	s.reads.Add(1)
	return s.DB.Aggregate(ctx, q)
}

func (s *countingStore) Distinct(ctx context.Context, d cost.Dimension, q *cost.AggregateQuery) ([]string, error) {
	s.reads.Add(1)
	return s.DB.Distinct(ctx, d, q)
}

func (s *countingStore) RankOutliers(ctx context.Context, q *cost.OutlierQuery) (*cost.Frame, error) {
	s.reads.Add(1)
	return s.DB.RankOutliers(ctx, q)
}

func (s *countingStore) RankChanges(ctx context.Context, q *cost.ChangeQuery) (*cost.Frame, error) {
	s.reads.Add(1)
	return s.DB.RankChanges(ctx, q)
}

// TestFilteredDashboardsShareBases loads each dashboard as the web UI does
// (its panels, the overview's reconciliation, quick stats) with a result
// cache, and checks that a provider or customer variable never makes a load
// read the store more often than no variable: filtered panels share their
// dashboard's bases as unfiltered ones do.
func TestFilteredDashboardsShareBases(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	filters := []struct {
		name string
		req  cost.PanelRequest
	}{
		{"none", cost.PanelRequest{Range: last30}},
		{"provider AWS", cost.PanelRequest{Range: last30, Providers: []string{"AWS"}}},
		{"providers GCP and Azure", cost.PanelRequest{Range: last30, Providers: []string{"GCP", "Azure"}}},
		{"customer", cost.PanelRequest{Range: last30, CustomerID: "cust_b"}},
		{"provider and customer", cost.PanelRequest{Range: last30, Providers: []string{"AWS"}, CustomerID: "cust_b"}},
	}
	for _, d := range cost.Dashboards {
		reads := map[string]int32{}
		for _, f := range filters {
			store := &countingStore{DB: w.db}
			svc := query.NewCached(query.NewService(store, func() time.Time { return testNow }), 0, nil)
			for _, p := range d.Panels {
				req := f.req
				req.Dashboard, req.Panel = d.ID, p.ID
				if _, err := svc.Panel(ctx, admin, req); err != nil {
					t.Fatalf("%s/%s %s: %v", d.ID, p.ID, f.name, err)
				}
			}
			if d.ID == "overview" {
				if _, err := svc.Reconcile(ctx, admin, cost.ReconcileRequest{Range: f.req.Range,
					Providers: f.req.Providers, CustomerID: f.req.CustomerID}); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := svc.QuickStats(ctx, admin, f.req.CustomerID); err != nil {
				t.Fatal(err)
			}
			reads[f.name] = store.reads.Load()
		}
		for name, n := range reads {
			if n > reads["none"] {
				t.Errorf("%s with %s: %d store reads, more than the %d without a variable", d.ID, name, n, reads["none"])
			}
		}
		t.Logf("%s: store reads by variable: %v", d.ID, reads)
	}
}

// TestSharedUnusualCustomersUnderVariables checks the outliers ranked from
// the anomalies dashboard's shared base against the store's own ranking,
// where they list someone: cust_c's spike on a GCP model yesterday; and the
// daily cost summed from that base, or, over a range longer than it, read on
// its own.
func TestSharedUnusualCustomersUnderVariables(t *testing.T) {
	alone, shared := newWorld(t), newWorld(t)
	query.NewCached(shared.svc, 0, nil)
	r90 := cost.DateRange{From: testToday.AddDate(0, 0, -90), To: testToday}
	for _, v := range []cost.PanelRequest{{Range: last30, Providers: []string{"GCP"}},
		{Range: last30, Providers: []string{"GCP", "Azure"}}, {Range: last30, Models: []string{"gemini-1.5-pro"}},
		{Range: last30, Providers: []string{"GCP"}, CustomerID: "cust_c"}, {Range: r90, Providers: []string{"GCP"}}} {
		daily := alone.panel(t, "anomalies", "cost-anomalies", v)
		if got := shared.panel(t, "anomalies", "cost-anomalies", v); !sameResult(got, daily) {
			t.Errorf("%+v: shared cost anomalies %v, want %v", v, got.Rows, daily.Rows)
		}
		want := alone.panel(t, "anomalies", "unusual-customers", v)
		got := shared.panel(t, "anomalies", "unusual-customers", v)
		if len(want.Rows) == 0 || want.Rows[0][0] != "cust_c" {
			t.Fatalf("%+v: the store ranks %v, want cust_c's spike first", v, want.Rows)
		}
		if !sameResult(got, want) {
			t.Errorf("%+v: shared %v, want %v", v, got.Rows, want.Rows)
		}
		if !reflect.DeepEqual(got.Meta, want.Meta) {
			t.Errorf("%+v: shared meta %v, want %v", v, got.Meta, want.Meta)
		}
	}
}
