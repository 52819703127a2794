package query

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/analysis"
	"github.com/llmcost/llmcost/internal/cost"
)

// anomalyDays is the anomalies dashboard's shared base aggregate: cost by
// date and customer (unattributed lines under ""), with the dashboard's
// filters, over the unusual-customers baseline of the day before the range's
// end. When the service shares aggregates, a provider or model variable
// narrows the panels and the range lies within that baseline (see
// sharesAnomalyDays), unusual-customers ranks its outliers from it and
// cost-anomalies rolls its daily cost up from it, so a filtered load reads
// its lines once. Otherwise cost-anomalies reads quick stats' daily cost,
// which the load reads anyway, or its own, and unusual-customers ranks in the
// store, returning only the customers it lists. Over the same period it is
// the customers dashboard's base (customerDays).
func (pc *panelCtx) anomalyDays(ctx context.Context) (*cost.Frame, error) {
	return pc.s.customerDaysOver(ctx, pc.anomalyWindow(), pc.filters)
}

// anomalyWindow is the period anomalyDays reads: the unusual-customers
// baseline of the day before the range's end.
func (pc *panelCtx) anomalyWindow() cost.DateRange {
	return unusualBaseline(pc.today.AddDate(0, 0, -1))
}

// sharesAnomalyDays reports whether the anomaly panels read anomalyDays: the
// service shares aggregates, a provider or model variable narrows the panels
// (without one, quick stats' daily cost serves cost-anomalies) and the range
// lies within the window, so the base holds no more days than the store's
// own ranking reads.
func (pc *panelCtx) sharesAnomalyDays() bool {
	return pc.s.sharing() && pc.narrowed() && !pc.r.From.Before(pc.anomalyWindow().From)
}

// unusualBaseline is the baseline unusual-customers compares a day with: the
// UnusualBaselineDays to the day after it.
func unusualBaseline(day time.Time) cost.DateRange {
	today := day.AddDate(0, 0, 1)
	return cost.DateRange{From: today.AddDate(0, 0, -UnusualBaselineDays), To: today}
}

// customerDaysOver is the base of cost by date and customer over w under
// filters: the customers dashboard's and the anomaly panels'.
func (s *Service) customerDaysOver(ctx context.Context, w cost.DateRange, filters []cost.Filter) (*cost.Frame, error) {
	return s.base(ctx, w, cost.AggregateQuery{Metrics: metrics(cost.MetricCost),
		GroupBy: dims(cost.DimDate, cost.DimCustomer), Filters: filters})
}

// dailyTotalOf rolls customer days up to cost by date within r, by date.
func dailyTotalOf(days *cost.Frame, r cost.DateRange) *cost.Frame {
	sums := map[string]float64{}
	var dates []string
	dayRows(days, r, func(_ time.Time, row []any) {
		date := str(row[0])
		if _, ok := sums[date]; !ok {
			dates = append(dates, date)
		}
		sums[date] += num(row[2])
	})
	slices.Sort(dates)
	f := &cost.Frame{Columns: []string{"date", string(cost.MetricCost)},
		Types: []string{cost.TypeDate, cost.TypeNumber}, Rows: make([][]any, 0, len(dates))}
	for _, d := range dates {
		f.Rows = append(f.Rows, []any{d, sums[d]})
	}
	return f
}

// outliersOf ranks, as the store's RankOutliers does for customers, the
// attributed customers of customer days whose cost on day exceeds their mean
// daily cost over the days of base they had lines by more than sigmas sample
// standard deviations: customer, cost on day, mean, deviation; by relative
// excess (largest first), then customer. A customer without lines on day, with
// fewer than two days of lines or a mean of 0 is left out.
func outliersOf(days *cost.Frame, base cost.DateRange, day time.Time, sigmas float64) *cost.Frame {
	type series struct {
		id      string
		costs   []float64
		onDay   bool
		dayCost float64
	}
	var all []*series
	byID := map[string]*series{}
	dayRows(days, base, func(d time.Time, row []any) {
		id, usd := str(row[1]), num(row[2])
		if id == "" {
			return
		}
		s := byID[id]
		if s == nil {
			s = &series{id: id}
			byID[id] = s
			all = append(all, s)
		}
		s.costs = append(s.costs, usd)
		if d.Equal(day) {
			s.onDay, s.dayCost = true, s.dayCost+usd
		}
	})
	type outlier struct {
		id             string
		y, mean, sd, x float64
	}
	var out []outlier
	for _, s := range all {
		if !s.onDay || len(s.costs) < 2 {
			continue
		}
		mean, sd := analysis.Mean(s.costs), analysis.StdDev(s.costs)
		if mean != 0 && s.dayCost > mean+sigmas*sd {
			out = append(out, outlier{id: s.id, y: s.dayCost, mean: mean, sd: sd, x: (s.dayCost - mean) / mean})
		}
	}
	slices.SortFunc(out, func(a, b outlier) int { return cmp.Or(cmp.Compare(b.x, a.x), strings.Compare(a.id, b.id)) })
	f := &cost.Frame{Columns: []string{"value", "day_cost", "mean", "stddev"},
		Types: []string{cost.TypeString, cost.TypeNumber, cost.TypeNumber, cost.TypeNumber}, Rows: make([][]any, 0, len(out))}
	for _, o := range out {
		f.Rows = append(f.Rows, []any{o.id, o.y, o.mean, o.sd})
	}
	return f
}
