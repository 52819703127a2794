package query_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/query"
)

var admin = cost.AdminPrincipal()

func (w *world) panel(t *testing.T, dash, panel string, req cost.PanelRequest) *cost.Result {
	t.Helper()
	req.Dashboard, req.Panel = dash, panel
	res, err := w.svc.Panel(context.Background(), admin, req)
	if err != nil {
		t.Fatalf("Panel(%s/%s): %v", dash, panel, err)
	}
	return res
}

// last30 is the default dashboard range: date >= today − 30.
var last30 = cost.DateRange{From: testToday.AddDate(0, 0, -30), To: testToday}

func TestEveryPanelRuns(t *testing.T) {
	w := newWorld(t)
	for _, dash := range cost.Dashboards {
		for _, p := range dash.Panels {
			res := w.panel(t, dash.ID, p.ID, cost.PanelRequest{})
			title := p.Title
			if p.ID == "total-cost-this-month" {
				title = "Total Cost, November 2026 to Nov 20" // The title names the month.
			}
			if res.Title != title || res.Unit != p.Unit || len(res.Columns) != len(res.Types) {
				t.Errorf("%s/%s: title %q unit %q, %d columns %d types", dash.ID, p.ID, res.Title, res.Unit,
					len(res.Columns), len(res.Types))
			}
			if len(res.Rows) == 0 {
				t.Errorf("%s/%s: no rows", dash.ID, p.ID)
			}
			if res.Period.From.IsZero() || res.Period.To.After(testToday) {
				t.Errorf("%s/%s: period %v", dash.ID, p.ID, res.Period)
			}
		}
	}
	_, err := w.svc.Panel(context.Background(), admin, cost.PanelRequest{Dashboard: "overview", Panel: "nope"})
	if cost.ErrorCode(err) != cost.CodeNotFound {
		t.Errorf("unknown panel: err = %v, want not_found", err)
	}
	_, err = w.svc.Panel(context.Background(), admin, cost.PanelRequest{Dashboard: "overview", Panel: "cost-by-provider",
		Range: rng("2026-11-10", "2026-11-01")})
	if cost.ErrorCode(err) != cost.CodeInvalid {
		t.Errorf("reversed range: err = %v, want invalid", err)
	}
}

func checkColumns(t *testing.T, res *cost.Result, want ...string) {
	t.Helper()
	if !slices.Equal(res.Columns, want) {
		t.Fatalf("columns = %v, want %v", res.Columns, want)
	}
}

func TestOverviewPanels(t *testing.T) { bothWays(t, testOverviewPanels) }

func testOverviewPanels(t *testing.T, w *world) {
	r := rng("2026-10-01", "2026-11-20")
	mtd := between(d("2026-11-01"), testToday)

	res := w.panel(t, "overview", "total-cost-this-month", cost.PanelRequest{Range: r, Providers: []string{"AWS", "GCP"}})
	checkColumns(t, res, "total_cost")
	if got, want := num(t, res.Rows[0][0]), w.cost(mtd, providerIn("AWS", "GCP")); !near(got, want) {
		t.Errorf("total-cost-this-month = %v, want %v", got, want)
	}
	if res.Period != rng("2026-11-01", "2026-11-20") {
		t.Errorf("total-cost-this-month period = %v, want 2026-11-01..2026-11-20", res.Period)
	}

	res = w.panel(t, "overview", "cost-by-provider", cost.PanelRequest{Range: last30})
	checkColumns(t, res, "cloud_provider", "cost")
	in30 := between(last30.From, last30.To)
	if len(res.Rows) != 3 {
		t.Errorf("cost-by-provider has %d rows, want 3", len(res.Rows))
	}
	for i, row := range res.Rows {
		if got, want := num(t, row[1]), w.cost(in30, provider(row[0].(string))); !near(got, want) {
			t.Errorf("cost-by-provider %v = %v, want %v", row[0], got, want)
		}
		if i > 0 && num(t, row[1]) > num(t, res.Rows[i-1][1]) {
			t.Errorf("cost-by-provider not ordered by cost desc")
		}
	}

	res = w.panel(t, "overview", "daily-cost-trend", cost.PanelRequest{Range: last30})
	checkColumns(t, res, "date", "cloud_provider", "daily_cost")
	if len(res.Rows) != 31*3 {
		t.Errorf("daily-cost-trend has %d rows, want %d", len(res.Rows), 31*3)
	}
	for _, row := range res.Rows {
		if got, want := num(t, row[2]), w.cost(on(d(row[0].(string))), provider(row[1].(string))); !near(got, want) {
			t.Errorf("daily-cost-trend %v %v = %v, want %v", row[0], row[1], got, want)
		}
	}

	res = w.panel(t, "overview", "top-customers", cost.PanelRequest{Range: last30})
	checkColumns(t, res, "customer_id", "total_spend")
	if len(res.Rows) != 6 {
		t.Errorf("top-customers has %d rows, want the 6 attributed customers", len(res.Rows))
	}
	for i, row := range res.Rows {
		id := row[0].(string)
		if got, want := num(t, row[1]), w.cost(in30, customer(id)); id == "" || !near(got, want) {
			t.Errorf("top-customers %q = %v, want %v", id, got, want)
		}
		if i > 0 && num(t, row[1]) > num(t, res.Rows[i-1][1]) {
			t.Errorf("top-customers not ordered by spend desc")
		}
	}
}

func TestBudgetVsActual(t *testing.T) { bothWays(t, testBudgetVsActual) }

func testBudgetVsActual(t *testing.T, w *world) {
	mtd := between(d("2026-11-01"), testToday)
	tests := []struct {
		customer string
		budget   any
		actual   float64
	}{
		{"", 5000.0, w.cost(mtd)},
		{"_org", 5000.0, w.cost(mtd)},
		{"cust_b", 150.0, w.cost(mtd, customer("cust_b"))},
		{"cust_d", nil, w.cost(mtd, customer("cust_d"))},
	}
	for _, tt := range tests {
		res := w.panel(t, "overview", "budget-vs-actual", cost.PanelRequest{Range: last30, CustomerID: tt.customer})
		checkColumns(t, res, "actual", "budget", "percent_used")
		row := res.Rows[0]
		if got := num(t, row[0]); !near(got, tt.actual) {
			t.Errorf("%q actual = %v, want %v", tt.customer, got, tt.actual)
		}
		if row[1] != tt.budget {
			t.Errorf("%q budget = %v, want %v", tt.customer, row[1], tt.budget)
		}
		if tt.budget == nil {
			if row[2] != nil || res.Meta["has_budget"] != false || res.Meta["note"] == nil {
				t.Errorf("%q without budget: row %v meta %v", tt.customer, row, res.Meta)
			}
		} else if got, want := num(t, row[2]), 100*tt.actual/tt.budget.(float64); !near(got, want) {
			t.Errorf("%q percent_used = %v, want %v", tt.customer, got, want)
		}
	}
}

func TestModelPanels(t *testing.T) { bothWays(t, testModelPanels) }

func testModelPanels(t *testing.T, w *world) {
	in30 := between(last30.From, last30.To)

	res := w.panel(t, "models", "cost-per-model", cost.PanelRequest{Range: last30})
	checkColumns(t, res, "model", "cloud_provider", "total_cost", "total_tokens", "cost_per_1k_tokens", "active_customers")
	if len(res.Rows) != 6 { // 4 offerings, mystery-1 on AWS, and the model-less GCP charge.
		t.Errorf("cost-per-model has %d rows, want 6", len(res.Rows))
	}
	for _, row := range res.Rows {
		m, p := row[0].(string), row[1].(string)
		ps := []sel{in30, model(m), provider(p)}
		if got, want := num(t, row[2]), w.cost(ps...); !near(got, want) {
			t.Errorf("cost-per-model %s/%s cost = %v, want %v", m, p, got, want)
		}
		if got, want := num(t, row[3]), w.tokens(ps...); !near(got, want) {
			t.Errorf("cost-per-model %s/%s tokens = %v, want %v", m, p, got, want)
		}
		if tok := w.tokens(ps...); tok > 0 {
			if got, want := num(t, row[4]), w.cost(append(ps, isToken)...)/tok*1000; !near(got, want) {
				t.Errorf("cost-per-model %s/%s cost_per_1k = %v, want %v", m, p, got, want)
			}
		} else if row[4] != nil {
			t.Errorf("cost-per-model %s/%s cost_per_1k = %v, want null without tokens", m, p, row[4])
		}
		want := w.distinct(func(l *cost.LineItem) string { return l.CustomerID }, ps...)
		if got := num(t, row[5]); int(got) != want {
			t.Errorf("cost-per-model %s/%s active_customers = %v, want %d", m, p, got, want)
		}
	}

	res = w.panel(t, "models", "model-cost-trend", cost.PanelRequest{Range: last30, Models: []string{"gpt-4o", "gemini-1.5-pro"}})
	checkColumns(t, res, "date", "model", "daily_cost")
	if len(res.Rows) != 31*2 {
		t.Errorf("model-cost-trend has %d rows, want 62", len(res.Rows))
	}
	for _, row := range res.Rows {
		if got, want := num(t, row[2]), w.cost(on(d(row[0].(string))), model(row[1].(string))); !near(got, want) {
			t.Errorf("model-cost-trend %v %v = %v, want %v", row[0], row[1], got, want)
		}
	}

	res = w.panel(t, "models", "input-vs-output", cost.PanelRequest{Range: last30})
	checkColumns(t, res, "model", "input_cost", "output_cost", "cache_cost", "reasoning_cost", "other_cost")
	hasModel := func(l *cost.LineItem) bool { return l.Model != "" }
	if got, want := len(res.Rows), w.distinct(func(l *cost.LineItem) string { return l.Model }, in30); got != want {
		t.Errorf("input-vs-output has %d rows, want %d models", got, want)
	}
	var all float64
	for i, row := range res.Rows {
		m := row[0].(string)
		want := []float64{w.cost(in30, model(m), tokenType("input")), w.cost(in30, model(m), tokenType("output")),
			w.cost(in30, model(m), tokenType("cache_read")) + w.cost(in30, model(m), tokenType("cache_write")),
			w.cost(in30, model(m), tokenType("reasoning")), w.cost(in30, model(m), tokenType(""))}
		var sum float64
		for j, v := range want {
			if !near(num(t, row[j+1]), v) {
				t.Errorf("input-vs-output %s %s = %v, want %v", m, res.Columns[j+1], row[j+1], v)
			}
			sum += num(t, row[j+1])
		}
		if !near(sum, w.cost(in30, model(m))) {
			t.Errorf("input-vs-output %s parts add up to %v, want the model's cost %v", m, sum, w.cost(in30, model(m)))
		}
		all += sum
		if i > 0 && sum > rowSum(t, res.Rows[i-1]) {
			t.Errorf("input-vs-output not ordered by total desc")
		}
	}
	if want := w.cost(in30, hasModel); !near(all, want) {
		t.Errorf("input-vs-output adds up to %v, want every model's cost %v", all, want)
	}

	res = w.panel(t, "models", "model-efficiency", cost.PanelRequest{Range: last30})
	checkColumns(t, res, "model", "cost_per_1k")
	week := between(testToday.AddDate(0, 0, -6), testToday)
	var want []string
	for _, o := range offerings {
		if w.tokens(week, model(o.model)) > 100000 {
			want = append(want, o.model)
		}
	}
	if len(res.Rows) != len(want) || len(want) != 4 {
		t.Errorf("model-efficiency has %d rows, want %d (%v)", len(res.Rows), len(want), want)
	}
	for i, row := range res.Rows {
		m := row[0].(string)
		exp := w.cost(week, model(m), isToken) / w.tokens(week, model(m)) * 1000
		if !near(num(t, row[1]), exp) {
			t.Errorf("model-efficiency %s = %v, want %v", m, row[1], exp)
		}
		if i > 0 && num(t, row[1]) < num(t, res.Rows[i-1][1]) {
			t.Errorf("model-efficiency not ordered by cost_per_1k asc")
		}
	}
	if res.Period != (cost.DateRange{From: testToday.AddDate(0, 0, -6), To: testToday}) {
		t.Errorf("model-efficiency period = %v, want the last 7 days", res.Period)
	}
}

// bothWays runs a panel test on a service alone, where each panel runs its
// own queries, and on one with a result cache, where panels roll up the base
// aggregates their dashboard shares.
func bothWays(t *testing.T, test func(*testing.T, *world)) {
	for _, shared := range []bool{false, true} {
		t.Run(map[bool]string{false: "Alone", true: "Shared"}[shared], func(t *testing.T) {
			w := newWorld(t)
			if shared {
				query.NewCached(w.svc, 0, nil) // The service now shares base aggregates.
			}
			test(t, w)
		})
	}
}

func TestCustomerPanels(t *testing.T) { bothWays(t, testCustomerPanels) }

func testCustomerPanels(t *testing.T, w *world) {
	r90 := cost.DateRange{From: testToday.AddDate(0, 0, -90), To: testToday}

	res := w.panel(t, "customers", "customer-heatmap", cost.PanelRequest{Range: r90})
	checkColumns(t, res, "customer_id", "week", "weekly_cost")
	var total float64
	for i, row := range res.Rows {
		id, week := row[0].(string), d(row[1].(string))
		if week.Weekday() != time.Monday || id == "" {
			t.Errorf("heatmap row %v: week not a Monday or customer empty", row)
		}
		if got, want := num(t, row[2]), w.cost(customer(id), between(week, week.AddDate(0, 0, 6)), between(r90.From, r90.To)); !near(got, want) {
			t.Errorf("heatmap %s %s = %v, want %v", id, row[1], got, want)
		}
		total += num(t, row[2])
		if i > 0 && row[1].(string) < res.Rows[i-1][1].(string) {
			t.Errorf("heatmap not ordered by week")
		}
	}
	if want := w.cost(between(r90.From, r90.To), isAttributed); !near(total, want) {
		t.Errorf("heatmap total = %v, want %v", total, want)
	}

	res = w.panel(t, "customers", "top-spenders", cost.PanelRequest{Range: last30})
	checkColumns(t, res, "customer_id", "mtd_cost", "last_7_days", "active_days", "models_used")
	mtd := between(d("2026-11-01"), testToday)
	last7 := between(d("2026-11-14"), testToday) // 7 days: Nov 14 … Nov 20.
	if len(res.Rows) != 6 {
		t.Errorf("top-spenders has %d rows, want 6", len(res.Rows))
	}
	for _, row := range res.Rows {
		id := row[0].(string)
		days := w.distinct(func(l *cost.LineItem) string { return l.Date.String() }, mtd, customer(id))
		models := map[string]bool{}
		for _, l := range w.lines {
			if l.CustomerID == id && mtd(&l) && l.Model != "" {
				models[l.Model] = true
			}
		}
		var ms []string
		for m := range models {
			ms = append(ms, m)
		}
		slices.Sort(ms)
		if !near(num(t, row[1]), w.cost(mtd, customer(id))) || !near(num(t, row[2]), w.cost(last7, customer(id))) ||
			int(num(t, row[3])) != days || row[4] != strings.Join(ms, ", ") {
			t.Errorf("top-spenders %s = %v, want %v %v %d %q", id, row, w.cost(mtd, customer(id)),
				w.cost(last7, customer(id)), days, strings.Join(ms, ", "))
		}
	}

	// Early in a month the last 7 days reach into the previous month.
	early := cost.DateRange{From: d("2026-10-04"), To: d("2026-11-03")}
	res = w.panel(t, "customers", "top-spenders", cost.PanelRequest{Range: early})
	for _, row := range res.Rows {
		id := row[0].(string)
		mtd, last7 := w.cost(between(d("2026-11-01"), early.To), customer(id)), w.cost(between(d("2026-10-28"), early.To), customer(id))
		if !near(num(t, row[1]), mtd) || !near(num(t, row[2]), last7) || near(mtd, last7) {
			t.Errorf("top-spenders to Nov 3, %s: mtd %v, last 7 days %v; want %v and %v", id, row[1], row[2], mtd, last7)
		}
	}

	res = w.panel(t, "customers", "customer-growth", cost.PanelRequest{Range: r90})
	checkColumns(t, res, "date", "active_customers", "total_cost")
	if len(res.Rows) != 91 {
		t.Errorf("customer-growth has %d rows, want 91", len(res.Rows))
	}
	for _, row := range res.Rows {
		day := on(d(row[0].(string)))
		ac := w.distinct(func(l *cost.LineItem) string { return l.CustomerID }, day)
		if int(num(t, row[1])) != ac || !near(num(t, row[2]), w.cost(day)) {
			t.Errorf("customer-growth %v = %v, want %d customers, %v", row[0], row[1:], ac, w.cost(day))
		}
	}
}

// rowSum adds a row's numbers.
func rowSum(t *testing.T, row []any) float64 {
	var sum float64
	for _, v := range row[1:] {
		sum += num(t, v)
	}
	return sum
}
