package chat

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// nonCustomerFilters are the plan's filters other than the customer one, which
// explanations and anomaly scans take separately; the unattributed slice stays a
// filter.
func nonCustomerFilters(pl *plan) []cost.Filter {
	var out []cost.Filter
	for _, f := range pl.filters() {
		if f.Dimension != cost.DimCustomer || len(f.Values) == 1 && f.Values[0] == "" {
			out = append(out, f)
		}
	}
	return out
}

func (e *Engine) explain(ctx context.Context, p cost.Principal, pl *plan, v *vocab) (*cost.ChatAnswer, error) {
	w := pl.When
	if pl.Defaulted {
		// No day named: explain the latest spike of the last 30 days, if any.
		if d, ok, err := e.latestSpike(ctx, p, pl, w.Range.To); err != nil {
			return nil, err
		} else if ok {
			w = when{cost.DateRange{From: d.Date, To: d.Date}, "on " + d.Date.Weekday().String()}
			pl.When = w
		}
	}
	if today := cost.Day(e.query.Now()); w.Range.Days() > 1 && !w.Range.To.Before(today) && w.Range.From.Before(today) {
		// A period still under way is explained over its complete days, against
		// as many days before it: today's few hours are no change.
		w.Range.To = today.AddDate(0, 0, -1)
		w.Phrase += " so far"
		pl.When = w
	}
	req := cost.ExplainRequest{Range: w.Range, CustomerID: scopeCustomer(p, pl), Filters: nonCustomerFilters(pl)}
	span := w.Range.Days() > 1
	if span {
		// A period is explained against the same number of days just before it.
		req.BaselineDays = w.Range.Days()
	}
	ex, err := e.query.Explain(ctx, p, req)
	if err != nil {
		return nil, err
	}
	text := fmt.Sprintf("Cost%s %s was %s", scopeFull(p, pl, v), periodText(w), money(ex.Total))
	usual := ex.Baseline > 0 && math.Abs(ex.Total-ex.Baseline) < 0.1*ex.Baseline
	switch {
	case span:
		text += fmt.Sprintf(", %s in the %d days before (%s).", change(ex.Total, ex.Baseline, money), w.Range.Days(),
			rangeLabel(ex.BaselineRange))
		usual = false
	case usual:
		text += fmt.Sprintf(", in line with the usual %s (the daily average of %s). There was no spike.", money(ex.Baseline),
			rangeLabel(ex.BaselineRange))
	case ex.Baseline > 0:
		text += fmt.Sprintf(", %s the usual %s (the daily average of %s).", ratioText(ex.Total/ex.Baseline), money(ex.Baseline),
			rangeLabel(ex.BaselineRange))
	default:
		text += ", with no spend in the days before to compare with."
	}
	var drivers []string
	seen := map[cost.Dimension]bool{}
	for _, c := range ex.Contributions {
		if c.Dimension == cost.DimCustomer && scopeCustomer(p, pl) != "" {
			continue // The customer asked about is not its own driver.
		}
		if usual || len(drivers) == 3 || seen[c.Dimension] || ex.Delta == 0 || math.Signbit(c.Delta) != math.Signbit(ex.Delta) ||
			math.Abs(c.Share) < 0.2 {
			continue
		}
		seen[c.Dimension] = true
		d := fmt.Sprintf("%s %s (%s", noun(c.Dimension, 1), label(c.Dimension, c.Value, v), signed(c.Delta, money))
		if c.Share > 0 && c.Share <= 1.5 {
			d += ", " + percent(c.Share) + " of the change"
		}
		drivers = append(drivers, d+")")
	}
	switch {
	case ex.Delta > 0 && len(drivers) > 0:
		text += " The increase came mostly from " + joinList(drivers) + "."
	case ex.Delta < 0 && len(drivers) > 0:
		text += " It was below the usual level, mostly because of " + joinList(drivers) + "."
	case ex.Delta <= 0 && !usual && !span:
		text += " There was no spike."
	}
	f := &cost.Frame{Columns: []string{"dimension", "value", "current", "baseline", "delta", "share"},
		Types: []string{cost.TypeString, cost.TypeString, cost.TypeNumber, cost.TypeNumber, cost.TypeNumber, cost.TypeNumber}}
	for _, c := range ex.Contributions {
		f.Rows = append(f.Rows, []any{string(c.Dimension), c.Value, c.Current, c.Baseline, c.Delta, c.Share})
	}
	r := w.Range
	return &cost.ChatAnswer{Answer: text, Data: f, Chart: "bar", Period: &r}, nil
}

// latestSpike returns the most recent high anomaly of the total in the 30 days
// up to end.
func (e *Engine) latestSpike(ctx context.Context, p cost.Principal, pl *plan, end time.Time) (cost.Anomaly, bool, error) {
	r := cost.DateRange{From: end.AddDate(0, 0, -29), To: end}
	rep, err := e.query.Anomalies(ctx, p, cost.AnomalyRequest{Range: r, CustomerID: scopeCustomer(p, pl), Filters: nonCustomerFilters(pl)})
	if err != nil {
		return cost.Anomaly{}, false, err
	}
	var best cost.Anomaly
	ok := false
	for _, a := range rep.Anomalies {
		if a.Key == "" && a.Value > a.Expected && (!ok || a.Date.After(best.Date)) {
			best, ok = a, true
		}
	}
	return best, ok, nil
}

func (e *Engine) anomalies(ctx context.Context, p cost.Principal, pl *plan, v *vocab) (*cost.ChatAnswer, error) {
	r := pl.When.Range
	if today := cost.Day(e.query.Now()); r.To.Equal(today) && r.From.Before(today) {
		r.To = today.AddDate(0, 0, -1) // Today is still accruing: not an anomaly.
	}
	req := cost.AnomalyRequest{Range: r, CustomerID: scopeCustomer(p, pl), Filters: nonCustomerFilters(pl)}
	if pl.GroupBy == cost.DimCustomer || pl.GroupBy == cost.DimModel {
		req.By = pl.GroupBy
	}
	rep, err := e.query.Anomalies(ctx, p, req)
	if err != nil {
		return nil, err
	}
	byDay := map[string]cost.Anomaly{}
	for _, a := range rep.Anomalies {
		k := a.Date.Format(cost.DateLayout) + "\x00" + a.Key
		if old, ok := byDay[k]; !ok || math.Abs(a.Score) > math.Abs(old.Score) {
			byDay[k] = a
		}
	}
	list := make([]cost.Anomaly, 0, len(byDay))
	for _, a := range byDay {
		list = append(list, a)
	}
	sort.Slice(list, func(i, j int) bool {
		if !list[i].Date.Equal(list[j].Date) {
			return list[i].Date.After(list[j].Date)
		}
		return list[i].Key < list[j].Key
	})
	f := &cost.Frame{Columns: []string{"date", "cost_usd", "expected", "lower", "upper", "status"},
		Types: []string{cost.TypeDate, cost.TypeNumber, cost.TypeNumber, cost.TypeNumber, cost.TypeNumber, cost.TypeString}}
	for _, s := range rep.Series {
		f.Rows = append(f.Rows, []any{s.Date.Format(cost.DateLayout), s.Value, s.Expected, s.Lower, s.Upper, s.Status})
	}
	w := when{r, pl.When.Phrase}
	if len(list) == 0 {
		return &cost.ChatAnswer{Answer: fmt.Sprintf("No unusual days%s %s: daily cost stayed within its expected range.",
			scopeFull(p, pl, v), periodText(w)), Data: f, Chart: "line", Period: &r}, nil
	}
	var items []string
	for i, a := range list {
		if i == 3 {
			items = append(items, fmt.Sprintf("%d more", len(list)-3))
			break
		}
		who := ""
		if a.Key != "" {
			who = label(a.Dimension, a.Key, v) + " "
		}
		items = append(items, fmt.Sprintf("%s%s (%s vs %s expected, %s)", who, a.Date.Format("Mon Jan 2"), money(a.Value), money(a.Expected), a.Direction))
	}
	text := fmt.Sprintf("Found %d unusual %s%s %s: %s.", len(list), pick(len(list) == 1, "day", "days"), scopeFull(p, pl, v), periodText(w), joinList(items))
	return &cost.ChatAnswer{Answer: text, Data: f, Chart: "line", Period: &r}, nil
}
