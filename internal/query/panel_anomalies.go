package query

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/llmcost/llmcost/internal/analysis"
	"github.com/llmcost/llmcost/internal/cost"
)

// Seed status labels of the anomaly panels.
var (
	rollingStatus = map[string]string{"high": "High Anomaly", "low": "Low Anomaly", "normal": "Normal"}
)

// Alert levels of the unusual-customers panel, as the seed writes them.
const (
	AlertHigh    = "🔴 High Alert"
	AlertWarning = "🟡 Warning"
)

// costAnomalies: daily cost over the range with a 7-row rolling mean and ±2σ
// thresholds (days with data only, as the seed's window runs over rows), made
// robust by analysis.RobustBands: flagged days stay out of later windows and the
// lower threshold is never below $0. The first row has no σ: its thresholds are
// null and it is Normal.
func costAnomalies(ctx context.Context, pc *panelCtx) (*cost.Result, error) {
	f, err := pc.dailyCost(ctx)
	if err != nil {
		return nil, err
	}
	s, err := toSeries(f)
	if err != nil {
		return nil, err
	}
	out := cost.Frame{Columns: []string{"date", "daily_cost", "avg_7day", "upper_threshold", "lower_threshold", "status"},
		Types: []string{cost.TypeDate, cost.TypeNumber, cost.TypeNumber, cost.TypeNumber, cost.TypeNumber, cost.TypeString},
		Rows:  [][]any{}}
	for i, sp := range analysis.RobustBands(s) {
		var upper, lower any = sp.Upper, sp.Lower
		if i == 0 {
			upper, lower = nil, nil
		}
		out.Rows = append(out.Rows, []any{sp.Date.Format(cost.DateLayout), sp.Value, sp.Expected,
			upper, lower, rollingStatus[sp.Status]})
	}
	return &cost.Result{Frame: out, Period: pc.r}, nil
}

// dailyCost is cost by date over the range. When the service shares
// aggregates it is, without a provider or model variable and when the range
// lies within the period quick stats read, their daily cost (under the same
// filters) cut to the range; under one, the dashboard's anomalyDays rolled up
// when they serve it. Otherwise it is its own query.
func (pc *panelCtx) dailyCost(ctx context.Context) (*cost.Frame, error) {
	if w := dailyWindow(pc.today); pc.s.sharing() && !pc.narrowed() && !pc.r.From.Before(w.From) {
		days, err := pc.s.dailyFrame(ctx, pc.today, pc.filters)
		if err != nil {
			return nil, err
		}
		f := &cost.Frame{Columns: days.Columns, Types: days.Types, Rows: [][]any{}}
		dayRows(days, pc.r, func(_ time.Time, row []any) { f.Rows = append(f.Rows, slices.Clone(row)) })
		return f, nil
	}
	if pc.sharesAnomalyDays() {
		days, err := pc.anomalyDays(ctx)
		if err != nil {
			return nil, err
		}
		return dailyTotalOf(days, pc.r), nil
	}
	return pc.s.aggregate(ctx, pc.r, cost.AggregateQuery{Metrics: metrics(cost.MetricCost),
		GroupBy: dims(cost.DimDate), Filters: pc.filters})
}

// toSeries reads a (date, value) frame.
func toSeries(f *cost.Frame) (analysis.Series, error) {
	s := make(analysis.Series, 0, len(f.Rows))
	for _, row := range f.Rows {
		d, err := cost.ParseDate(str(row[0]))
		if err != nil {
			return nil, err
		}
		s = append(s, analysis.Point{Date: d, Value: num(row[1])})
	}
	return s, nil
}

// UnusualBaselineDays is the unusual-customers panel's baseline window.
const UnusualBaselineDays = 30

// unusualCustomers: attributed customers whose spend yesterday (the day before the
// range's end, or the request's Date) exceeds their daily average + 1σ over the
// days they had spend in [day+1 − 30, day+1]; High Alert beyond 2σ. Customers with
// fewer than two days of spend have no σ and are not listed.
func unusualCustomers(ctx context.Context, pc *panelCtx) (*cost.Result, error) {
	yesterday := pc.today.AddDate(0, 0, -1)
	if !pc.req.Date.IsZero() {
		yesterday = cost.Day(pc.req.Date)
	}
	base := unusualBaseline(yesterday)
	f, err := pc.outliers(ctx, base, yesterday)
	if err != nil {
		return nil, fmt.Errorf("query: unusual customers: %w", err)
	}
	rows := [][]any{}
	for _, row := range f.Rows {
		y, avg, sd := num(row[1]), num(row[2]), num(row[3])
		level := AlertWarning
		if y > avg+2*sd {
			level = AlertHigh
		}
		rows = append(rows, []any{str(row[0]), y, avg, (y - avg) / avg * 100, level})
	}
	out := cost.Frame{Columns: []string{"customer_id", "cost_on_day", "avg_daily", "percent_change", "alert_level"},
		Types: []string{cost.TypeString, cost.TypeNumber, cost.TypeNumber, cost.TypeNumber, cost.TypeString}, Rows: rows}
	return &cost.Result{Frame: out, Period: base, Meta: map[string]any{
		"day": yesterday.Format(cost.DateLayout), "baseline_range": base}}, nil
}

// outliers ranks the customers whose spend on day is unusual against base
// (see unusualCustomers): from the dashboard's anomalyDays (which
// cost-anomalies then reads too) when they serve the panels and hold base,
// else in the store.
func (pc *panelCtx) outliers(ctx context.Context, base cost.DateRange, day time.Time) (*cost.Frame, error) {
	if w := pc.anomalyWindow(); pc.sharesAnomalyDays() && !base.From.Before(w.From) && !base.To.After(w.To) {
		days, err := pc.anomalyDays(ctx)
		if err != nil {
			return nil, err
		}
		return outliersOf(days, base, day, 1), nil
	}
	return pc.s.store.RankOutliers(ctx, &cost.OutlierQuery{Baseline: base, Day: day, By: cost.DimCustomer,
		Filters: pc.with(attributed), Sigmas: 1})
}

// narrowed reports whether a provider or model variable narrows the panel,
// which quick stats' daily cost never is.
func (pc *panelCtx) narrowed() bool {
	return len(nonEmpty(pc.req.Providers)) > 0 || len(nonEmpty(pc.req.Models)) > 0
}
