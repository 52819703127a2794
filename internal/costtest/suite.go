package costtest

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// StoreSuite runs the conformance tests of cost.Store against fresh stores made by
// open (each subtest opens its own empty store; the suite closes it). Expected
// figures come from Expect over the input lines, never from the store's own SQL.
func StoreSuite(t *testing.T, open func(t *testing.T) cost.Store) {
	fresh := func(t *testing.T) cost.Store {
		t.Helper()
		s := open(t)
		t.Cleanup(func() { s.Close() })
		return s
	}
	t.Run("Aggregate", func(t *testing.T) { testAggregate(t, fresh(t)) })
	t.Run("Distinct", func(t *testing.T) { testDistinct(t, fresh(t)) })
	t.Run("ReplacePartition", func(t *testing.T) { testReplace(t, fresh(t)) })
	t.Run("SameBatchTwice", func(t *testing.T) { testIdempotent(t, fresh(t)) })
	t.Run("FailedBatchChangesNothing", func(t *testing.T) { testAtomic(t, fresh(t)) })
	t.Run("StreamSameAsSlice", func(t *testing.T) { testStreamSameAsSlice(t, fresh) })
	t.Run("StreamReplacesPartition", func(t *testing.T) { testStreamReplaces(t, fresh(t)) })
	t.Run("FailedStreamChangesNothing", func(t *testing.T) { testStreamAtomic(t, fresh(t)) })
	t.Run("Events", func(t *testing.T) { testEvents(t, fresh(t)) })
	t.Run("EventStreamSameAsSlice", func(t *testing.T) { testEventStreamSameAsSlice(t, fresh) })
	t.Run("FailedEventStreamChangesNothing", func(t *testing.T) { testEventStreamAtomic(t, fresh(t)) })
	t.Run("Lines", func(t *testing.T) { testLines(t, fresh(t)) })
	t.Run("LatestData", func(t *testing.T) { testLatestData(t, fresh(t)) })
	t.Run("Budgets", func(t *testing.T) { testBudgets(t, fresh(t)) })
	t.Run("Settings", func(t *testing.T) { testSettings(t, fresh(t)) })
	t.Run("AlertRules", func(t *testing.T) { testAlertRules(t, fresh(t)) })
	t.Run("Customers", func(t *testing.T) { testCustomers(t, fresh(t)) })
	t.Run("DataVersion", func(t *testing.T) { testDataVersion(t, fresh(t)) })
}

// MustApply applies b and fails the test on error.
func MustApply(t testing.TB, s cost.Store, b *cost.Batch) *cost.ApplyResult {
	t.Helper()
	res, err := s.Apply(context.Background(), b)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	return res
}

// CheckAggregate runs q on s and compares the frame with Expect(lines, q).
func CheckAggregate(t testing.TB, s cost.Store, lines []cost.LineItem, q *cost.AggregateQuery) {
	t.Helper()
	got, err := s.Aggregate(context.Background(), q)
	if err != nil {
		t.Fatalf("Aggregate(%+v): %v", *q, err)
	}
	if err := SameFrame(got, Expect(lines, q)); err != nil {
		t.Errorf("Aggregate(%+v): %v", *q, err)
	}
}

// SameFrame reports how got differs from want; numbers may differ by rounding.
func SameFrame(got, want *cost.Frame) error {
	if fmt.Sprint(got.Columns) != fmt.Sprint(want.Columns) {
		return fmt.Errorf("columns=%v, want %v", got.Columns, want.Columns)
	}
	if fmt.Sprint(got.Types) != fmt.Sprint(want.Types) {
		return fmt.Errorf("types=%v, want %v", got.Types, want.Types)
	}
	if len(got.Rows) != len(want.Rows) {
		return fmt.Errorf("%d rows, want %d (got %v, want %v)", len(got.Rows), len(want.Rows), head(got.Rows), head(want.Rows))
	}
	for i := range want.Rows {
		if len(got.Rows[i]) != len(want.Rows[i]) {
			return fmt.Errorf("row %d has %d cells, want %d", i, len(got.Rows[i]), len(want.Rows[i]))
		}
		for j, w := range want.Rows[i] {
			if !sameCell(got.Rows[i][j], w) {
				return fmt.Errorf("row %d %s=%#v, want %#v (row %v, want %v)",
					i, want.Columns[j], got.Rows[i][j], w, got.Rows[i], want.Rows[i])
			}
		}
	}
	return nil
}

func head(rows [][]any) [][]any {
	if len(rows) > 3 {
		return rows[:3]
	}
	return rows
}

// sameCell compares cells, allowing floats a relative error of 1e-9.
func sameCell(got, want any) bool {
	g, ok1 := got.(float64)
	w, ok2 := want.(float64)
	if ok1 && ok2 {
		return math.Abs(g-w) <= 1e-9*math.Max(1, math.Abs(w))
	}
	return got == want
}

// span is the whole range of the suite's data.
func span() (from, to time.Time) { return Start, Start.AddDate(0, 0, Days-1) }

func testAggregate(t *testing.T, s cost.Store) {
	lines := Lines(1)
	res := MustApply(t, s, BatchOf(lines))
	want := cost.ApplyResult{LinesWritten: len(lines)}
	if *res != want {
		t.Errorf("ApplyResult=%+v, want %+v", *res, want)
	}
	for _, q := range Queries() {
		t.Run(describe(q), func(t *testing.T) { CheckAggregate(t, s, lines, q) })
	}
	bad := []*cost.AggregateQuery{
		{Metrics: []cost.Metric{"cost_usd) FROM cost_lines; --"}},
		{Metrics: []cost.Metric{cost.MetricCost}, GroupBy: []cost.Dimension{"tags"}},
		{Metrics: []cost.Metric{cost.MetricCost}, Filters: []cost.Filter{{Dimension: cost.DimModel, Op: "regexp", Values: []string{"."}}}},
	}
	for _, q := range bad {
		if _, err := s.Aggregate(context.Background(), q); cost.ErrorCode(err) != cost.CodeInvalid {
			t.Errorf("Aggregate(%+v): err=%v, want code invalid", *q, err)
		}
	}
}

// describe names a query for a subtest.
func describe(q *cost.AggregateQuery) string {
	s := fmt.Sprint(q.GroupBy)
	for _, f := range q.Filters {
		s += fmt.Sprintf(" %s-%s", f.Dimension, f.Op)
	}
	if len(q.Having) > 0 {
		s += " having"
	}
	if slices.ContainsFunc(q.Metrics, cost.Metric.IsDaily) {
		s += " daily"
	}
	return s
}

// Queries returns the suite's queries: every metric, every dimension as a
// group-by, every filter operator (time grains included), having, order and limit,
// partial and empty date ranges; each with the line metrics only, then with
// every metric (the daily ones too), and per-customer daily figures with having.
func Queries() []*cost.AggregateQuery {
	from, to := span()
	var all []cost.Metric
	for _, m := range cost.AllMetrics {
		if !m.IsDaily() {
			all = append(all, m)
		}
	}
	q := func(dims []cost.Dimension, filters ...cost.Filter) *cost.AggregateQuery {
		return &cost.AggregateQuery{Metrics: all, GroupBy: dims, Filters: filters, From: from, To: to}
	}
	f := func(d cost.Dimension, op string, vs ...string) cost.Filter {
		return cost.Filter{Dimension: d, Op: op, Values: vs}
	}
	qs := []*cost.AggregateQuery{q(nil)}
	for _, d := range cost.AllDimensions {
		qs = append(qs, q([]cost.Dimension{d}))
	}
	customer := []cost.Dimension{cost.DimCustomer}
	qs = append(qs,
		q([]cost.Dimension{cost.DimDate, cost.DimCloudProvider}),
		q(customer, f(cost.DimCustomer, cost.OpEq, "cust_o'brien")),
		q(customer, f(cost.DimCustomer, cost.OpEq, "")),
		q(customer, f(cost.DimCustomer, cost.OpEq, "x' OR '1'='1")),
		q(customer, f(cost.DimCloudProvider, cost.OpIn, "AWS", "Azure")),
		// Every provider, and one no line has: as if unfiltered.
		q(customer, f(cost.DimCloudProvider, cost.OpIn, "GCP", "AWS", "Azure", "Oracle")),
		q([]cost.Dimension{cost.DimDate, cost.DimCloudProvider}, f(cost.DimCloudProvider, cost.OpIn, "GCP", "GCP", "Oracle")),
		q([]cost.Dimension{cost.DimCloudProvider, cost.DimModel}, f(cost.DimCloudProvider, cost.OpIn, "GCP", "Azure"),
			f(cost.DimCustomer, cost.OpEq, "cust_b")),
		q([]cost.Dimension{cost.DimCloudProvider}, f(cost.DimCloudProvider, cost.OpNotIn, "AWS", "GCP")),
		q(customer, f(cost.DimTokenType, cost.OpNotIn, "input", "")),
		q([]cost.Dimension{cost.DimModel}, f(cost.DimModel, cost.OpPrefix, "claude")),
		q([]cost.Dimension{cost.DimModel}, f(cost.DimModel, cost.OpPrefix, "gpt-4o_")),
		q([]cost.Dimension{cost.DimModel}, f(cost.DimModel, cost.OpPrefix, "%")),
		q([]cost.Dimension{cost.DimModel}, f(cost.DimModelFamily, cost.OpEq, "claude"), f(cost.DimRegion, cost.OpNotIn, "us-east-1")),
		q([]cost.Dimension{cost.DimDate}, f(cost.DimDate, cost.OpEq, "2026-09-30")),
		q([]cost.Dimension{cost.DimDate}, f(cost.DimWeek, cost.OpIn, "2026-09-28", "2026-10-05")),
		q([]cost.Dimension{cost.DimWeek}, f(cost.DimMonth, cost.OpNotIn, "2026-09-01")),
		q([]cost.Dimension{cost.DimMonth}, f(cost.DimWeek, cost.OpEq, "2026-09-28")),
	)
	having := q([]cost.Dimension{cost.DimModel, cost.DimCustomer})
	having.Having = []cost.Having{{Metric: cost.MetricCost, Op: "gte", Value: 29000}, {Metric: cost.MetricTokens, Op: "lt", Value: 1.25e8}}
	top := q([]cost.Dimension{cost.DimModel, cost.DimCustomer})
	top.OrderBy, top.Limit = []cost.Order{{By: string(cost.MetricCost), Desc: true}}, 5
	byDim := q([]cost.Dimension{cost.DimCloudProvider, cost.DimTokenType})
	byDim.OrderBy = []cost.Order{{By: string(cost.DimTokenType), Desc: true}, {By: string(cost.MetricCostPer1K)}}
	partial := q([]cost.Dimension{cost.DimDate})
	partial.From, partial.To = from.AddDate(0, 0, 3), from.AddDate(0, 0, 9)
	empty := q([]cost.Dimension{cost.DimDate})
	empty.From, empty.To = to.AddDate(0, 0, 1), to.AddDate(0, 0, 30)
	emptyTotal := q(nil)
	emptyTotal.From, emptyTotal.To = empty.From, empty.To
	unbounded := q([]cost.Dimension{cost.DimMonth})
	unbounded.From, unbounded.To = time.Time{}, time.Time{}
	qs = append(qs, having, top, byDim, partial, empty, emptyTotal, unbounded)
	for _, l := range slices.Clone(qs) {
		d := *l
		d.Metrics = cost.AllMetrics
		qs = append(qs, &d)
	}
	baseline := q(customer, f(cost.DimCustomer, cost.OpNotIn, ""))
	baseline.Metrics = []cost.Metric{cost.MetricDailyCostAvg, cost.MetricDailyCostStdDev}
	baseline.Having = []cost.Having{{Metric: cost.MetricDailyCostStdDev, Op: "gte", Value: 0}}
	return append(qs, baseline)
}

// testDistinct checks Distinct against the values of the input lines, for
// every dimension, over a range and under filters (the expected lists come
// from the lines, not the store).
func testDistinct(t *testing.T, s cost.Store) {
	lines := Lines(4)
	MustApply(t, s, BatchOf(lines))
	from, to := Start.AddDate(0, 0, 2), Start.AddDate(0, 0, 9)
	f := func(d cost.Dimension, op string, vs ...string) cost.Filter {
		return cost.Filter{Dimension: d, Op: op, Values: vs}
	}
	qs := []*cost.AggregateQuery{
		{},
		{From: from, To: to},
		{From: from, To: to, Filters: []cost.Filter{f(cost.DimCustomer, cost.OpEq, "cust_o'brien")}},
		{Filters: []cost.Filter{f(cost.DimCloudProvider, cost.OpIn, "GCP", "Azure"), f(cost.DimTokenType, cost.OpNotIn, "")}},
	}
	for _, q := range qs {
		for _, d := range cost.AllDimensions {
			seen := map[string]bool{}
			for i := range lines {
				if matches(&lines[i], q) {
					seen[dimValue(&lines[i], d)] = true
				}
			}
			want := slices.Sorted(maps.Keys(seen))
			got, err := s.Distinct(context.Background(), d, q)
			if err != nil {
				t.Fatalf("Distinct(%s, %+v): %v", d, q, err)
			}
			if !slices.Equal(got, want) {
				t.Errorf("Distinct(%s, %+v) = %q, want %q", d, q, got, want)
			}
		}
	}
	if _, err := s.Distinct(context.Background(), "tags", &cost.AggregateQuery{}); cost.ErrorCode(err) != cost.CodeInvalid {
		t.Errorf("Distinct(tags): err = %v, want CodeInvalid", err)
	}
}
