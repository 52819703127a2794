package query

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// modelDays is the models dashboard's shared base aggregate: cost and tokens by
// date, model and token type, with the dashboard's filters, over the range and
// the last 7 days to its end. Its panels read it when the service shares
// aggregates.
func (pc *panelCtx) modelDays(ctx context.Context) (*cost.Frame, error) {
	from := pc.r.From
	if w := pc.lastDays(7).From; w.Before(from) {
		from = w
	}
	return pc.s.base(ctx, cost.DateRange{From: from, To: pc.today}, cost.AggregateQuery{
		Metrics: metrics(cost.MetricCost, cost.MetricTokens),
		GroupBy: dims(cost.DimDate, cost.DimModel, cost.DimTokenType), Filters: pc.filters})
}

// modelTokenTypesOf rolls model days up to cost by model (lines with one) and
// token type within r, as the frame inputVsOutput reads.
func modelTokenTypesOf(days *cost.Frame, r cost.DateRange) *cost.Frame {
	type key struct{ model, tokenType string }
	sums := map[key]float64{}
	var keys []key
	dayRows(days, r, func(_ time.Time, row []any) {
		k := key{str(row[1]), str(row[2])}
		if k.model == "" {
			return
		}
		if _, ok := sums[k]; !ok {
			keys = append(keys, k)
		}
		sums[k] += num(row[3])
	})
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(strings.Compare(a.model, b.model), strings.Compare(a.tokenType, b.tokenType))
	})
	f := &cost.Frame{Rows: make([][]any, 0, len(keys))}
	for _, k := range keys {
		f.Rows = append(f.Rows, []any{k.model, k.tokenType, sums[k]})
	}
	return f
}

// efficiencyOf rolls model days up to cost per 1K tokens of token lines within
// r, for models with more than minTokens tokens, cheapest first, then by model.
func efficiencyOf(days *cost.Frame, r cost.DateRange, minTokens float64) cost.Frame {
	type model struct {
		id          string
		usd, tokens float64
	}
	var ms []*model
	byID := map[string]*model{}
	dayRows(days, r, func(_ time.Time, row []any) {
		if str(row[2]) == "" {
			return
		}
		m := byID[str(row[1])]
		if m == nil {
			m = &model{id: str(row[1])}
			byID[m.id] = m
			ms = append(ms, m)
		}
		m.usd += num(row[3])
		m.tokens += num(row[4])
	})
	f := cost.Frame{Columns: []string{"model", "cost_per_1k"}, Types: []string{cost.TypeString, cost.TypeNumber},
		Rows: [][]any{}}
	type scored struct {
		id  string
		cpk float64
	}
	var out []scored
	for _, m := range ms {
		if m.tokens > minTokens {
			out = append(out, scored{m.id, m.usd / m.tokens * 1000})
		}
	}
	slices.SortFunc(out, func(a, b scored) int { return cmp.Or(cmp.Compare(a.cpk, b.cpk), strings.Compare(a.id, b.id)) })
	for _, s := range out {
		f.Rows = append(f.Rows, []any{s.id, s.cpk})
	}
	return f
}
