package query

import (
	"cmp"
	"context"
	"slices"

	"github.com/llmcost/llmcost/internal/cost"
)

// costPerModel: per model and provider, cost, tokens, cost per 1K tokens and
// active customers over the range, most expensive first.
func costPerModel(ctx context.Context, pc *panelCtx) (*cost.Result, error) {
	return pc.run(ctx, pc.r, cost.AggregateQuery{
		Metrics: metrics(cost.MetricCost, cost.MetricTokens, cost.MetricCostPer1K, cost.MetricActiveCustomers),
		GroupBy: dims(cost.DimModel, cost.DimCloudProvider), Filters: pc.filters,
		OrderBy: desc(string(cost.MetricCost))},
		"model", "cloud_provider", "total_cost", "total_tokens", "cost_per_1k_tokens", "active_customers")
}

// modelCostTrend: date, model, SUM(cost_usd) over the range.
func modelCostTrend(ctx context.Context, pc *panelCtx) (*cost.Result, error) {
	return pc.run(ctx, pc.r, cost.AggregateQuery{Metrics: metrics(cost.MetricCost),
		GroupBy: dims(cost.DimDate, cost.DimModel), Filters: pc.filters},
		"date", "model", "daily_cost")
}

// inputVsOutput: per model, input-token and output-token cost over the range,
// ordered by their sum (largest first).
func inputVsOutput(ctx context.Context, pc *panelCtx) (*cost.Result, error) {
	io := cost.Filter{Dimension: cost.DimTokenType, Op: cost.OpIn, Values: []string{cost.TokenInput, cost.TokenOutput}}
	f, err := pc.s.aggregate(ctx, pc.r, cost.AggregateQuery{Metrics: metrics(cost.MetricCost),
		GroupBy: dims(cost.DimModel, cost.DimTokenType), Filters: pc.with(io)})
	if err != nil {
		return nil, err
	}
	type split struct {
		model         string
		input, output float64
	}
	var rows []*split
	byModel := map[string]*split{}
	for _, row := range f.Rows {
		m := str(row[0])
		sp, ok := byModel[m]
		if !ok {
			sp = &split{model: m}
			byModel[m] = sp
			rows = append(rows, sp)
		}
		if str(row[1]) == cost.TokenInput {
			sp.input += num(row[2])
		} else {
			sp.output += num(row[2])
		}
	}
	slices.SortStableFunc(rows, func(a, b *split) int {
		return cmp.Or(cmp.Compare(b.input+b.output, a.input+a.output), cmp.Compare(a.model, b.model))
	})
	out := cost.Frame{Columns: []string{"model", "input_cost", "output_cost"},
		Types: []string{cost.TypeString, cost.TypeNumber, cost.TypeNumber}, Rows: [][]any{}}
	for _, sp := range rows {
		out.Rows = append(out.Rows, []any{sp.model, sp.input, sp.output})
	}
	return &cost.Result{Frame: out, Period: pc.r}, nil
}

// MinEfficiencyTokens is the seed's minimum token volume for a model to be scored.
const MinEfficiencyTokens = 100000

// modelEfficiency: cost per 1K tokens over the last 7 days (relative to the
// range's end) for models with more than MinEfficiencyTokens tokens, cheapest first.
// Only token lines count, so they are filtered before grouping.
func modelEfficiency(ctx context.Context, pc *panelCtx) (*cost.Result, error) {
	tokenLines := cost.Filter{Dimension: cost.DimTokenType, Op: cost.OpNotIn, Values: []string{""}}
	return pc.run(ctx, pc.lastDays(7), cost.AggregateQuery{Metrics: metrics(cost.MetricCostPer1K),
		GroupBy: dims(cost.DimModel), Filters: pc.with(tokenLines),
		Having:  []cost.Having{{Metric: cost.MetricTokens, Op: "gt", Value: MinEfficiencyTokens}},
		OrderBy: []cost.Order{{By: string(cost.MetricCostPer1K)}}},
		"model", "cost_per_1k")
}
