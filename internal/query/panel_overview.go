package query

import (
	"context"
	"errors"

	"github.com/llmcost/llmcost/internal/cost"
)

// totalCostThisMonth: SUM(cost_usd) over the month of the range's last day, from
// its first day to the range's last day. The title names that month.
func totalCostThisMonth(ctx context.Context, pc *panelCtx) (*cost.Result, error) {
	r := pc.monthToDate()
	var v float64
	if pc.s.sharing() {
		days, err := pc.providerDays(ctx)
		if err != nil {
			return nil, err
		}
		v = totalOf(days, r)
	} else {
		var err error
		if v, err = pc.s.total(ctx, r, cost.MetricCost, pc.filters); err != nil {
			return nil, err
		}
	}
	return &cost.Result{Frame: cost.Frame{Columns: []string{"total_cost"}, Types: []string{cost.TypeNumber},
		Rows: [][]any{{v}}}, Period: r, Title: monthTitle("Total Cost", r)}, nil
}

// monthTitle names a month-to-date window: "Total Cost, November 2026" for a
// whole month, "Total Cost, December 2026 to Dec 2" for part of one.
func monthTitle(what string, r cost.DateRange) string {
	month := r.From.Format("January 2006")
	if r.To.AddDate(0, 0, 1).Month() != r.To.Month() {
		return what + ", " + month
	}
	return what + ", " + month + " to " + r.To.Format("Jan 2")
}

// costByProvider: cloud_provider, SUM(cost_usd) over the range, largest first.
func costByProvider(ctx context.Context, pc *panelCtx) (*cost.Result, error) {
	if pc.s.sharing() {
		days, err := pc.providerDays(ctx)
		if err != nil {
			return nil, err
		}
		return &cost.Result{Frame: byProviderOf(days, pc.r), Period: pc.r}, nil
	}
	return pc.run(ctx, pc.r, cost.AggregateQuery{Metrics: metrics(cost.MetricCost),
		GroupBy: dims(cost.DimCloudProvider), Filters: pc.filters, OrderBy: desc(string(cost.MetricCost))},
		"cloud_provider", "cost")
}

// dailyCostTrend: date, cloud_provider, SUM(cost_usd) over the range by date.
func dailyCostTrend(ctx context.Context, pc *panelCtx) (*cost.Result, error) {
	if pc.s.sharing() {
		days, err := pc.providerDays(ctx)
		if err != nil {
			return nil, err
		}
		return &cost.Result{Frame: dailyOf(days, pc.r, "cloud_provider"), Period: pc.r}, nil
	}
	return pc.run(ctx, pc.r, cost.AggregateQuery{Metrics: metrics(cost.MetricCost),
		GroupBy: dims(cost.DimDate, cost.DimCloudProvider), Filters: pc.filters},
		"date", "cloud_provider", "daily_cost")
}

// topCustomers: the 10 attributed customers with the most spend over the range.
func topCustomers(ctx context.Context, pc *panelCtx) (*cost.Result, error) {
	return pc.run(ctx, pc.r, cost.AggregateQuery{Metrics: metrics(cost.MetricCost),
		GroupBy: dims(cost.DimCustomer), Filters: pc.with(attributed),
		OrderBy: desc(string(cost.MetricCost)), Limit: 10},
		"customer_id", "total_spend")
}

// budgetVsActual: month-to-date spend against the selected customer's monthly
// budget (the organisation's when no customer is selected). A budget covers every
// provider and model, so the spend ignores the provider and model variables and
// meta.filters_ignored says so when they are set.
func budgetVsActual(ctx context.Context, pc *panelCtx) (*cost.Result, error) {
	r := pc.monthToDate()
	var own []cost.Filter
	for _, f := range pc.filters {
		if f.Dimension == cost.DimCustomer {
			own = append(own, f)
		}
	}
	actual, err := pc.spentThisMonth(ctx, r, own)
	if err != nil {
		return nil, err
	}
	budget, err := pc.s.budget(ctx, pc.customer)
	if err != nil {
		return nil, err
	}
	owner := pc.customer
	if owner == "" {
		owner = orgBudgetID
	}
	row := []any{actual, nil, nil}
	meta := map[string]any{"budget_customer_id": owner, "has_budget": budget != nil}
	if len(nonEmpty(pc.req.Providers)) > 0 || len(nonEmpty(pc.req.Models)) > 0 {
		meta["filters_ignored"] = "The budget covers all providers and models, so the provider and model filters do not apply here."
	}
	if budget != nil {
		row[1] = *budget
		if *budget > 0 {
			row[2] = 100 * actual / *budget
		}
	} else {
		meta["note"] = "No monthly budget is set for " + owner + "."
	}
	return &cost.Result{Frame: cost.Frame{Columns: []string{"actual", "budget", "percent_used"},
		Types: []string{cost.TypeNumber, cost.TypeNumber, cost.TypeNumber}, Rows: [][]any{row}},
		Period: r, Meta: meta}, nil
}

// spentThisMonth returns the cost over the month to date r under a
// customer's filters: when the service shares aggregates and r ends today,
// from quick stats' daily cost of the same filters, which every dashboard
// load reads; otherwise by its own query.
func (pc *panelCtx) spentThisMonth(ctx context.Context, r cost.DateRange, own []cost.Filter) (float64, error) {
	if today := pc.s.today(); !pc.s.sharing() || !r.To.Equal(today) {
		return pc.s.total(ctx, r, cost.MetricCost, own)
	}
	days, err := pc.s.dailyFrame(ctx, r.To, own)
	if err != nil {
		return 0, err
	}
	return totalOf(days, r), nil
}

// budget returns the monthly budget of a customer ("" or "_org" = organisation),
// or nil when none is set.
func (s *Service) budget(ctx context.Context, customerID string) (*float64, error) {
	if customerID == orgBudgetID {
		customerID = ""
	}
	b, err := s.store.Budget(ctx, customerID)
	var e *cost.Error
	if errors.As(err, &e) && e.Code == cost.CodeNotFound {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return &b.MonthlyUSD, nil
}
