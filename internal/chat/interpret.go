package chat

import (
	"fmt"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// interpretation is how the engine read a plan, as data and as one line:
// "Total cost · AWS · last week, Mon Nov 16 – Sun Nov 22".
func interpretation(p cost.Principal, pl *plan, ans *cost.ChatAnswer, v *vocab, today time.Time) *cost.ChatInterpretation {
	in := &cost.ChatInterpretation{Intent: pl.Intent, Metric: lineMetric(pl), Filters: pl.filters(), GroupBy: pl.GroupBy,
		Ascending: pl.Asc}
	if in.Filters == nil {
		in.Filters = []cost.Filter{}
	}
	if pl.Intent == intentTop || pl.Intent == intentGrowth {
		in.Limit = max(pl.N, 1)
	}
	parts := []string{title(pl)}
	if s := scopeLine(p, pl, v); s != "" {
		parts = append(parts, s)
	}
	if pl.Budget != nil {
		parts = append(parts, budgetActionLine(pl.Budget))
	}
	if ans.Period != nil && pl.Intent != intentAlert && pl.Intent != intentHelp {
		r := *ans.Period
		in.Period = &r
		phrase := ""
		if r == pl.When.Range {
			phrase = pl.When.Phrase
		}
		period := periodLine(phrase, r, today)
		if pl.Against != nil && (pl.Intent == intentCompare || pl.Intent == intentGrowth) {
			a := pl.Against.Range
			in.Against = &a
			period += " vs " + periodLine(pl.Against.Phrase, a, today)
		}
		if pl.Trend {
			end := cost.WeekStart(today).AddDate(0, 0, -1)
			period += " and the last 4 complete weeks, " + end.AddDate(0, 0, -27).Format("Mon Jan 2") + " – " + end.Format("Mon Jan 2")
		}
		parts = append(parts, period)
	}
	if len(pl.Replaced) > 0 {
		parts = append(parts, "in place of "+strings.ReplaceAll(scopeLine(p, &plan{Filters: pl.Replaced}, v), " · ", ", "))
	}
	in.Line = strings.Join(parts, " · ")
	return in
}

// lineMetric is the metric an answer states.
func lineMetric(pl *plan) cost.Metric {
	switch pl.Intent {
	case intentBreakdown, intentTop:
		return pl.Metric
	case intentPer1K:
		return cost.MetricCostPer1K
	case intentAlert, intentHelp, intentAnomalies:
		return ""
	}
	return totalMetric(pl)
}

// title names what an answer states: "Total cost", "Top 5 models by cost".
func title(pl *plan) string {
	m := strings.ToLower(metricTitle(lineMetric(pl)))
	if lineMetric(pl) == cost.MetricActiveCustomers {
		m = "active customers"
	}
	switch pl.Intent {
	case intentTotal, intentTokens, intentRequests:
		if m == "cost" {
			return "Total cost"
		}
		return upper(m)
	case intentPer1K:
		return "Cost per 1K tokens"
	case intentAverage:
		switch {
		case pl.GroupBy == cost.DimCustomer:
			return "Average spend per customer"
		case pl.PerRequest:
			return "Average cost per request"
		}
		return "Average daily " + m
	case intentBreakdown:
		if g := map[cost.Dimension]string{cost.DimDate: "Daily", cost.DimWeek: "Weekly", cost.DimMonth: "Monthly"}[pl.GroupBy]; g != "" {
			return g + " " + m
		}
		return upper(m) + " by " + noun(pl.GroupBy, 1)
	case intentTop:
		n := max(pl.N, 1)
		lead := pick(pl.Asc, "Bottom", "Top")
		if n == 1 {
			lead = pick(pl.Asc, "Lowest", "Highest")
			return fmt.Sprintf("%s %s by %s", lead, noun(pl.GroupBy, 1), m)
		}
		return fmt.Sprintf("%s %d %s by %s", lead, n, noun(pl.GroupBy, n), m)
	case intentTopDay:
		return "Most expensive day"
	case intentLowDay:
		return "Cheapest day"
	case intentCompare:
		if pl.Trend {
			return upper(m) + " trend"
		}
		return upper(m) + " compared"
	case intentGrowth:
		return fmt.Sprintf("%s that %s most", upper(noun(pl.GroupBy, 2)), pick(pl.Asc, "shrank", "grew"))
	case intentShare:
		return "Share of " + m
	}
	return intentTitles[pl.Intent]
}

// intentTitles name the intents whose title does not depend on a metric.
var intentTitles = map[string]string{
	intentBudget: "Budget status", intentOverBudget: "Customers over budget", intentForecast: "Month-end forecast",
	intentExplain: "What drove cost", intentAnomalies: "Unusual days", intentAlert: "New alert rule",
	intentHelp: "What I can answer", intentRemaining: "Budget remaining", intentNextPeriod: "Forecast at the current pace",
	intentSetBudget: "Set a monthly budget", intentWeekends: "Weekends against weekdays",
	intentVsAverage: "Customer against the average customer",
}

func upper(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// scopeLine lists the plan's filters: "AWS · gpt-4o · Acme Inc (cust_acme)".
func scopeLine(p cost.Principal, pl *plan, v *vocab) string {
	var parts []string
	for _, f := range pl.filters() {
		vals := f.Values
		switch f.Dimension {
		case cost.DimCustomer:
			if p.IsCustomer() {
				continue
			}
			var names []string
			for _, id := range vals {
				names = append(names, customerLabel(id, v))
			}
			parts = append(parts, joinOr(names))
		case cost.DimModel:
			if f.Op == cost.OpPrefix {
				parts = append(parts, vals[0]+"* models")
			} else {
				parts = append(parts, joinOr(vals))
			}
		case cost.DimModelFamily:
			parts = append(parts, familyName(joinOr(vals))+" models")
		case cost.DimTokenType:
			parts = append(parts, strings.ReplaceAll(joinOr(vals), "_", " ")+" tokens")
		default:
			parts = append(parts, joinOr(vals))
		}
	}
	return strings.Join(parts, " · ")
}

// periodLine is a period's phrase and exact days: "last week, Mon Nov 16 – Sun
// Nov 22". The year is shown when it is not today's.
func periodLine(phrase string, r cost.DateRange, today time.Time) string {
	phrase = strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(phrase, "in the "), "in "), "on ")
	layout := "Mon Jan 2"
	if r.From.Year() != today.Year() || r.To.Year() != today.Year() {
		layout = "Mon Jan 2, 2006"
	}
	days := r.From.Format(layout)
	if !r.From.Equal(r.To) {
		days += " – " + r.To.Format(layout)
	}
	if phrase == "" || strings.Contains(phrase, days) {
		return days
	}
	return phrase + ", " + days
}

func budgetActionLine(a *budgetAction) string {
	switch {
	case a.Remove:
		return "remove"
	case a.By:
		return "change by " + signed(a.Amount, money)
	}
	return "set to " + money(a.Amount)
}

// correctionsText names the typos a question was read with, for the
// interpretation line: " · read “provder” as “provider”", so a wrong
// correction is visible at once.
func correctionsText(c [][2]string) string {
	if len(c) == 0 {
		return ""
	}
	parts := make([]string, len(c))
	for i, x := range c {
		parts[i] = "“" + x[0] + "” as “" + x[1] + "”"
	}
	return " · read " + strings.Join(parts, ", ")
}
