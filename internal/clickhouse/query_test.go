package clickhouse_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/costtest"
	"github.com/llmcost/llmcost/internal/demo"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/query"
)

// parityNow is "now" for the query-layer comparison.
var parityNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// demoData is a small generated dataset: 60 days, 8 customers.
func demoData() *demo.Dataset {
	return demo.Generate(demo.Options{Seed: 7, End: parityNow, Days: 60, Customers: 8})
}

// loaded returns a query service over s after loading d into it.
func loaded(t *testing.T, s cost.Store, d *demo.Dataset) *query.Service {
	t.Helper()
	if err := demo.Load(context.Background(), s, d); err != nil {
		t.Fatalf("demo.Load: %v", err)
	}
	return query.NewService(s, func() time.Time { return parityNow })
}

// duckService returns the query service over the data on an in-memory DuckDB store.
func duckService(t *testing.T, d *demo.Dataset) *query.Service {
	t.Helper()
	db, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return loaded(t, db, d)
}

func TestQueryLayerMatchesDuckDB(t *testing.T) {
	addr := serverAddr(t)
	d := demoData()
	want := duckService(t, d)
	s := openStore(t, addr, "")
	t.Cleanup(func() { s.Close() })
	comparePanels(t, loaded(t, s, d), want, d)
}

// comparePanels checks that every panel and analysis gives the same answer from
// got as from want, for the organisation and for one customer.
func comparePanels(t *testing.T, got, want cost.QueryService, d *demo.Dataset) {
	t.Helper()
	ctx := context.Background()
	admin := cost.AdminPrincipal()
	customer := d.SpikeCustomer
	for _, dash := range cost.Dashboards {
		for _, p := range dash.Panels {
			reqs := map[string]cost.PanelRequest{
				"org":      {Dashboard: dash.ID, Panel: p.ID},
				"customer": {Dashboard: dash.ID, Panel: p.ID, CustomerID: customer, Date: d.SpikeDate},
				"filtered": {Dashboard: dash.ID, Panel: p.ID, Providers: []string{"AWS", "GCP"},
					Range: cost.DateRange{From: parityNow.AddDate(0, 0, -45), To: parityNow}},
			}
			for name, req := range reqs {
				t.Run(dash.ID+"/"+p.ID+"/"+name, func(t *testing.T) {
					g, err1 := got.Panel(ctx, admin, req)
					w, err2 := want.Panel(ctx, admin, req)
					if err1 != nil || err2 != nil {
						t.Fatalf("Panel: got err %v, want err %v", err1, err2)
					}
					if len(w.Rows) == 0 && name == "org" {
						t.Errorf("no rows from DuckDB; the comparison says nothing")
					}
					if err := costtest.SameFrame(&g.Frame, &w.Frame); err != nil {
						t.Error(err)
					}
				})
			}
		}
	}
	mtd := cost.DateRange{From: parityNow.AddDate(0, 0, -60), To: parityNow}
	analyses := map[string]func(cost.QueryService) (any, error){
		"QuickStats": func(q cost.QueryService) (any, error) { return q.QuickStats(ctx, admin, "") },
		"QuickStatsCustomer": func(q cost.QueryService) (any, error) {
			return q.QuickStats(ctx, cost.CustomerPrincipal(customer), "")
		},
		"Anomalies": func(q cost.QueryService) (any, error) {
			return q.Anomalies(ctx, admin, cost.AnomalyRequest{Range: mtd, By: cost.DimCustomer})
		},
		"Explain": func(q cost.QueryService) (any, error) {
			return q.Explain(ctx, admin, cost.ExplainRequest{Range: cost.DateRange{From: d.SpikeDate, To: d.SpikeDate}})
		},
		"Forecast":       func(q cost.QueryService) (any, error) { return q.Forecast(ctx, admin, "") },
		"BudgetStatuses": func(q cost.QueryService) (any, error) { return q.BudgetStatuses(ctx, admin) },
		"Values": func(q cost.QueryService) (any, error) {
			return q.Values(ctx, cost.CustomerPrincipal(customer), cost.DimModel)
		},
	}
	for name, run := range analyses {
		t.Run(name, func(t *testing.T) {
			g, err1 := run(got)
			w, err2 := run(want)
			if err1 != nil || err2 != nil {
				t.Fatalf("got err %v, want err %v", err1, err2)
			}
			if err := sameJSON(g, w); err != nil {
				t.Error(err)
			}
		})
	}
}

// sameJSON compares two values through their JSON form, numbers to 1e-9 relative.
func sameJSON(got, want any) error {
	var g, w any
	for _, x := range []struct {
		v   any
		dst *any
	}{{got, &g}, {want, &w}} {
		b, err := json.Marshal(x.v)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, x.dst); err != nil {
			return err
		}
	}
	return sameTree("", g, w)
}

// sameTree compares decoded JSON trees.
func sameTree(path string, got, want any) error {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok || len(g) != len(w) {
			return fmt.Errorf("%s: got %v, want %v", path, got, want)
		}
		for k := range w {
			if err := sameTree(path+"."+k, g[k], w[k]); err != nil {
				return err
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Errorf("%s: got %v, want %v", path, got, want)
		}
		for i := range w {
			if err := sameTree(fmt.Sprintf("%s[%d]", path, i), g[i], w[i]); err != nil {
				return err
			}
		}
	case float64:
		g, ok := got.(float64)
		if !ok || math.Abs(g-w) > 1e-9*math.Max(1, math.Abs(w)) {
			return fmt.Errorf("%s: got %v, want %v", path, got, want)
		}
	default:
		if got != want {
			return fmt.Errorf("%s: got %v, want %v", path, got, want)
		}
	}
	return nil
}

// TestExplainCutsLikeDuckDB compares explanations over more customers than an
// explanation lists, so each engine ranks and cuts them itself.
func TestExplainCutsLikeDuckDB(t *testing.T) {
	addr := serverAddr(t)
	d := demo.Generate(demo.Options{Seed: 7, End: parityNow, Days: 60, Customers: 40})
	want := duckService(t, d)
	s := openStore(t, addr, "")
	t.Cleanup(func() { s.Close() })
	got := loaded(t, s, d)
	ctx := context.Background()
	day := cost.DateRange{From: d.SpikeDate, To: d.SpikeDate}
	for name, req := range map[string]cost.ExplainRequest{
		"spike":    {Range: day},
		"week":     {Range: cost.DateRange{From: d.SpikeDate.AddDate(0, 0, -6), To: d.SpikeDate}, BaselineDays: 7},
		"filtered": {Range: day, Filters: []cost.Filter{{Dimension: cost.DimCloudProvider, Op: cost.OpIn, Values: []string{"AWS", "GCP"}}}},
	} {
		t.Run(name, func(t *testing.T) {
			g, err1 := got.Explain(ctx, cost.AdminPrincipal(), req)
			w, err2 := want.Explain(ctx, cost.AdminPrincipal(), req)
			if err1 != nil || err2 != nil {
				t.Fatalf("Explain: got err %v, want err %v", err1, err2)
			}
			n := 0
			for _, c := range w.Contributions {
				if c.Dimension == cost.DimCustomer {
					n++
				}
			}
			if n != query.ExplainTop {
				t.Errorf("%d customers listed, want %d of 40", n, query.ExplainTop)
			}
			if err := sameJSON(g, w); err != nil {
				t.Error(err)
			}
		})
	}
}
