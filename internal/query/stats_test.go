package query_test

import (
	"context"
	"slices"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
)

func TestQueryCompare(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	q := cost.Query{Metrics: []cost.Metric{cost.MetricCost, cost.MetricTokens}, GroupBy: []cost.Dimension{cost.DimCloudProvider},
		Period: cost.Period{From: "2026-11-01", To: "2026-11-10"}, Compare: true}
	res, err := w.svc.Query(ctx, admin, q)
	if err != nil {
		t.Fatal(err)
	}
	checkColumns(t, res, "cloud_provider", "cost_usd", "usage_amount", "cost_usd_previous", "usage_amount_previous")
	if want := rng("2026-10-01", "2026-10-10"); res.Previous == nil || *res.Previous != want {
		t.Fatalf("previous = %v, want %v", res.Previous, want)
	}
	for _, row := range res.Rows {
		p := provider(row[0].(string))
		cur, prev := between(d("2026-11-01"), d("2026-11-10")), between(d("2026-10-01"), d("2026-10-10"))
		if !near(num(t, row[1]), w.cost(p, cur)) || !near(num(t, row[3]), w.cost(p, prev)) ||
			!near(num(t, row[4]), w.tokens(p, prev)) {
			t.Errorf("row %v, want cost %v previous %v tokens %v", row, w.cost(p, cur), w.cost(p, prev), w.tokens(p, prev))
		}
	}

	// By date: previous days are aligned onto the current ones (7 days earlier).
	q = cost.Query{Metrics: []cost.Metric{cost.MetricCost}, GroupBy: []cost.Dimension{cost.DimDate},
		Filters: []cost.Filter{{Dimension: cost.DimCustomer, Op: cost.OpEq, Values: []string{"cust_f"}}},
		Period:  cost.Period{From: "2026-10-30", To: "2026-11-05"}, Compare: true}
	res, err = w.svc.Query(ctx, admin, q)
	if err != nil {
		t.Fatal(err)
	}
	// cust_f starts on 2026-10-31: the 30th has no current row and a previous of 0.
	if len(res.Rows) != 6 {
		t.Fatalf("rows = %v, want 6 days with spend", res.Rows)
	}
	for _, row := range res.Rows {
		day := d(row[0].(string))
		if !near(num(t, row[1]), w.cost(customer("cust_f"), on(day))) || !near(num(t, row[2]), w.cost(customer("cust_f"), on(day.AddDate(0, 0, -7)))) {
			t.Errorf("row %v, want %v and previous %v", row, w.cost(customer("cust_f"), on(day)),
				w.cost(customer("cust_f"), on(day.AddDate(0, 0, -7))))
		}
	}
}

func TestQueryInvalid(t *testing.T) {
	w := newWorld(t)
	_, err := w.svc.Query(context.Background(), admin, cost.Query{Metrics: []cost.Metric{"bogus"}, Period: cost.Period{Name: "today"}})
	if cost.ErrorCode(err) != cost.CodeInvalid || cost.ErrorField(err) != "metrics[0]" {
		t.Errorf("err = %v, want invalid naming metrics[0]", err)
	}
}

func TestQuickStats(t *testing.T) { bothWays(t, testQuickStats) }

func testQuickStats(t *testing.T, w *world) {
	ctx := context.Background()
	mtd := between(d("2026-11-01"), testToday)
	for _, id := range []string{"", "cust_b", "cust_d"} {
		p := admin
		if id == "cust_d" {
			p = cost.CustomerPrincipal("cust_d")
		}
		qs, err := w.svc.QuickStats(ctx, p, id)
		if err != nil {
			t.Fatal(err)
		}
		ps := []sel{}
		if id != "" {
			ps = append(ps, customer(id))
		}
		if !near(qs.Today, w.cost(append(ps, on(testToday))...)) || !near(qs.MonthToDate, w.cost(append(ps, mtd)...)) ||
			!near(qs.Last7Days, w.cost(append(ps, between(d("2026-11-13"), testToday))...)) {
			t.Errorf("%q: today %v mtd %v last7 %v; want %v %v %v", id, qs.Today, qs.MonthToDate, qs.Last7Days,
				w.cost(append(ps, on(testToday))...), w.cost(append(ps, mtd)...), w.cost(append(ps, between(d("2026-11-13"), testToday))...))
		}
		if qs.Currency != "USD" || qs.CustomerID != id || qs.MonthToDateRange != rng("2026-11-01", "2026-11-20") ||
			qs.Last7DaysRange != rng("2026-11-13", "2026-11-20") {
			t.Errorf("%q: %+v", id, qs)
		}
		if qs.ForecastMonthEnd < qs.MonthToDate {
			t.Errorf("%q: forecast %v below month to date %v", id, qs.ForecastMonthEnd, qs.MonthToDate)
		}
		unpriced := w.sum(func(l *cost.LineItem) float64 { return l.UsageAmount },
			append(ps, mtd, func(l *cost.LineItem) bool { return l.Unpriced })...)
		if !near(qs.UnpricedTokens, unpriced) {
			t.Errorf("%q: unpriced tokens %v, want %v", id, qs.UnpricedTokens, unpriced)
		}
		if wantModels := unpriced > 0; wantModels != slices.Equal(qs.UnpricedModels, []string{"mystery-1"}) {
			t.Errorf("%q: unpriced models %v", id, qs.UnpricedModels)
		}
		switch id {
		case "cust_d":
			if qs.Budget != nil || qs.BudgetUsedPercent != nil {
				t.Errorf("cust_d: budget %v, want none", qs.Budget)
			}
		default:
			b := map[string]float64{"": 5000, "cust_b": 150}[id]
			if qs.Budget == nil || *qs.Budget != b || !near(*qs.BudgetUsedPercent, 100*qs.MonthToDate/b) {
				t.Errorf("%q: budget %v used %v, want %v", id, qs.Budget, qs.BudgetUsedPercent, b)
			}
		}
	}
}

func TestForecastAndBudgets(t *testing.T) { bothWays(t, testForecastAndBudgets) }

func testForecastAndBudgets(t *testing.T, w *world) {
	ctx := context.Background()
	mtd := between(d("2026-11-01"), testToday)
	f, err := w.svc.Forecast(ctx, admin, "cust_b")
	if err != nil {
		t.Fatal(err)
	}
	if !near(f.MonthToDate, w.cost(mtd, customer("cust_b"))) || f.Month != "2026-11" || f.DaysElapsed != 19 ||
		f.DaysRemaining != 11 || f.Budget == nil || *f.Budget != 150 || f.CustomerID != "cust_b" {
		t.Errorf("forecast = %+v", f)
	}
	if !(f.Lower <= f.Projected && f.Projected <= f.Upper) {
		t.Errorf("forecast band %v..%v does not hold %v", f.Lower, f.Upper, f.Projected)
	}
	st, err := w.svc.BudgetStatus(ctx, cost.CustomerPrincipal("cust_b"), "")
	if err != nil {
		t.Fatal(err)
	}
	if !st.HasBudget || st.Budget != 150 || !near(st.Spent, f.MonthToDate) || !near(st.Projected, f.Projected) ||
		!near(st.PercentUsed, 100*st.Spent/150) || st.OverBudget != (st.Spent > 150) ||
		!near(st.ProjectedOverrun, max(0, st.Projected-150)) {
		t.Errorf("budget status = %+v", st)
	}
	all, err := w.svc.BudgetStatuses(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].CustomerID != "" || all[1].CustomerID != "cust_b" || !near(all[0].Spent, w.cost(mtd)) {
		t.Errorf("budget statuses = %+v", all)
	}
}

func TestExplainSpike(t *testing.T) {
	w := newWorld(t)
	e, err := w.svc.Explain(context.Background(), admin, cost.ExplainRequest{})
	if err != nil {
		t.Fatal(err)
	}
	base := between(spikeDay.AddDate(0, 0, -30), spikeDay.AddDate(0, 0, -1))
	if e.Range != (cost.DateRange{From: spikeDay, To: spikeDay}) || !near(e.Total, w.cost(on(spikeDay))) ||
		!near(e.Baseline, w.cost(base)/30) {
		t.Errorf("explanation = total %v baseline %v range %v; want %v %v", e.Total, e.Baseline, e.Range,
			w.cost(on(spikeDay)), w.cost(base)/30)
	}
	wantTop := w.cost(on(spikeDay), customer("cust_c"), model("gemini-1.5-pro")) -
		w.cost(base, customer("cust_c"), model("gemini-1.5-pro"))/30
	if len(e.Top) != 2 || e.Top[0].Value != "cust_c" || e.Top[1].Value != "gemini-1.5-pro" || !near(e.Top[0].Delta, wantTop) {
		t.Errorf("top = %+v, want cust_c on gemini-1.5-pro with delta %v", e.Top, wantTop)
	}
	for _, c := range e.Contributions {
		var ps []sel
		switch c.Dimension {
		case cost.DimCustomer:
			ps = append(ps, customer(c.Value))
		case cost.DimModel:
			ps = append(ps, model(c.Value))
		case cost.DimCloudProvider:
			ps = append(ps, provider(c.Value))
		case cost.DimTokenType:
			ps = append(ps, tokenType(c.Value))
		}
		if want := w.cost(append(ps, on(spikeDay))...) - w.cost(append(ps, base)...)/30; !near(c.Delta, want) {
			t.Errorf("contribution %+v, want delta %v", c, want)
		}
	}
	if first := e.Contributions[0].Value; e.Summary == "" || !slices.Contains([]string{"cust_c", "gemini-1.5-pro", "GCP"}, first) {
		t.Errorf("summary %q, first contribution %+v", e.Summary, e.Contributions[0])
	}
}

func TestAnomaliesFindSpike(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	rep, err := w.svc.Anomalies(ctx, admin, cost.AnomalyRequest{By: cost.DimCustomer})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Series) != 31 || rep.Range != last30 {
		t.Errorf("series has %d points over %v, want 31 over %v", len(rep.Series), rep.Range, last30)
	}
	found := false
	for _, a := range rep.Anomalies {
		if a.Detector == cost.DetectorWeekday && a.Key == "cust_c" && a.Date.Equal(spikeDay) && a.Direction == "high" {
			found = true
		}
		if a.Detector == cost.DetectorWeekday && a.Key != "cust_c" && a.Direction == "high" {
			t.Errorf("weekday detector flagged %+v", a)
		}
	}
	if !found {
		t.Errorf("anomalies %+v lack cust_c's spike on %s", rep.Anomalies, spikeDay.Format(cost.DateLayout))
	}
	if _, err := w.svc.Anomalies(ctx, admin, cost.AnomalyRequest{By: cost.DimRegion}); cost.ErrorCode(err) != cost.CodeInvalid {
		t.Errorf("by region: err = %v, want invalid", err)
	}
	// A customer's anomalies are its own.
	rep, err = w.svc.Anomalies(ctx, cost.CustomerPrincipal("cust_a"), cost.AnomalyRequest{By: cost.DimCustomer})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range rep.Anomalies {
		if a.Key != "cust_a" {
			t.Errorf("cust_a sees anomaly %+v", a)
		}
	}
}
