package chat

import (
	"context"
	"fmt"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// paceDays is the window of complete days whose daily average projects a future
// period: four whole weeks, so every weekday counts equally.
const paceDays = 28

// nextPeriod is the next calendar month or quarter after today.
func nextPeriod(unit string, today time.Time) when {
	if unit == "quarter" {
		from := quarterStart(today).AddDate(0, 3, 0)
		q := (int(from.Month())-1)/3 + 1
		return when{cost.DateRange{From: from, To: from.AddDate(0, 3, -1)}, fmt.Sprintf("next quarter (Q%d %d)", q, from.Year())}
	}
	from := cost.MonthStart(today).AddDate(0, 1, 0)
	return when{cost.DateRange{From: from, To: cost.MonthEnd(from)}, "next month (" + from.Format("January 2006") + ")"}
}

// paceRange is the window of complete days before today that sets the pace.
func paceRange(today time.Time) cost.DateRange {
	return cost.DateRange{From: today.AddDate(0, 0, -paceDays), To: today.AddDate(0, 0, -1)}
}

// nextAtPace projects the next month or quarter at the daily average of the last
// four complete weeks; the answer says so, with both ranges.
func (e *Engine) nextAtPace(ctx context.Context, p cost.Principal, pl *plan, v *vocab) (*cost.ChatAnswer, error) {
	pace := paceRange(cost.Day(e.query.Now()))
	m := totalMetric(pl)
	res, err := e.runQuery(ctx, p, pl, pace, cost.Query{Metrics: []cost.Metric{m}})
	if err != nil {
		return nil, err
	}
	format, _ := figure(m)
	daily := first(res, string(m)) / paceDays
	days := pl.When.Range.Days()
	who := ""
	if s := subject(p, pl, v); s != "You" && s != "We" {
		who = " for " + s
	}
	what := "spend"
	if m == cost.MetricTokens {
		what = "token usage"
	}
	text := fmt.Sprintf("At the pace of the last %d complete days (%s a day, %s), %s%s%s %s would be about %s over its %d days. "+
		"This is a straight-line projection, not a promise.", paceDays, format(daily), rangeLabel(pace), what, scopeText(pl), who,
		periodText(pl.When), format(daily*float64(days)), days)
	f := &cost.Frame{Columns: []string{"metric", "value"}, Types: []string{cost.TypeString, cost.TypeNumber},
		Rows: [][]any{{"daily_pace", daily}, {"days", days}, {"projected", daily * float64(days)}}}
	return &cost.ChatAnswer{Answer: text, Data: f}, nil
}

// weekends compares weekend days with weekdays over the plan's period.
func (e *Engine) weekends(ctx context.Context, p cost.Principal, pl *plan, v *vocab) (*cost.ChatAnswer, error) {
	m := totalMetric(pl)
	res, err := e.runQuery(ctx, p, pl, pl.When.Range, cost.Query{Metrics: []cost.Metric{m},
		GroupBy: []cost.Dimension{cost.DimDate}, Limit: cost.MaxLimit})
	if err != nil {
		return nil, err
	}
	var end, week float64
	nEnd, nWeek := 0, 0
	for d := pl.When.Range.From; !d.After(pl.When.Range.To); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			nEnd++
		} else {
			nWeek++
		}
	}
	for _, row := range res.Rows {
		d, err := cost.ParseDate(str(row[0]))
		if err != nil {
			continue
		}
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			end += num(row[1])
		} else {
			week += num(row[1])
		}
	}
	format, verb := figure(m)
	if nEnd == 0 {
		return &cost.ChatAnswer{Answer: fmt.Sprintf("There is no weekend day %s.", periodText(pl.When))}, nil
	}
	text := fmt.Sprintf("On the %d weekend days %s, %s "+verb+"%s (%s a day)", nEnd, periodText(pl.When),
		lower(subject(p, pl, v)), format(end), scopeText(pl), format(end/float64(nEnd)))
	if nWeek > 0 {
		text += fmt.Sprintf(", against %s on the %d weekdays (%s a day)", format(week), nWeek, format(week/float64(nWeek)))
	}
	f := &cost.Frame{Columns: []string{"days", "count", string(m), "per_day"},
		Types: []string{cost.TypeString, cost.TypeNumber, cost.TypeNumber, cost.TypeNumber},
		Rows:  [][]any{{"weekend", nEnd, end, end / float64(nEnd)}}}
	if nWeek > 0 {
		f.Rows = append(f.Rows, []any{"weekday", nWeek, week, week / float64(nWeek)})
	}
	return &cost.ChatAnswer{Answer: text + ".", Data: f, Chart: "bar"}, nil
}

// lower lowercases the pronouns a sentence starts with ("We" → "we"), leaving names.
func lower(s string) string {
	if s == "We" || s == "You" {
		return map[string]string{"We": "we", "You": "you"}[s]
	}
	return s
}

// vsAverage sets one customer's spend beside the average of all customers active
// in the period (admins only: it rests on every customer's spend).
func (e *Engine) vsAverage(ctx context.Context, p cost.Principal, pl *plan, v *vocab) (*cost.ChatAnswer, error) {
	if p.IsCustomer() {
		return &cost.ChatAnswer{Answer: "I can only answer questions about your own costs, so I can't compare you with other customers."}, nil
	}
	id := pl.customerID()
	if id == "" {
		return &cost.ChatAnswer{Answer: "Which customer? Name one to set beside the average customer."}, nil
	}
	mine, err := e.runQuery(ctx, p, pl, pl.When.Range, cost.Query{Metrics: []cost.Metric{cost.MetricCost}})
	if err != nil {
		return nil, err
	}
	all := &plan{Filters: pl.without(cost.DimCustomer)}
	attributed := cost.Filter{Dimension: cost.DimCustomer, Op: cost.OpNotIn, Values: []string{""}}
	res, err := e.runQuery(ctx, p, all, pl.When.Range, cost.Query{Metrics: []cost.Metric{cost.MetricCost, cost.MetricActiveCustomers},
		Filters: []cost.Filter{attributed}})
	if err != nil {
		return nil, err
	}
	a, total, n := first(mine, string(cost.MetricCost)), first(res, string(cost.MetricCost)), first(res, string(cost.MetricActiveCustomers))
	if n == 0 {
		return &cost.ChatAnswer{Answer: fmt.Sprintf("No customer had costs%s %s.", scopeText(pl), periodText(pl.When))}, nil
	}
	avg := total / n
	text := fmt.Sprintf("%s spent %s%s %s, against %s for the average customer (%s across %s active customers)",
		customerLabel(id, v), money(a), scopeText(pl), periodText(pl.When), money(avg), money(total), count(n))
	if avg > 0 {
		text += fmt.Sprintf(": %s the average", ratioText(a/avg))
	}
	f := &cost.Frame{Columns: []string{"who", "cost_usd"}, Types: []string{cost.TypeString, cost.TypeNumber},
		Rows: [][]any{{id, a}, {"average customer", avg}}}
	return &cost.ChatAnswer{Answer: text + ".", Data: f, Chart: "bar"}, nil
}
