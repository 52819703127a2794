package alert

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// principalFor is the scope a rule is evaluated in: its customer, or the admin
// for an organisation rule.
func principalFor(r cost.AlertRule) cost.Principal {
	if r.CustomerID != "" {
		return cost.CustomerPrincipal(r.CustomerID)
	}
	return cost.AdminPrincipal()
}

// AnomalyHistoryDays is how many days before the evaluated day the anomaly
// detectors see.
const AnomalyHistoryDays = 60

// gather runs the queries a rule needs, in its scope, and evaluates them.
func (e *Engine) gather(ctx context.Context, r cost.AlertRule, now time.Time) ([]Sample, error) {
	p, q := principalFor(r), e.cfg.Query
	switch r.Kind {
	case cost.AlertThreshold:
		rg := WindowRange(r.Window, now)
		res, err := q.Query(ctx, p, cost.Query{Metrics: []cost.Metric{cost.MetricCost}, Filters: r.Filters, Period: period(rg)})
		if err != nil {
			return nil, err
		}
		return Threshold(r, sumColumn(&res.Frame, string(cost.MetricCost)), rg), nil
	case cost.AlertAnomaly:
		day := cost.Day(now).AddDate(0, 0, -1)
		rep, err := q.Anomalies(ctx, p, cost.AnomalyRequest{Range: cost.DateRange{From: day.AddDate(0, 0, -AnomalyHistoryDays), To: day},
			CustomerID: r.CustomerID, By: cost.Dimension(r.GroupBy), Filters: r.Filters})
		if err != nil {
			return nil, err
		}
		return Anomalies(r, rep, day), nil
	case cost.AlertBudget:
		st, err := q.BudgetStatus(ctx, p, r.CustomerID)
		if err != nil {
			return nil, err
		}
		return Budget(r, *st), nil
	case cost.AlertUnpriced:
		rg := WindowRange(r.Window, now)
		res, err := q.Query(ctx, p, cost.Query{Metrics: []cost.Metric{cost.MetricUnpricedTokens},
			GroupBy: []cost.Dimension{cost.DimModel}, Filters: r.Filters, Period: period(rg)})
		if err != nil {
			return nil, err
		}
		return Unpriced(r, byKey(&res.Frame, string(cost.DimModel), string(cost.MetricUnpricedTokens)), rg), nil
	case cost.AlertFreshness:
		fs, err := e.cfg.Store.LatestData(ctx)
		if err != nil {
			return nil, err
		}
		return Freshness(r, fs, now), nil
	}
	return nil, cost.Errorf(cost.CodeInvalid, "Unknown alert kind %q.", r.Kind)
}

func period(rg cost.DateRange) cost.Period {
	return cost.Period{From: rg.From.Format(cost.DateLayout), To: rg.To.Format(cost.DateLayout)}
}

// number reads a frame cell: cost.Number.
func number(v any) float64 { return cost.Number(v) }

func sumColumn(f *cost.Frame, col string) float64 {
	i, sum := f.Col(col), 0.0
	if i < 0 {
		return 0
	}
	for _, row := range f.Rows {
		sum += number(row[i])
	}
	return sum
}

func byKey(f *cost.Frame, keyCol, valCol string) map[string]float64 {
	k, v := f.Col(keyCol), f.Col(valCol)
	out := map[string]float64{}
	if k < 0 || v < 0 {
		return out
	}
	for _, row := range f.Rows {
		s, _ := row[k].(string)
		out[s] += number(row[v])
	}
	return out
}

// withDriver appends what drove a spend sample ("2.9× the 30-day average; 77%
// from cust_hooli on gpt-4") to its message, for threshold and anomaly rules.
func (e *Engine) withDriver(ctx context.Context, r cost.AlertRule, s *Sample) string {
	if r.Kind != cost.AlertThreshold && r.Kind != cost.AlertAnomaly {
		return s.Message
	}
	req := cost.ExplainRequest{Range: s.Range, CustomerID: r.CustomerID, Filters: r.Filters}
	if c := s.Labels[string(cost.DimCustomer)]; c != "" {
		req.CustomerID = c
	}
	if m := s.Labels[string(cost.DimModel)]; m != "" {
		req.Filters = append(append([]cost.Filter(nil), r.Filters...), cost.Filter{Dimension: cost.DimModel, Op: cost.OpEq, Values: []string{m}})
	}
	x, err := e.cfg.Query.Explain(ctx, principalFor(r), req)
	if err != nil {
		e.log.Warn("alert driver", "rule", r.ID, "error", err)
		return s.Message
	}
	if d := Driver(x, r.Kind == cost.AlertThreshold); d != "" {
		return s.Message + d
	}
	return s.Message
}

// Driver says what drove an explained change: ", 2.9× the 30-day average; 77%
// from cust_hooli on gpt-4". withRatio adds the comparison with the baseline.
func Driver(x *cost.Explanation, withRatio bool) string {
	var b strings.Builder
	if withRatio && x.Baseline > 0 {
		days := x.BaselineRange.Days()
		fmt.Fprintf(&b, ", %.1f× the %d-day average", x.Total/x.Baseline, days)
	}
	if x.Delta <= 0 {
		return b.String()
	}
	switch {
	case len(x.Top) == 2:
		fmt.Fprintf(&b, "; %.0f%% from %s on %s", 100*x.Top[0].Share, x.Top[0].Value, x.Top[1].Value)
	case len(x.Contributions) > 0 && x.Contributions[0].Share > 0:
		c := x.Contributions[0]
		fmt.Fprintf(&b, "; %.0f%% from %s %s", 100*c.Share, strings.ReplaceAll(string(c.Dimension), "_id", ""), c.Value)
	}
	return b.String()
}

// link returns the dashboard deep link of a sample: the 30 days up to it, with
// the rule's customer, providers and models as dashboard variables.
func (e *Engine) link(r cost.AlertRule, s *Sample) string {
	dash := "overview"
	switch r.Kind {
	case cost.AlertAnomaly:
		dash = "anomalies"
	case cost.AlertUnpriced:
		dash = "models"
	}
	rg := s.Range
	if rg.To.IsZero() {
		return ""
	}
	if start := rg.To.AddDate(0, 0, -29); start.Before(rg.From) || rg.From.IsZero() {
		rg.From = start
	}
	v := cost.DashboardVars{CustomerID: r.CustomerID}
	for _, f := range r.Filters {
		if f.Op != cost.OpEq && f.Op != cost.OpIn {
			continue
		}
		switch f.Dimension {
		case cost.DimCloudProvider:
			v.Providers = append(v.Providers, f.Values...)
		case cost.DimModel:
			v.Models = append(v.Models, f.Values...)
		case cost.DimCustomer:
			if len(f.Values) == 1 {
				v.CustomerID = f.Values[0]
			}
		}
	}
	if c := s.Labels[string(cost.DimCustomer)]; c != "" {
		v.CustomerID = c
	}
	if m := s.Labels[string(cost.DimModel)]; m != "" {
		v.Models = []string{m}
	}
	return strings.TrimSuffix(e.baseURL(), "/") + cost.DashboardPath(dash, rg, v)
}
