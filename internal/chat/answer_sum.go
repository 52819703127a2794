package chat

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// figure returns the formatter and verb phrase of a metric.
func figure(m cost.Metric) (func(float64) string, string) {
	switch m {
	case cost.MetricTokens:
		return count, "used %s tokens"
	case cost.MetricRequests:
		return count, "made %s requests"
	case cost.MetricActiveCustomers:
		return count, "had %s active customers"
	}
	return money, "spent %s"
}

func totalMetric(pl *plan) cost.Metric {
	switch pl.Intent {
	case intentTokens:
		return cost.MetricTokens
	case intentRequests:
		return cost.MetricRequests
	}
	if pl.Metric == cost.MetricCostPer1K {
		return cost.MetricCost
	}
	return pl.Metric
}

// first returns the value of column col in the first row of res.
func first(res *cost.Result, col string) float64 {
	i := res.Col(col)
	if i < 0 || len(res.Rows) == 0 {
		return 0
	}
	return num(res.Rows[0][i])
}

func (e *Engine) total(ctx context.Context, p cost.Principal, pl *plan, v *vocab) (*cost.ChatAnswer, error) {
	m := totalMetric(pl)
	res, err := e.runQuery(ctx, p, pl, pl.When.Range, cost.Query{Metrics: []cost.Metric{m}, Compare: true})
	if err != nil {
		return nil, err
	}
	format, verb := figure(m)
	cur, prev := first(res, string(m)), first(res, string(m)+"_previous")
	text := fmt.Sprintf("%s "+verb+"%s %s.", subject(p, pl, v), format(cur), scopeText(pl), periodText(pl.When))
	if res.Previous != nil {
		text += fmt.Sprintf(" That's %s %s.", change(cur, prev, format), inRange(*res.Previous))
	}
	return &cost.ChatAnswer{Answer: text, Data: &res.Frame}, nil
}

func (e *Engine) per1K(ctx context.Context, p cost.Principal, pl *plan, v *vocab) (*cost.ChatAnswer, error) {
	ms := []cost.Metric{cost.MetricCostPer1K, cost.MetricCost, cost.MetricTokens}
	res, err := e.runQuery(ctx, p, pl, pl.When.Range, cost.Query{Metrics: ms, Compare: true})
	if err != nil {
		return nil, err
	}
	tokens := first(res, string(cost.MetricTokens))
	if tokens == 0 {
		return &cost.ChatAnswer{Answer: fmt.Sprintf("There was no token usage%s %s, so there is no cost per 1K tokens.",
			scopeText(pl), periodText(pl.When)), Data: &res.Frame}, nil
	}
	unit := first(res, string(cost.MetricCostPer1K))
	text := fmt.Sprintf("Cost per 1K tokens%s %s was %s (%s for %s tokens).", scopeFull(p, pl, v), periodText(pl.When),
		money(unit), money(tokenCost(res)), count(tokens))
	if prev := first(res, string(cost.MetricCostPer1K)+"_previous"); res.Previous != nil && prev > 0 {
		text += fmt.Sprintf(" That's %s %s.", change(unit, prev, money), inRange(*res.Previous))
	}
	return &cost.ChatAnswer{Answer: text, Data: &res.Frame}, nil
}

// tokenCost is the cost of the token lines behind a cost-per-1K figure.
func tokenCost(res *cost.Result) float64 {
	return first(res, string(cost.MetricCostPer1K)) * first(res, string(cost.MetricTokens)) / 1000
}

func (e *Engine) average(ctx context.Context, p cost.Principal, pl *plan, v *vocab) (*cost.ChatAnswer, error) {
	m := totalMetric(pl)
	if pl.GroupBy == cost.DimCustomer {
		return e.perCustomer(ctx, p, pl, v)
	}
	if pl.PerRequest {
		return e.perRequest(ctx, p, pl, v)
	}
	w, note := completeDays(pl.When, cost.Day(e.query.Now()))
	res, err := e.runQuery(ctx, p, pl, w.Range, cost.Query{Metrics: []cost.Metric{m}, Compare: true})
	if err != nil {
		return nil, err
	}
	format, _ := figure(m)
	days := float64(w.Range.Days())
	total := first(res, string(m))
	what := "spend"
	if m != cost.MetricCost {
		what = string(m)
		if m == cost.MetricTokens {
			what = "token usage"
		}
	}
	text := fmt.Sprintf("Average daily %s%s %s was %s (%s over %d days%s).", what, scopeFull(p, pl, v), periodText(w),
		format(total/days), format(total), int(days), note)
	if res.Previous != nil {
		prev := first(res, string(m)+"_previous") / float64(res.Previous.Days())
		text += fmt.Sprintf(" That's %s a day %s.", change(total/days, prev, format), inRange(*res.Previous))
	}
	r := w.Range
	return &cost.ChatAnswer{Answer: text, Data: &res.Frame, Period: &r}, nil
}

// completeDays ends a period of several days that runs to today at yesterday:
// today is still accruing, so a daily average over it would be too low.
func completeDays(w when, today time.Time) (when, string) {
	if !w.Range.To.Equal(today) || w.Range.Days() < 2 {
		return w, ""
	}
	w.Range.To = today.AddDate(0, 0, -1)
	return w, "; today is left out as it is still accruing"
}

// perCustomer answers "average spend per customer": attributed spend over the
// customers active in the period.
func (e *Engine) perCustomer(ctx context.Context, p cost.Principal, pl *plan, v *vocab) (*cost.ChatAnswer, error) {
	ms := []cost.Metric{cost.MetricCost, cost.MetricActiveCustomers}
	attributed := cost.Filter{Dimension: cost.DimCustomer, Op: cost.OpNotIn, Values: []string{""}}
	res, err := e.runQuery(ctx, p, pl, pl.When.Range, cost.Query{Metrics: ms, Filters: []cost.Filter{attributed}})
	if err != nil {
		return nil, err
	}
	total, n := first(res, string(cost.MetricCost)), first(res, string(cost.MetricActiveCustomers))
	if n == 0 {
		return &cost.ChatAnswer{Answer: fmt.Sprintf("No customer had costs%s %s.", scopeFull(p, pl, v), periodText(pl.When)), Data: &res.Frame}, nil
	}
	text := fmt.Sprintf("Average spend per customer%s %s was %s (%s across %s customers, unattributed costs excluded).",
		scopeFull(p, pl, v), periodText(pl.When), money(total/n), money(total), count(n))
	return &cost.ChatAnswer{Answer: text, Data: &res.Frame}, nil
}

// perRequest answers "average cost per request".
func (e *Engine) perRequest(ctx context.Context, p cost.Principal, pl *plan, v *vocab) (*cost.ChatAnswer, error) {
	res, err := e.runQuery(ctx, p, pl, pl.When.Range, cost.Query{Metrics: []cost.Metric{cost.MetricCost, cost.MetricRequests}})
	if err != nil {
		return nil, err
	}
	total, n := first(res, string(cost.MetricCost)), first(res, string(cost.MetricRequests))
	if n == 0 {
		return &cost.ChatAnswer{Answer: fmt.Sprintf("No requests were recorded%s %s.", scopeFull(p, pl, v), periodText(pl.When)), Data: &res.Frame}, nil
	}
	text := fmt.Sprintf("Average cost per request%s %s was %s (%s over %s requests).",
		scopeFull(p, pl, v), periodText(pl.When), money(total/n), money(total), count(n))
	return &cost.ChatAnswer{Answer: text, Data: &res.Frame}, nil
}

func (e *Engine) topDay(ctx context.Context, p cost.Principal, pl *plan, v *vocab) (*cost.ChatAnswer, error) {
	m := totalMetric(pl)
	res, err := e.runQuery(ctx, p, pl, pl.When.Range, cost.Query{Metrics: []cost.Metric{m},
		GroupBy: []cost.Dimension{cost.DimDate}, OrderBy: []cost.Order{{By: string(cost.DimDate)}}, Limit: cost.MaxLimit})
	if err != nil {
		return nil, err
	}
	format, _ := figure(m)
	best, bestV, total := "", 0.0, 0.0
	for _, row := range res.Rows {
		x := num(row[1])
		total += x
		if best == "" || x > bestV && pl.Intent == intentTopDay || x < bestV && pl.Intent == intentLowDay {
			best, bestV = str(row[0]), x
		}
	}
	if best == "" {
		return &cost.ChatAnswer{Answer: fmt.Sprintf("There were no costs%s %s.", scopeText(pl), periodText(pl.When)),
			Data: &res.Frame}, nil
	}
	avg := total / float64(pl.When.Range.Days())
	d, _ := cost.ParseDate(best)
	text := fmt.Sprintf("The %s day%s %s was %s at %s", pick(pl.Intent == intentLowDay, "cheapest", "most expensive"), scopeFull(p, pl, v), periodText(pl.When), dayLabel(d), format(bestV))
	if avg > 0 {
		text += fmt.Sprintf(" (%s the daily average of %s)", ratioText(bestV/avg), format(avg))
	}
	return &cost.ChatAnswer{Answer: text + ".", Data: &res.Frame, Chart: "line"}, nil
}

func (e *Engine) compare(ctx context.Context, p cost.Principal, pl *plan, v *vocab) (*cost.ChatAnswer, error) {
	m := totalMetric(pl)
	against := pl.Against
	if against == nil {
		against = &when{cost.PreviousRange(pl.When.Range), ""}
	}
	q := cost.Query{Metrics: []cost.Metric{m}}
	cur, err := e.runQuery(ctx, p, pl, pl.When.Range, q)
	if err != nil {
		return nil, err
	}
	prev, err := e.runQuery(ctx, p, pl, against.Range, q)
	if err != nil {
		return nil, err
	}
	format, verb := figure(m)
	a, b := first(cur, string(m)), first(prev, string(m))
	if a == 0 && b == 0 {
		return &cost.ChatAnswer{Answer: fmt.Sprintf("There were no costs%s %s or %s to compare.", scopeText(pl),
			periodText(pl.When), periodText(*against))}, nil
	}
	text := fmt.Sprintf("%s "+verb+"%s %s, %s %s.", subject(p, pl, v), format(a), scopeText(pl), periodText(pl.When),
		change(a, b, format), periodText(*against))
	if b != 0 {
		text += fmt.Sprintf(" The difference is %s.", signed(a-b, format))
	}
	text += lengthNote(pl.When.Range, against.Range, cost.Day(e.query.Now()))
	if pl.Trend {
		weeks, err := e.weeklyTrend(ctx, p, pl, m, format)
		if err != nil {
			return nil, err
		}
		text += " " + weeks
	}
	f := &cost.Frame{Columns: []string{"from", "to", string(m)}, Types: []string{cost.TypeDate, cost.TypeDate, cost.TypeNumber},
		Rows: [][]any{
			{against.Range.From.Format(cost.DateLayout), against.Range.To.Format(cost.DateLayout), b},
			{pl.When.Range.From.Format(cost.DateLayout), pl.When.Range.To.Format(cost.DateLayout), a},
		}}
	return &cost.ChatAnswer{Answer: text, Data: f, Chart: "bar"}, nil
}

func (e *Engine) share(ctx context.Context, p cost.Principal, pl *plan, v *vocab) (*cost.ChatAnswer, error) {
	m := totalMetric(pl)
	part, err := e.runQuery(ctx, p, pl, pl.When.Range, cost.Query{Metrics: []cost.Metric{m}})
	if err != nil {
		return nil, err
	}
	// The whole is everything in scope, or the named customer's spend when the
	// part is a slice of it ("share of Acme's spend on Gemini").
	whole := &plan{}
	if !p.IsCustomer() && pl.customerID() != "" && len(pl.without(cost.DimCustomer)) > 0 {
		for _, e := range pl.Filters {
			if e.Dim == cost.DimCustomer {
				whole.Filters = append(whole.Filters, e)
			}
		}
	}
	all, err := e.runQuery(ctx, p, whole, pl.When.Range, cost.Query{Metrics: []cost.Metric{m}})
	if err != nil {
		return nil, err
	}
	format, _ := figure(m)
	a, b := first(part, string(m)), first(all, string(m))
	// What is shared: spend, or tokens when the question counts tokens.
	noun, verb := "spend", "was"
	if m == cost.MetricTokens {
		noun, verb = "tokens", "were"
	}
	what := strings.ToUpper(noun[:1]) + noun[1:] + scopeText(pl)
	of := "all " + noun
	switch {
	case len(whole.Filters) > 0:
		of = customerLabel(whole.Filters[0].Value, v) + "'s " + noun
	case p.IsCustomer():
		of = "your " + noun
	case pl.customerID() != "":
		what = customerLabel(pl.customerID(), v) + "'s " + noun
	}
	if b == 0 {
		return &cost.ChatAnswer{Answer: fmt.Sprintf("There was no %s %s.", noun, periodText(pl.When))}, nil
	}
	text := fmt.Sprintf("%s %s %s of %s %s (%s of %s).", what, verb, percent(a/b), of, periodText(pl.When), format(a), format(b))
	f := &cost.Frame{Columns: []string{"part", "whole", "share"}, Types: []string{cost.TypeNumber, cost.TypeNumber, cost.TypeNumber},
		Rows: [][]any{{a, b, a / b}}}
	return &cost.ChatAnswer{Answer: text, Data: f, Chart: "pie"}, nil
}

// signed formats a change with its sign: "+$12.00", "-$3.50".
func signed(x float64, format func(float64) string) string {
	if x >= 0 {
		return "+" + format(x)
	}
	return format(x)
}

// lengthNote warns when two compared periods differ in length ("this week"
// against a whole "last week"), so a change is not read as a trend.
func lengthNote(r, against cost.DateRange, today time.Time) string {
	if r.Days() == against.Days() || wholeMonths(r) && wholeMonths(against) && !r.To.Equal(today) {
		return "" // September against October is month against month.
	}
	accruing := ""
	if r.To.Equal(today) {
		accruing = ", and today is still accruing"
	}
	unit := "days"
	if r.Days() == 1 {
		unit = "day"
	}
	return fmt.Sprintf(" The periods differ in length: %d %s against %d%s.", r.Days(), unit, against.Days(), accruing)
}

// wholeMonths reports whether r runs from the first of a month to the last of one.
func wholeMonths(r cost.DateRange) bool {
	return r.From.Equal(cost.MonthStart(r.From)) && r.To.Equal(cost.MonthEnd(r.To))
}

// weeklyTrend states the last 4 complete weeks and which way they moved, for
// "is it growing?": "Weekly, the last 4 complete weeks (Mon Oct 26 – Sun Nov
// 22): $1.00, $2.00, $3.00, $4.00, up each week."
func (e *Engine) weeklyTrend(ctx context.Context, p cost.Principal, pl *plan, m cost.Metric, format func(float64) string) (string, error) {
	today := cost.Day(e.query.Now())
	end := cost.WeekStart(today).AddDate(0, 0, -1)
	r := cost.DateRange{From: end.AddDate(0, 0, -27), To: end}
	res, err := e.runQuery(ctx, p, pl, r, cost.Query{Metrics: []cost.Metric{m}, GroupBy: []cost.Dimension{cost.DimWeek}, Limit: cost.MaxLimit})
	if err != nil {
		return "", err
	}
	vals := make([]float64, 4)
	wi, mi := res.Col(string(cost.DimWeek)), res.Col(string(m))
	for _, row := range res.Rows {
		d, err := cost.ParseDate(str(row[wi]))
		if err != nil || wi < 0 || mi < 0 {
			continue
		}
		if i := int(d.Sub(r.From).Hours()/24) / 7; i >= 0 && i < 4 {
			vals[i] = num(row[mi])
		}
	}
	up, down := 0, 0
	texts := make([]string, 4)
	for i, x := range vals {
		texts[i] = format(x)
		if i > 0 && x > vals[i-1] {
			up++
		} else if i > 0 && x < vals[i-1] {
			down++
		}
	}
	dir := "mixed, with no steady direction"
	switch {
	case up == 3:
		dir = "up each week"
	case down == 3:
		dir = "down each week"
	case up == 2:
		dir = "up in 2 of 3 weeks"
	case down == 2:
		dir = "down in 2 of 3 weeks"
	}
	return fmt.Sprintf("The last 4 complete weeks (%s – %s): %s, %s.", r.From.Format("Mon Jan 2"), r.To.Format("Mon Jan 2"),
		strings.Join(texts, ", "), dir), nil
}
