package query

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/llmcost/llmcost/internal/analysis"
	"github.com/llmcost/llmcost/internal/cost"
)

// anomalyHistoryWeeks is how far before the range Anomalies reads, so the
// detectors have history on the range's first days.
const anomalyHistoryWeeks = 6

// Anomalies runs both detectors (the seed's rolling 2σ and the weekday-aware
// median/MAD) over daily cost per series — the total, or one series per customer
// or model with req.By — and reports the days flagged within req.Range (default
// the last 30 days), ordered by date then score. Each series is dense (no spend =
// 0) from its first day with spend, reading six weeks of history before the
// range. Series carries the total with the rolling bands over the range.
func (s *Service) Anomalies(ctx context.Context, p cost.Principal, req cost.AnomalyRequest) (*cost.AnomalyReport, error) {
	r := s.defaultRange(req.Range)
	if r.From.After(r.To) {
		return nil, cost.FieldErrorf("from", "From is after to.")
	}
	if req.By != "" && req.By != cost.DimCustomer && req.By != cost.DimModel {
		return nil, cost.FieldErrorf("by", "Anomalies split by %q; use customer_id or model.", req.By)
	}
	filters, err := customerFilters(p, req.CustomerID, req.Filters)
	if err != nil {
		return nil, err
	}
	read := cost.DateRange{From: r.From.AddDate(0, 0, -7*anomalyHistoryWeeks), To: r.To}
	group := dims(cost.DimDate)
	if req.By != "" {
		group = append(group, req.By)
	}
	f, err := s.aggregate(ctx, read, cost.AggregateQuery{Metrics: metrics(cost.MetricCost), GroupBy: group, Filters: filters})
	if err != nil {
		return nil, err
	}
	total, byKey, keys := splitSeries(f, req.By != "")
	rep := &cost.AnomalyReport{Range: r, Series: []cost.SeriesPoint{}, Anomalies: []cost.Anomaly{}}
	for _, sp := range analysis.RollingBands(denseFromFirst(total, r.To)) {
		if r.Contains(sp.Date) {
			rep.Series = append(rep.Series, sp)
		}
	}
	if req.By == "" {
		rep.Anomalies = detect(total, r, "", "")
	}
	for _, k := range keys {
		rep.Anomalies = append(rep.Anomalies, detect(byKey[k], r, req.By, k)...)
	}
	// Strongest first within a day; scores equal to 1e-6 (sums added in another
	// order differ in their last bits) rank by key, so every store ranks alike.
	rank := func(a cost.Anomaly) float64 { return math.Round(math.Abs(a.Score) * 1e6) }
	slices.SortStableFunc(rep.Anomalies, func(a, b cost.Anomaly) int {
		return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(rank(b), rank(a)), cmp.Compare(a.Key, b.Key))
	})
	return rep, nil
}

func splitSeries(f *cost.Frame, keyed bool) (total analysis.Series, byKey map[string]analysis.Series, keys []string) {
	byKey = map[string]analysis.Series{}
	sums := map[time.Time]float64{}
	var days []time.Time
	parsed := map[string]time.Time{} // Each date is parsed once.
	for _, row := range f.Rows {
		date := str(row[0])
		d, ok := parsed[date]
		if !ok {
			var err error
			if d, err = cost.ParseDate(date); err != nil {
				continue
			}
			parsed[date] = d
		}
		v := num(row[len(row)-1])
		if _, ok := sums[d]; !ok {
			days = append(days, d)
		}
		sums[d] += v
		if keyed {
			k := str(row[1])
			if _, ok := byKey[k]; !ok {
				keys = append(keys, k)
			}
			byKey[k] = append(byKey[k], analysis.Point{Date: d, Value: v})
		}
	}
	slices.SortFunc(days, func(a, b time.Time) int { return a.Compare(b) })
	for _, d := range days {
		total = append(total, analysis.Point{Date: d, Value: sums[d]})
	}
	slices.Sort(keys)
	return total, byKey, keys
}

func denseFromFirst(s analysis.Series, to time.Time) analysis.Series {
	if len(s) == 0 {
		return nil
	}
	first := s[0].Date
	for _, p := range s {
		if p.Date.Before(first) {
			first = p.Date
		}
	}
	return analysis.Dense(s, first, to)
}

func detect(s analysis.Series, r cost.DateRange, d cost.Dimension, key string) []cost.Anomaly {
	dense := denseFromFirst(s, r.To)
	found := append(analysis.RollingAnomalies(dense), analysis.WeekdayAnomalies(dense, analysis.WeekdayOptions{})...)
	var out []cost.Anomaly
	for _, a := range found {
		if r.Contains(a.Date) {
			a.Dimension, a.Key = d, key
			out = append(out, a)
		}
	}
	return out
}

// DefaultBaselineDays is Explain's baseline when the request gives none.
const DefaultBaselineDays = 30

// explainDims are the dimensions Explain attributes a change to.
var explainDims = []cost.Dimension{cost.DimCustomer, cost.DimModel, cost.DimCloudProvider, cost.DimTokenType}

// ExplainTop is how many values of each dimension an explanation lists: those
// that moved the total most.
const ExplainTop = 10

// Explain attributes the spend of req.Range (default yesterday) against the
// daily average of the BaselineDays before it, per customer, model, provider and
// token type, and names the leading customer × model (analysis.Explain).
func (s *Service) Explain(ctx context.Context, p cost.Principal, req cost.ExplainRequest) (*cost.Explanation, error) {
	r := req.Range
	switch {
	case r.From.IsZero() && r.To.IsZero():
		y := s.today().AddDate(0, 0, -1)
		r = cost.DateRange{From: y, To: y}
	case r.To.IsZero():
		r.To = r.From
	case r.From.IsZero():
		r.From = r.To
	}
	r = cost.DateRange{From: cost.Day(r.From), To: cost.Day(r.To)}
	if r.From.After(r.To) {
		return nil, cost.FieldErrorf("from", "From is after to.")
	}
	n := req.BaselineDays
	if n == 0 {
		n = DefaultBaselineDays
	}
	if n < 1 || n > 366 {
		return nil, cost.FieldErrorf("baseline_days", "Baseline days must be between 1 and 366.")
	}
	filters, err := customerFilters(p, req.CustomerID, req.Filters)
	if err != nil {
		return nil, err
	}
	base := cost.DateRange{From: r.From.AddDate(0, 0, -n), To: r.From.AddDate(0, 0, -1)}
	in, err := s.explainInput(ctx, r, base, filters)
	if err != nil {
		return nil, err
	}
	e := analysis.Explain(in)
	return &e, nil
}

// explainGroupings are what Explain ranks in the engine: the leading values of
// each dimension, the customer × model pairs that rose and fell most, the
// provider × token type pair that moved most, and the total (the last
// grouping). The provider × token type pair is not shown: asking for it lets
// the engine read lines into two groupings, customer × model and provider ×
// token type, and sum every other one from those.
func explainGroupings() []cost.ChangeGrouping {
	var gs []cost.ChangeGrouping
	for _, d := range explainDims {
		gs = append(gs, cost.ChangeGrouping{Dimensions: dims(d), Order: cost.ChangeLargest, Limit: ExplainTop})
	}
	pair := dims(cost.DimCustomer, cost.DimModel)
	return append(gs, cost.ChangeGrouping{Dimensions: pair, Order: cost.ChangeRise, Limit: 1},
		cost.ChangeGrouping{Dimensions: pair, Order: cost.ChangeFall, Limit: 1},
		cost.ChangeGrouping{Dimensions: dims(cost.DimCloudProvider, cost.DimTokenType), Order: cost.ChangeLargest, Limit: 1},
		cost.ChangeGrouping{Order: cost.ChangeLargest})
}

// explainInput reads, in one ranked query, what Explain attributes: each
// dimension's leading values, the customer × model pairs that rose and fell
// most (the leading combination is one of them, whichever way the total moved)
// and both totals.
func (s *Service) explainInput(ctx context.Context, r, base cost.DateRange, filters []cost.Filter) (analysis.ExplainInput, error) {
	in := analysis.ExplainInput{Range: r, BaselineRange: base,
		Combo: &analysis.Combo{Dimensions: [2]cost.Dimension{cost.DimCustomer, cost.DimModel},
			Current: map[[2]string]float64{}, Baseline: map[[2]string]float64{}}}
	for _, d := range explainDims {
		in.Breakdowns = append(in.Breakdowns, analysis.Breakdown{Dimension: d,
			Current: map[string]float64{}, Baseline: map[string]float64{}})
	}
	gs := explainGroupings()
	f, err := s.store.RankChanges(ctx, &cost.ChangeQuery{Current: r, Baseline: base, Filters: filters,
		Scale: float64(r.Days()) / float64(base.Days()), Groupings: gs})
	if err != nil {
		return in, fmt.Errorf("query.Explain: %w", err)
	}
	for _, row := range f.Rows {
		g, a, b, cur, was := int(num(row[0])), str(row[1]), str(row[2]), num(row[3]), num(row[4])
		switch {
		case g < 0 || g >= len(gs): // Not a grouping asked for.
		case g < len(explainDims):
			in.Breakdowns[g].Current[a], in.Breakdowns[g].Baseline[a] = cur, was
		case gs[g].Order != cost.ChangeLargest:
			in.Combo.Current[[2]string{a, b}], in.Combo.Baseline[[2]string{a, b}] = cur, was
		case g == len(gs)-1:
			in.Total, in.BaselineTotal = cur, was
		}
	}
	return in, nil
}
