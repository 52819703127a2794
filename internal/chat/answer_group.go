package chat

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/llmcost/llmcost/internal/cost"
)

var dimNouns = map[cost.Dimension][2]string{
	cost.DimCloudProvider: {"cloud provider", "cloud providers"}, cost.DimService: {"service", "services"},
	cost.DimModel: {"model", "models"}, cost.DimModelFamily: {"model family", "model families"},
	cost.DimTokenType: {"token type", "token types"}, cost.DimCustomer: {"customer", "customers"},
	cost.DimAccount: {"account", "accounts"}, cost.DimProject: {"project", "projects"},
	cost.DimRegion: {"region", "regions"}, cost.DimDate: {"day", "days"}, cost.DimWeek: {"week", "weeks"},
	cost.DimMonth: {"month", "months"},
}

func noun(d cost.Dimension, n int) string {
	if w, ok := dimNouns[d]; ok {
		if n == 1 {
			return w[0]
		}
		return w[1]
	}
	return string(d)
}

// row is one group of a grouped result.
type row struct {
	key   string
	value float64
	prev  float64
}

// label names a dimension value for people.
func label(d cost.Dimension, key string, v *vocab) string {
	switch {
	case d == cost.DimCustomer:
		return customerLabel(key, v)
	case d == cost.DimDate:
		if t, err := cost.ParseDate(key); err == nil {
			return t.Format("Mon Jan 2")
		}
	case d == cost.DimWeek:
		if t, err := cost.ParseDate(key); err == nil {
			return "week of " + t.Format("Jan 2")
		}
	case d == cost.DimMonth:
		if t, err := cost.ParseDate(key); err == nil {
			return t.Format("January 2006")
		}
		if t, err := cost.ParseDate(key + "-01"); err == nil {
			return t.Format("January 2006")
		}
	case d == cost.DimModelFamily:
		return familyName(key)
	case key == "":
		return "(none)"
	}
	return key
}

func (e *Engine) groupRows(ctx context.Context, p cost.Principal, pl *plan, r cost.DateRange, m cost.Metric) ([]row, *cost.Result, error) {
	ms := []cost.Metric{m}
	if m == cost.MetricCostPer1K {
		ms = append(ms, cost.MetricTokens)
	}
	res, err := e.runQuery(ctx, p, pl, r, cost.Query{Metrics: ms, GroupBy: []cost.Dimension{pl.GroupBy}, Limit: cost.MaxLimit})
	if err != nil {
		return nil, nil, err
	}
	var rows []row
	for _, rw := range res.Rows {
		if m == cost.MetricCostPer1K && num(rw[2]) == 0 {
			continue
		}
		rows = append(rows, row{key: str(rw[0]), value: num(rw[1])})
	}
	return rows, res, nil
}

func (e *Engine) grouped(ctx context.Context, p cost.Principal, pl *plan, v *vocab) (*cost.ChatAnswer, error) {
	m := pl.Metric
	rows, res, err := e.groupRows(ctx, p, pl, pl.When.Range, m)
	if err != nil {
		return nil, err
	}
	format, _ := figure(m)
	if m == cost.MetricCostPer1K {
		format = money
	}
	if len(rows) == 0 {
		return &cost.ChatAnswer{Answer: fmt.Sprintf("There were no costs%s %s.", scopeFull(p, pl, v), periodText(pl.When)), Data: &res.Frame}, nil
	}
	total := 0.0
	for _, r := range rows {
		total += r.value
	}
	if pl.GroupBy.IsTime() {
		sort.Slice(rows, func(i, j int) bool { return rows[i].key < rows[j].key })
		return timeSeries(p, v, pl, rows, total, format, res), nil
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if pl.Asc {
			return rows[i].value < rows[j].value
		}
		return rows[i].value > rows[j].value
	})
	res.Rows = res.Rows[:0]
	for _, r := range rows {
		res.Rows = append(res.Rows, []any{r.key, r.value})
	}
	res.Columns, res.Types = res.Columns[:2], res.Types[:2]
	chart := "bar"
	if len(rows) <= 6 && m != cost.MetricCostPer1K {
		chart = "pie"
	}
	ans := &cost.ChatAnswer{Data: &res.Frame, Chart: chart}
	if pl.Intent == intentTop {
		ans.Answer = topText(p, pl, rows, total, format, v)
		return ans, nil
	}
	items := listItems(pl, rows, total, format, v, 3)
	text := fmt.Sprintf("%s by %s%s %s: %s", metricTitle(m), noun(pl.GroupBy, 1), scopeFull(p, pl, v), periodText(pl.When), joinList(items))
	if len(rows) > 3 {
		text += fmt.Sprintf(", and %d more", len(rows)-3)
	}
	if m != cost.MetricCostPer1K {
		text += fmt.Sprintf(" — %s in total", format(total))
	}
	ans.Answer = text + "."
	return ans, nil
}

func metricTitle(m cost.Metric) string {
	switch m {
	case cost.MetricTokens:
		return "Tokens"
	case cost.MetricRequests:
		return "Requests"
	case cost.MetricCostPer1K:
		return "Cost per 1K tokens"
	}
	return "Cost"
}

// listItems formats up to n groups: "gpt-4o $1,234.56 (45%)".
func listItems(pl *plan, rows []row, total float64, format func(float64) string, v *vocab, n int) []string {
	var items []string
	for i, r := range rows {
		if i == n {
			break
		}
		s := label(pl.GroupBy, r.key, v) + " " + format(r.value)
		if pl.Metric != cost.MetricCostPer1K && total > 0 {
			s += " (" + percent(r.value/total) + ")"
		}
		items = append(items, s)
	}
	return items
}

func topText(p cost.Principal, pl *plan, rows []row, total float64, format func(float64) string, v *vocab) string {
	n := min(pl.N, len(rows))
	if n <= 1 {
		r := rows[0]
		name := label(pl.GroupBy, r.key, v)
		var s string
		switch {
		case pl.Metric == cost.MetricCostPer1K && pl.Asc:
			s = fmt.Sprintf("%s was the most cost-efficient %s%s %s at %s per 1K tokens", name, noun(pl.GroupBy, 1), scopeFull(p, pl, v), periodText(pl.When), money(r.value))
		case pl.Metric == cost.MetricCostPer1K:
			s = fmt.Sprintf("%s had the highest cost per 1K tokens of any %s%s %s: %s", name, noun(pl.GroupBy, 1), scopeFull(p, pl, v), periodText(pl.When), money(r.value))
		case pl.Metric == cost.MetricTokens:
			s = fmt.Sprintf("%s used the %s tokens of any %s%s %s: %s", name, pick(pl.Asc, "fewest", "most"), noun(pl.GroupBy, 1), scopeFull(p, pl, v), periodText(pl.When), count(r.value))
		default:
			s = fmt.Sprintf("%s was the %s %s%s %s at %s", name, pick(pl.Asc, "cheapest", "most expensive"), noun(pl.GroupBy, 1), scopeFull(p, pl, v), periodText(pl.When), format(r.value))
		}
		if pl.Metric != cost.MetricCostPer1K && total > 0 {
			s += fmt.Sprintf(", %s of the %s total", percent(r.value/total), format(total))
		}
		return s + "."
	}
	lead := fmt.Sprintf("Top %d %s by %s", n, noun(pl.GroupBy, n), strings.ToLower(metricTitle(pl.Metric)))
	if pl.Asc {
		lead = fmt.Sprintf("Bottom %d %s by %s", n, noun(pl.GroupBy, n), strings.ToLower(metricTitle(pl.Metric)))
	}
	text := fmt.Sprintf("%s%s %s: %s", lead, scopeFull(p, pl, v), periodText(pl.When), joinList(listItems(pl, rows, total, format, v, n)))
	if pl.Metric != cost.MetricCostPer1K {
		text += fmt.Sprintf(" — %s in total", format(total))
	}
	return text + "."
}

func pick(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

func timeSeries(p cost.Principal, v *vocab, pl *plan, rows []row, total float64, format func(float64) string, res *cost.Result) *cost.ChatAnswer {
	hi, lo := rows[0], rows[0]
	for _, r := range rows {
		if r.value > hi.value {
			hi = r
		}
		if r.value < lo.value {
			lo = r
		}
	}
	grain := map[cost.Dimension]string{cost.DimDate: "Daily", cost.DimWeek: "Weekly", cost.DimMonth: "Monthly"}[pl.GroupBy]
	text := fmt.Sprintf("%s %s%s %s: %s in total; highest %s (%s), lowest %s (%s).", grain,
		strings.ToLower(metricTitle(pl.Metric)), scopeFull(p, pl, v), periodText(pl.When), format(total),
		label(pl.GroupBy, hi.key, nil), format(hi.value), label(pl.GroupBy, lo.key, nil), format(lo.value))
	return &cost.ChatAnswer{Answer: text, Data: &res.Frame, Chart: "line"}
}

func (e *Engine) growth(ctx context.Context, p cost.Principal, pl *plan, v *vocab) (*cost.ChatAnswer, error) {
	m := totalMetric(pl)
	against := pl.Against
	if against == nil {
		against = &when{cost.PreviousRange(pl.When.Range), ""}
	}
	cur, _, err := e.groupRows(ctx, p, pl, pl.When.Range, m)
	if err != nil {
		return nil, err
	}
	prev, _, err := e.groupRows(ctx, p, pl, against.Range, m)
	if err != nil {
		return nil, err
	}
	byKey := map[string]*row{}
	var rows []*row
	for _, r := range cur {
		rr := &row{key: r.key, value: r.value}
		byKey[r.key] = rr
		rows = append(rows, rr)
	}
	for _, r := range prev {
		if rr, ok := byKey[r.key]; ok {
			rr.prev = r.value
		} else {
			rr := &row{key: r.key, prev: r.value}
			byKey[r.key] = rr
			rows = append(rows, rr)
		}
	}
	if len(rows) == 0 {
		return &cost.ChatAnswer{Answer: fmt.Sprintf("There were no costs%s %s or %s.", scopeFull(p, pl, v), periodText(pl.When), periodText(*against))}, nil
	}
	sort.SliceStable(rows, func(i, j int) bool {
		di, dj := rows[i].value-rows[i].prev, rows[j].value-rows[j].prev
		if di != dj {
			if pl.Asc {
				return di < dj
			}
			return di > dj
		}
		return rows[i].key < rows[j].key
	})
	format, _ := figure(m)
	f := &cost.Frame{Columns: []string{string(pl.GroupBy), string(m), string(m) + "_previous", "change"},
		Types: []string{cost.TypeString, cost.TypeNumber, cost.TypeNumber, cost.TypeNumber}}
	var items []string
	for i, r := range rows {
		f.Rows = append(f.Rows, []any{r.key, r.value, r.prev, r.value - r.prev})
		if i < max(pl.N, 1) && (r.value-r.prev > 0) != pl.Asc {
			items = append(items, fmt.Sprintf("%s %s (%s → %s)", label(pl.GroupBy, r.key, v), signed(r.value-r.prev, format), format(r.prev), format(r.value)))
		}
	}
	verb := pick(pl.Asc, "shrank the most", "grew the most")
	if len(items) == 0 {
		return &cost.ChatAnswer{Answer: fmt.Sprintf("No %s %s%s from %s to %s.", noun(pl.GroupBy, 2), pick(pl.Asc, "shrank", "grew"),
			scopeFull(p, pl, v), rangeLabel(against.Range), rangeLabel(pl.When.Range)), Data: f, Chart: "bar"}, nil
	}
	lead := "The " + noun(pl.GroupBy, len(items)) + " that " + verb
	if len(items) == 1 {
		lead = strings.ToUpper(noun(pl.GroupBy, 1)[:1]) + noun(pl.GroupBy, 1)[1:] + " that " + verb
	}
	text := fmt.Sprintf("%s%s from %s to %s: %s.", lead, scopeFull(p, pl, v), rangeLabel(against.Range),
		rangeLabel(pl.When.Range), joinList(items))
	return &cost.ChatAnswer{Answer: text, Data: f, Chart: "bar"}, nil
}
