package query_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
)

func TestScopeForbidsOtherCustomers(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	me := cost.CustomerPrincipal("cust_a")
	q := cost.Query{Metrics: []cost.Metric{cost.MetricCost}, Period: cost.Period{Name: "last_30_days"}}
	other := []cost.Filter{{Dimension: cost.DimCustomer, Op: cost.OpIn, Values: []string{"cust_a", "cust_b"}}}
	calls := map[string]func(p cost.Principal) error{
		"query filter": func(p cost.Principal) error {
			q := q
			q.Filters = other
			_, err := w.svc.Query(ctx, p, q)
			return err
		},
		"query prefix": func(p cost.Principal) error {
			q := q
			q.Filters = []cost.Filter{{Dimension: cost.DimCustomer, Op: cost.OpPrefix, Values: []string{"cust_"}}}
			_, err := w.svc.Query(ctx, p, q)
			return err
		},
		"panel": func(p cost.Principal) error {
			_, err := w.svc.Panel(ctx, p, cost.PanelRequest{Dashboard: "overview", Panel: "cost-by-provider", CustomerID: "cust_b"})
			return err
		},
		"quick stats": func(p cost.Principal) error { _, err := w.svc.QuickStats(ctx, p, "cust_b"); return err },
		"forecast":    func(p cost.Principal) error { _, err := w.svc.Forecast(ctx, p, "cust_b"); return err },
		"budget":      func(p cost.Principal) error { _, err := w.svc.BudgetStatus(ctx, p, "cust_b"); return err },
		"org budget":  func(p cost.Principal) error { _, err := w.svc.BudgetStatus(ctx, p, "_org"); return err },
		"budgets":     func(p cost.Principal) error { _, err := w.svc.BudgetStatuses(ctx, p); return err },
		"anomalies": func(p cost.Principal) error {
			_, err := w.svc.Anomalies(ctx, p, cost.AnomalyRequest{CustomerID: "cust_b"})
			return err
		},
		"anomaly filter": func(p cost.Principal) error {
			_, err := w.svc.Anomalies(ctx, p, cost.AnomalyRequest{Filters: other})
			return err
		},
		"explain": func(p cost.Principal) error {
			_, err := w.svc.Explain(ctx, p, cost.ExplainRequest{CustomerID: "cust_b"})
			return err
		},
		"explain filter": func(p cost.Principal) error {
			_, err := w.svc.Explain(ctx, p, cost.ExplainRequest{Filters: other})
			return err
		},
	}
	for name, call := range calls {
		if err := call(me); cost.ErrorCode(err) != cost.CodeForbidden {
			t.Errorf("%s as cust_a: err = %v, want forbidden", name, err)
		}
		if err := call(cost.Principal{}); cost.ErrorCode(err) != cost.CodeForbidden {
			t.Errorf("%s as a principal without scope: err = %v, want forbidden", name, err)
		}
		if err := call(admin); err != nil {
			t.Errorf("%s as admin: %v", name, err)
		}
	}
}

func TestScopeOwnData(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	me := cost.CustomerPrincipal("cust_b")
	vals, err := w.svc.Values(ctx, me, cost.DimCustomer)
	if err != nil || !slices.Equal(vals, []string{"cust_b"}) {
		t.Errorf("Values(customer_id) as cust_b = %v, %v; want [cust_b]", vals, err)
	}
	vals, err = w.svc.Values(ctx, me, cost.DimModel)
	if want := []string{"claude-3-5-sonnet", "gemini-1.5-pro", "gpt-4o", "mystery-1"}; err != nil || !slices.Equal(vals, want) {
		t.Errorf("Values(model) as cust_b = %v, %v; want %v", vals, err, want)
	}
	vals, err = w.svc.Values(ctx, admin, cost.DimModel)
	if want := []string{"claude-3-5-sonnet", "gemini-1.5-pro", "gpt-4o", "llama-3-70b", "mystery-1"}; err != nil || !slices.Equal(vals, want) {
		t.Errorf("Values(model) as admin = %v, %v; want %v (sorted, no empty)", vals, err, want)
	}
	if _, err := w.svc.Values(ctx, admin, "nope"); cost.ErrorCode(err) != cost.CodeInvalid {
		t.Errorf("Values(nope): err = %v, want invalid", err)
	}
	cs, err := w.svc.Customers(ctx, me)
	if err != nil || !slices.Equal(cs, []cost.Customer{{ID: "cust_b", Name: "cust_b"}}) {
		t.Errorf("Customers as cust_b = %v, %v", cs, err)
	}
	cs, err = w.svc.Customers(ctx, admin)
	if err != nil || len(cs) != 6 || cs[0] != (cost.Customer{ID: "cust_a", Name: "Acme Inc"}) {
		t.Errorf("Customers as admin = %v, %v; want 6 with cust_a named", cs, err)
	}
	// A customer's panels are its own.
	res, err := w.svc.Panel(ctx, me, cost.PanelRequest{Dashboard: "overview", Panel: "top-customers", Range: last30})
	if err != nil || len(res.Rows) != 1 || res.Rows[0][0] != "cust_b" ||
		!near(num(t, res.Rows[0][1]), w.cost(customer("cust_b"), between(last30.From, last30.To))) {
		t.Errorf("top-customers as cust_b = %v, %v", res, err)
	}
	res, err = w.svc.Panel(ctx, me, cost.PanelRequest{Dashboard: "overview", Panel: "budget-vs-actual", Range: last30})
	if err != nil || res.Rows[0][1] != 150.0 {
		t.Errorf("budget-vs-actual as cust_b = %v, %v; want its own budget 150", res, err)
	}
}

// TestTenantProperty runs many random queries as a customer principal: each one
// either is refused (it names another customer) or returns only the customer's
// own rows, with totals equal to the customer's own lines.
func TestTenantProperty(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	rnd := rand.New(rand.NewPCG(1, 2))
	groupable := []cost.Dimension{cost.DimDate, cost.DimWeek, cost.DimMonth, cost.DimCloudProvider, cost.DimModel,
		cost.DimTokenType, cost.DimCustomer, cost.DimModelFamily, cost.DimService}
	periods := []string{"today", "yesterday", "last_7_days", "this_month", "last_month", "last_30_days", "this_week", "2026-10"}
	others := []string{"cust_a", "cust_c", "cust_d", "", "cust_zz"}
	refused, answered := 0, 0
	for i := range 300 {
		me := customers[rnd.IntN(6)]
		var q cost.Query
		q.Metrics = []cost.Metric{cost.MetricCost}
		if rnd.IntN(2) == 0 {
			q.Metrics = append(q.Metrics, cost.MetricTokens)
		}
		for _, dim := range groupable {
			if rnd.IntN(4) == 0 {
				q.GroupBy = append(q.GroupBy, dim)
			}
		}
		q.Period = cost.Period{Name: periods[rnd.IntN(len(periods))]}
		q.Compare = rnd.IntN(2) == 0
		ps := []sel{}
		if rnd.IntN(2) == 0 {
			p := offerings[rnd.IntN(len(offerings))].provider
			q.Filters = append(q.Filters, cost.Filter{Dimension: cost.DimCloudProvider, Op: cost.OpEq, Values: []string{p}})
			ps = append(ps, provider(p))
		}
		forbidden := false
		switch rnd.IntN(5) {
		case 0: // Names another customer: refused.
			o := others[rnd.IntN(len(others))]
			op := []string{cost.OpEq, cost.OpIn, cost.OpPrefix}[rnd.IntN(3)]
			vals := []string{o}
			if op == cost.OpIn {
				vals = []string{me, o}
			}
			q.Filters = append(q.Filters, cost.Filter{Dimension: cost.DimCustomer, Op: op, Values: vals})
			forbidden = o != me
		case 1: // Excludes others: allowed, narrows nothing.
			var vals []string
			for _, o := range others {
				if o != me {
					vals = append(vals, o)
				}
			}
			q.Filters = append(q.Filters, cost.Filter{Dimension: cost.DimCustomer, Op: cost.OpNotIn, Values: vals})
		case 2: // Names itself.
			q.Filters = append(q.Filters, cost.Filter{Dimension: cost.DimCustomer, Op: cost.OpIn, Values: []string{me}})
		}
		name := fmt.Sprintf("query %d as %s: %+v", i, me, q)
		res, err := w.svc.Query(ctx, cost.CustomerPrincipal(me), q)
		if forbidden {
			if cost.ErrorCode(err) != cost.CodeForbidden {
				t.Fatalf("%s: err = %v, want forbidden", name, err)
			}
			refused++
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		answered++
		r, _ := q.Period.Resolve(testNow)
		checkOwn(t, name, w, res, me, append(ps, customer(me), between(r.From, r.To)), "cost_usd")
		if q.Compare {
			checkOwn(t, name+" previous", w, res, me, append(ps, customer(me), between(res.Previous.From, res.Previous.To)), "cost_usd_previous")
		}
	}
	if refused == 0 || answered < 100 {
		t.Errorf("refused %d, answered %d: the random mix does not exercise both paths", refused, answered)
	}
}

func checkOwn(t *testing.T, name string, w *world, res *cost.Result, me string, ps []sel, col string) {
	t.Helper()
	if c := res.Col(string(cost.DimCustomer)); c >= 0 {
		for _, row := range res.Rows {
			if row[c] != me {
				t.Fatalf("%s: row %v belongs to %v", name, row, row[c])
			}
		}
	}
	var total float64
	for _, row := range res.Rows {
		total += num(t, row[res.Col(col)])
	}
	if want := w.cost(ps...); !near(total, want) {
		t.Fatalf("%s: %s total = %v, want the customer's own %v", name, col, total, want)
	}
}
