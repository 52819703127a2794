package query

import (
	"context"
	"slices"
	"strings"

	"github.com/llmcost/llmcost/internal/cost"
)

// customerHeatmap: customer_id, week (Monday), weekly cost over the range.
func customerHeatmap(ctx context.Context, pc *panelCtx) (*cost.Result, error) {
	if pc.s.sharing() {
		days, err := pc.customerDays(ctx)
		if err != nil {
			return nil, err
		}
		return &cost.Result{Frame: heatmapOf(days, pc.r), Period: pc.r}, nil
	}
	return pc.run(ctx, pc.r, cost.AggregateQuery{Metrics: metrics(cost.MetricCost),
		GroupBy: dims(cost.DimCustomer, cost.DimWeek), Filters: pc.with(attributed),
		OrderBy: []cost.Order{{By: string(cost.DimWeek)}, {By: string(cost.DimCustomer)}}},
		"customer_id", "week", "weekly_cost")
}

// TopSpendersLimit is the number of customers the top-spenders panel lists.
const TopSpendersLimit = 20

// topSpenders: per attributed customer this month (to the range's end): spend,
// spend in the last 7 days (the 7 days ending with the range's end, even when
// they start in the previous month), active days and
// the models used (comma-joined, sorted); top TopSpendersLimit by spend.
func topSpenders(ctx context.Context, pc *panelCtx) (*cost.Result, error) {
	mtd := pc.monthToDate()
	top, err := pc.topSpendersMTD(ctx, mtd)
	if err != nil {
		return nil, err
	}
	week := pc.lastDays(7)
	out := cost.Frame{Columns: []string{"customer_id", "mtd_cost", "last_7_days", "active_days", "models_used"},
		Types: []string{cost.TypeString, cost.TypeNumber, cost.TypeNumber, cost.TypeNumber, cost.TypeString}, Rows: [][]any{}}
	res := &cost.Result{Frame: out, Period: mtd, Meta: map[string]any{"last_7_days_range": week}}
	if len(top.Rows) == 0 {
		return res, nil
	}
	var ids []string
	for _, row := range top.Rows {
		ids = append(ids, str(row[0]))
	}
	only := cost.Filter{Dimension: cost.DimCustomer, Op: cost.OpIn, Values: ids}
	recent, err := pc.s.aggregate(ctx, week, cost.AggregateQuery{Metrics: metrics(cost.MetricCost),
		GroupBy: dims(cost.DimCustomer), Filters: pc.with(only)})
	if err != nil {
		return nil, err
	}
	used, err := pc.s.aggregate(ctx, mtd, cost.AggregateQuery{Metrics: metrics(cost.MetricCost),
		GroupBy: dims(cost.DimCustomer, cost.DimModel),
		Filters: pc.with(only, cost.Filter{Dimension: cost.DimModel, Op: cost.OpNotIn, Values: []string{""}})})
	if err != nil {
		return nil, err
	}
	last7 := map[string]float64{}
	for _, row := range recent.Rows {
		last7[str(row[0])] = num(row[1])
	}
	models := map[string][]string{}
	for _, row := range used.Rows {
		id := str(row[0])
		models[id] = append(models[id], str(row[1]))
	}
	for _, row := range top.Rows {
		id := str(row[0])
		ms := models[id]
		slices.Sort(ms)
		res.Rows = append(res.Rows, []any{id, num(row[1]), last7[id], num(row[2]), strings.Join(ms, ", ")})
	}
	return res, nil
}

// topSpendersMTD returns the top TopSpendersLimit attributed customers by
// spend over mtd: customer, spend, active days.
func (pc *panelCtx) topSpendersMTD(ctx context.Context, mtd cost.DateRange) (*cost.Frame, error) {
	if pc.s.sharing() {
		days, err := pc.customerDays(ctx)
		if err != nil {
			return nil, err
		}
		return topOf(days, mtd, TopSpendersLimit), nil
	}
	return pc.s.aggregate(ctx, mtd, cost.AggregateQuery{
		Metrics: metrics(cost.MetricCost, cost.MetricActiveDays), GroupBy: dims(cost.DimCustomer),
		Filters: pc.with(attributed), OrderBy: desc(string(cost.MetricCost)), Limit: TopSpendersLimit})
}

// customerGrowth: per day, active customers and total spend over the range.
func customerGrowth(ctx context.Context, pc *panelCtx) (*cost.Result, error) {
	if pc.s.sharing() {
		days, err := pc.customerDays(ctx)
		if err != nil {
			return nil, err
		}
		return &cost.Result{Frame: growthOf(days, pc.r), Period: pc.r}, nil
	}
	return pc.run(ctx, pc.r, cost.AggregateQuery{
		Metrics: metrics(cost.MetricActiveCustomers, cost.MetricCost),
		GroupBy: dims(cost.DimDate), Filters: pc.filters},
		"date", "active_customers", "total_cost")
}
