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
	if pc.s.sharing() {
		days, err := pc.modelDays(ctx)
		if err != nil {
			return nil, err
		}
		return &cost.Result{Frame: dailyOf(days, pc.r, "model"), Period: pc.r}, nil
	}
	return pc.run(ctx, pc.r, cost.AggregateQuery{Metrics: metrics(cost.MetricCost),
		GroupBy: dims(cost.DimDate, cost.DimModel), Filters: pc.filters},
		"date", "model", "daily_cost")
}

// inputVsOutput: per model, the cost of input, output, cache (read and write)
// and reasoning tokens and of its other charges over the range, largest total
// first, so each model's bar adds up to its cost.
func inputVsOutput(ctx context.Context, pc *panelCtx) (*cost.Result, error) {
	f, err := pc.modelTokenTypes(ctx)
	if err != nil {
		return nil, err
	}
	type split struct {
		model string
		parts [len(tokenColumns)]float64
		total float64
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
		sp.parts[tokenColumn(str(row[1]))] += num(row[2])
		sp.total += num(row[2])
	}
	slices.SortStableFunc(rows, func(a, b *split) int {
		return cmp.Or(cmp.Compare(b.total, a.total), cmp.Compare(a.model, b.model))
	})
	out := cost.Frame{Columns: append([]string{"model"}, tokenColumns[:]...), Types: []string{cost.TypeString},
		Rows: [][]any{}}
	for range tokenColumns {
		out.Types = append(out.Types, cost.TypeNumber)
	}
	for _, sp := range rows {
		row := []any{sp.model}
		for _, v := range sp.parts {
			row = append(row, v)
		}
		out.Rows = append(out.Rows, row)
	}
	return &cost.Result{Frame: out, Period: pc.r}, nil
}

// modelTokenTypes returns cost by model (lines with one) and token type over
// the range.
func (pc *panelCtx) modelTokenTypes(ctx context.Context) (*cost.Frame, error) {
	if pc.s.sharing() {
		days, err := pc.modelDays(ctx)
		if err != nil {
			return nil, err
		}
		return modelTokenTypesOf(days, pc.r), nil
	}
	hasModel := cost.Filter{Dimension: cost.DimModel, Op: cost.OpNotIn, Values: []string{""}}
	return pc.s.aggregate(ctx, pc.r, cost.AggregateQuery{Metrics: metrics(cost.MetricCost),
		GroupBy: dims(cost.DimModel, cost.DimTokenType), Filters: pc.with(hasModel)})
}

// tokenColumns are the cost columns of the token-type panel.
var tokenColumns = [...]string{"input_cost", "output_cost", "cache_cost", "reasoning_cost", "other_cost"}

// tokenColumn is the index in tokenColumns of a line's token type.
func tokenColumn(tokenType string) int {
	switch tokenType {
	case cost.TokenInput:
		return 0
	case cost.TokenOutput:
		return 1
	case cost.TokenCacheRead, cost.TokenCacheWrite:
		return 2
	case cost.TokenReasoning:
		return 3
	}
	return 4
}

// MinEfficiencyTokens is the seed's minimum token volume for a model to be scored.
const MinEfficiencyTokens = 100000

// modelEfficiency: cost per 1K tokens over the last 7 days (relative to the
// range's end) for models with more than MinEfficiencyTokens tokens, cheapest first.
// Only token lines count, so they are filtered before grouping.
func modelEfficiency(ctx context.Context, pc *panelCtx) (*cost.Result, error) {
	if pc.s.sharing() {
		days, err := pc.modelDays(ctx)
		if err != nil {
			return nil, err
		}
		return &cost.Result{Frame: efficiencyOf(days, pc.lastDays(7), MinEfficiencyTokens), Period: pc.lastDays(7)}, nil
	}
	tokenLines := cost.Filter{Dimension: cost.DimTokenType, Op: cost.OpNotIn, Values: []string{""}}
	return pc.run(ctx, pc.lastDays(7), cost.AggregateQuery{Metrics: metrics(cost.MetricCostPer1K),
		GroupBy: dims(cost.DimModel), Filters: pc.with(tokenLines),
		Having:  []cost.Having{{Metric: cost.MetricTokens, Op: "gt", Value: MinEfficiencyTokens}},
		OrderBy: []cost.Order{{By: string(cost.MetricCostPer1K)}}},
		"model", "cost_per_1k")
}
