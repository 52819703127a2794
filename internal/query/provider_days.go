package query

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// providerDays is the overview's shared base aggregate: cost by date, cloud
// provider and cost source over the range and the month to its end, with the
// dashboard's filters. When the service shares aggregates, its panels (but
// budget-vs-actual, which reads quick stats' daily cost) and the
// reconciliation of the same range and variables read it, so a load reads
// the lines of the selected providers once.
func (pc *panelCtx) providerDays(ctx context.Context) (*cost.Frame, error) {
	return pc.s.providerDays(ctx, overviewWindow(pc.r), pc.filters)
}

// overviewWindow is the period providerDays reads for a range: the range and
// the month to its end.
func overviewWindow(r cost.DateRange) cost.DateRange {
	if m := cost.MonthStart(r.To); m.Before(r.From) {
		r.From = m
	}
	return r
}

func (s *Service) providerDays(ctx context.Context, w cost.DateRange, filters []cost.Filter) (*cost.Frame, error) {
	return s.base(ctx, w, cost.AggregateQuery{Metrics: metrics(cost.MetricCost),
		GroupBy: dims(cost.DimDate, cost.DimCloudProvider, cost.DimCostSource), Filters: filters})
}

// totalOf adds up the last column of a frame's rows within r (its first
// column a date).
func totalOf(f *cost.Frame, r cost.DateRange) float64 {
	var total float64
	dayRows(f, r, func(_ time.Time, row []any) { total += num(row[len(row)-1]) })
	return total
}

// byProviderOf rolls provider days up to cost by provider within r, largest
// first, then by provider.
func byProviderOf(days *cost.Frame, r cost.DateRange) cost.Frame {
	sums := map[string]float64{}
	var providers []string
	dayRows(days, r, func(_ time.Time, row []any) {
		p := str(row[1])
		if _, ok := sums[p]; !ok {
			providers = append(providers, p)
		}
		sums[p] += num(row[3])
	})
	slices.SortFunc(providers, func(a, b string) int { return cmp.Or(cmp.Compare(sums[b], sums[a]), strings.Compare(a, b)) })
	f := cost.Frame{Columns: []string{"cloud_provider", "cost"}, Types: []string{cost.TypeString, cost.TypeNumber},
		Rows: make([][]any, 0, len(providers))}
	for _, p := range providers {
		f.Rows = append(f.Rows, []any{p, sums[p]})
	}
	return f
}

// dailyOf rolls a base of days (date, a dimension, …, cost in the fourth
// column) up to cost by date and that dimension within r, by date then value;
// name is the dimension's column.
func dailyOf(days *cost.Frame, r cost.DateRange, name string) cost.Frame {
	type key struct{ date, value string }
	sums := map[key]float64{}
	var keys []key
	dayRows(days, r, func(_ time.Time, row []any) {
		k := key{str(row[0]), str(row[1])}
		if _, ok := sums[k]; !ok {
			keys = append(keys, k)
		}
		sums[k] += num(row[3])
	})
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(strings.Compare(a.date, b.date), strings.Compare(a.value, b.value))
	})
	f := cost.Frame{Columns: []string{"date", name, "daily_cost"},
		Types: []string{cost.TypeDate, cost.TypeString, cost.TypeNumber}, Rows: make([][]any, 0, len(keys))}
	for _, k := range keys {
		f.Rows = append(f.Rows, []any{k.date, k.value, sums[k]})
	}
	return f
}
