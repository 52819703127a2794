package query

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// providerDays is the overview's shared base aggregate: cost by date and cloud
// provider, with the dashboard's filters, over the range and the month to its
// end. Its panels read it when the service shares aggregates.
func (pc *panelCtx) providerDays(ctx context.Context) (*cost.Frame, error) {
	from := pc.r.From
	if m := cost.MonthStart(pc.today); m.Before(from) {
		from = m
	}
	return pc.s.base(ctx, cost.DateRange{From: from, To: pc.today}, cost.AggregateQuery{
		Metrics: metrics(cost.MetricCost), GroupBy: dims(cost.DimDate, cost.DimCloudProvider), Filters: pc.filters})
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
		sums[p] += num(row[2])
	})
	slices.SortFunc(providers, func(a, b string) int { return cmp.Or(cmp.Compare(sums[b], sums[a]), strings.Compare(a, b)) })
	f := cost.Frame{Columns: []string{"cloud_provider", "cost"}, Types: []string{cost.TypeString, cost.TypeNumber},
		Rows: make([][]any, 0, len(providers))}
	for _, p := range providers {
		f.Rows = append(f.Rows, []any{p, sums[p]})
	}
	return f
}

// trendOf is provider days within r: date, provider, cost, by date then provider.
func trendOf(days *cost.Frame, r cost.DateRange) cost.Frame {
	f := cost.Frame{Columns: []string{"date", "cloud_provider", "daily_cost"},
		Types: []string{cost.TypeDate, cost.TypeString, cost.TypeNumber}, Rows: [][]any{}}
	dayRows(days, r, func(_ time.Time, row []any) { f.Rows = append(f.Rows, slices.Clone(row)) })
	return f
}
