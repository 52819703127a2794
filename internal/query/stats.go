package query

import (
	"context"
	"time"

	"github.com/llmcost/llmcost/internal/analysis"
	"github.com/llmcost/llmcost/internal/cost"
)

// QuickStats returns the headline figures for customerID ("" = the organisation
// for an admin; a customer principal always gets its own): spend today, month to
// date and in the last 7 days (date >= today − 7), the monthly budget and the
// percent of it used, the month-end forecast, and unpriced tokens with their
// models month to date.
func (s *Service) QuickStats(ctx context.Context, p cost.Principal, customerID string) (*cost.QuickStats, error) {
	id, filters, err := s.scoped(p, customerID)
	if err != nil {
		return nil, err
	}
	today := s.today()
	daily, err := s.daily(ctx, today, filters)
	if err != nil {
		return nil, err
	}
	mtd := cost.DateRange{From: cost.MonthStart(today), To: today}
	last7 := cost.DateRange{From: today.AddDate(0, 0, -7), To: today}
	qs := &cost.QuickStats{CustomerID: id, Currency: "USD", AsOf: s.now().UTC(),
		Today:            daily.Between(cost.DateRange{From: today, To: today}).Sum(),
		MonthToDate:      daily.Between(mtd).Sum(),
		Last7Days:        daily.Between(last7).Sum(),
		MonthToDateRange: mtd, Last7DaysRange: last7, DataThrough: lastDate(daily)}
	if qs.Budget, err = s.budget(ctx, id); err != nil {
		return nil, err
	}
	if qs.Budget != nil && *qs.Budget > 0 {
		pct := 100 * qs.MonthToDate / *qs.Budget
		qs.BudgetUsedPercent = &pct
	}
	qs.ForecastMonthEnd = analysis.ForecastMonth(analysis.ForecastInput{Daily: daily, Today: today}).Projected
	unpriced, err := s.aggregate(ctx, mtd, cost.AggregateQuery{Metrics: metrics(cost.MetricUnpricedTokens),
		GroupBy: dims(cost.DimModel), Filters: filters,
		Having: []cost.Having{{Metric: cost.MetricUnpricedTokens, Op: "gt", Value: 0}}})
	if err != nil {
		return nil, err
	}
	for _, row := range unpriced.Rows {
		qs.UnpricedTokens += num(row[1])
		qs.UnpricedModels = append(qs.UnpricedModels, str(row[0]))
	}
	return qs, nil
}

// lastDate returns the newest date of s as YYYY-MM-DD, or nil for no points.
func lastDate(s analysis.Series) *string {
	var last time.Time
	for _, p := range s {
		if p.Date.After(last) {
			last = p.Date
		}
	}
	if last.IsZero() {
		return nil
	}
	d := last.Format(cost.DateLayout)
	return &d
}

// scoped resolves a customerID argument in p's scope to the customer it means
// ("" = organisation) and the filters that select its lines.
func (s *Service) scoped(p cost.Principal, customerID string) (string, []cost.Filter, error) {
	id, err := scopeCustomer(p, customerID)
	if err != nil {
		return "", nil, err
	}
	if id == orgBudgetID {
		id = ""
	}
	filters, err := customerFilters(p, id, nil)
	return id, filters, err
}

// daily returns daily spend from analysis.HistoryDays before today's month to today.
func (s *Service) daily(ctx context.Context, today time.Time, filters []cost.Filter) (analysis.Series, error) {
	f, err := s.dailyFrame(ctx, today, filters)
	if err != nil {
		return nil, err
	}
	return toSeries(f)
}

// dailyWindow is the period daily reads: analysis.HistoryDays before today's
// month to today.
func dailyWindow(today time.Time) cost.DateRange {
	return cost.DateRange{From: cost.MonthStart(today).AddDate(0, 0, -analysis.HistoryDays), To: today}
}

// dailyFrame is cost by date over dailyWindow under filters: a base aggregate
// quick stats, forecasts and the cost-anomalies panel share.
func (s *Service) dailyFrame(ctx context.Context, today time.Time, filters []cost.Filter) (*cost.Frame, error) {
	return s.base(ctx, dailyWindow(today), cost.AggregateQuery{Metrics: metrics(cost.MetricCost),
		GroupBy: dims(cost.DimDate), Filters: filters})
}

// Forecast projects the current month's spend for customerID (see QuickStats for
// the scope rules) with analysis.ForecastMonth, against its budget if it has one.
func (s *Service) Forecast(ctx context.Context, p cost.Principal, customerID string) (*cost.Forecast, error) {
	id, filters, err := s.scoped(p, customerID)
	if err != nil {
		return nil, err
	}
	return s.forecast(ctx, id, filters)
}

func (s *Service) forecast(ctx context.Context, id string, filters []cost.Filter) (*cost.Forecast, error) {
	today := s.today()
	daily, err := s.daily(ctx, today, filters)
	if err != nil {
		return nil, err
	}
	budget, err := s.budget(ctx, id)
	if err != nil {
		return nil, err
	}
	f := analysis.ForecastMonth(analysis.ForecastInput{Daily: daily, Today: today, Budget: budget})
	f.CustomerID = id
	return &f, nil
}

// BudgetStatus compares customerID's month-to-date spend with its monthly budget
// ("" = the organisation's), with the forecast's projection.
func (s *Service) BudgetStatus(ctx context.Context, p cost.Principal, customerID string) (*cost.BudgetStatus, error) {
	id, filters, err := s.scoped(p, customerID)
	if err != nil {
		return nil, err
	}
	f, err := s.forecast(ctx, id, filters)
	if err != nil {
		return nil, err
	}
	st := analysis.BudgetStatus(analysis.BudgetInput{CustomerID: id, Today: s.today(), Budget: f.Budget,
		Spent: f.MonthToDate, Projected: f.Projected})
	return &st, nil
}

// BudgetStatuses returns the status of every budget, the organisation's first.
// Returns CodeForbidden for a customer principal.
func (s *Service) BudgetStatuses(ctx context.Context, p cost.Principal) ([]cost.BudgetStatus, error) {
	if !p.Admin {
		return nil, cost.Errorf(cost.CodeForbidden, "Only an admin may list every budget.")
	}
	budgets, err := s.store.Budgets(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]cost.BudgetStatus, 0, len(budgets))
	for _, b := range budgets {
		st, err := s.BudgetStatus(ctx, p, b.CustomerID)
		if err != nil {
			return nil, err
		}
		out = append(out, *st)
	}
	return out, nil
}
