package chat

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// run answers a plan through the query service, in p's scope.
func (e *Engine) run(ctx context.Context, p cost.Principal, pl *plan, v *vocab) (*cost.ChatAnswer, error) {
	var ans *cost.ChatAnswer
	var err error
	switch pl.Intent {
	case intentHelp:
		return help(), nil
	case intentTotal, intentTokens, intentRequests:
		ans, err = e.total(ctx, p, pl, v)
	case intentPer1K:
		ans, err = e.per1K(ctx, p, pl, v)
	case intentShare:
		ans, err = e.share(ctx, p, pl, v)
	case intentAverage:
		ans, err = e.average(ctx, p, pl, v)
	case intentBreakdown, intentTop:
		ans, err = e.grouped(ctx, p, pl, v)
	case intentTopDay, intentLowDay:
		ans, err = e.topDay(ctx, p, pl, v)
	case intentCompare:
		ans, err = e.compare(ctx, p, pl, v)
	case intentGrowth:
		ans, err = e.growth(ctx, p, pl, v)
	case intentBudget:
		ans, err = e.budget(ctx, p, pl, v)
	case intentOverBudget:
		ans, err = e.overBudget(ctx, p, pl, v)
	case intentForecast:
		ans, err = e.forecast(ctx, p, pl, v)
	case intentExplain:
		ans, err = e.explain(ctx, p, pl, v)
	case intentAnomalies:
		ans, err = e.anomalies(ctx, p, pl, v)
	case intentAlert:
		ans, err = e.alert(ctx, p, pl, v)
	case intentNextPeriod:
		ans, err = e.nextAtPace(ctx, p, pl, v)
	case intentVsAverage:
		ans, err = e.vsAverage(ctx, p, pl, v)
	case intentWeekends:
		ans, err = e.weekends(ctx, p, pl, v)
	case intentRemaining:
		ans, err = e.remaining(ctx, p, pl, v)
	case intentSetBudget:
		ans, err = e.setBudget(ctx, p, pl, v)
	default:
		return notUnderstood(), nil
	}
	if err != nil {
		return nil, err
	}
	ans.Understood = true
	if pl.Beyond && pl.Intent != intentVsAverage && pl.Intent != intentSetBudget {
		ans.Answer = "I can only show your own costs. " + ans.Answer
	}
	if len(ans.Suggestions) == 0 {
		ans.Suggestions = followUps(pl)
	}
	if ans.Period == nil && pl.Intent != intentAlert && pl.Intent != intentSetBudget {
		r := pl.When.Range
		ans.Period = &r
	}
	if ans.Links == nil && pl.Intent != intentAlert && pl.Intent != intentSetBudget {
		var date time.Time
		if pl.Intent == intentExplain {
			date = ans.Period.From
		}
		ans.Links = []cost.Link{e.dashboardLink(dashboardFor(pl), *ans.Period, vars(p, pl), date)}
	}
	return ans, nil
}

// query runs one typed query over an explicit range.
func (e *Engine) runQuery(ctx context.Context, p cost.Principal, pl *plan, r cost.DateRange, q cost.Query) (*cost.Result, error) {
	q.Filters = append(q.Filters, pl.filters()...)
	q.Period = cost.Period{From: r.From.Format(cost.DateLayout), To: r.To.Format(cost.DateLayout)}
	return e.query.Query(ctx, p, q)
}

// subject is who spent: "You" for a customer, a named customer, or "We".
func subject(p cost.Principal, pl *plan, v *vocab) string {
	if p.IsCustomer() {
		return "You"
	}
	if id := pl.customerID(); id != "" {
		return customerLabel(id, v)
	}
	return "We"
}

func customerLabel(id string, v *vocab) string {
	if id == "" {
		return "unattributed"
	}
	if name := v.customers[id]; name != "" && name != id {
		return name + " (" + id + ")"
	}
	return id
}

// scopeText describes the plan's non-customer filters: " on GCP for gpt-4o".
func scopeText(pl *plan) string {
	var parts []string
	for _, f := range pl.filters() {
		vals := joinOr(f.Values)
		switch f.Dimension {
		case cost.DimCloudProvider, cost.DimService:
			parts = append(parts, "on "+vals)
		case cost.DimModel:
			if f.Op == cost.OpPrefix {
				parts = append(parts, "on "+f.Values[0]+"* models")
			} else {
				parts = append(parts, "on "+vals)
			}
		case cost.DimModelFamily:
			parts = append(parts, "on "+familyName(vals)+" models")
		case cost.DimTokenType:
			parts = append(parts, "for "+strings.ReplaceAll(vals, "_", " ")+" tokens")
		case cost.DimCustomer:
			if len(f.Values) == 1 && f.Values[0] == "" {
				parts = append(parts, "with no customer (unattributed)")
			}
		default:
			parts = append(parts, "in "+vals)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " " + strings.Join(parts, " ")
}

// scopeFull is scopeText plus, for an admin asking about one customer, that
// customer: " on Gemini models for Acme Inc (cust_acme)".
func scopeFull(p cost.Principal, pl *plan, v *vocab) string {
	s := scopeText(pl)
	if id := pl.customerID(); id != "" && !p.IsCustomer() {
		s += " for " + customerLabel(id, v)
	}
	return s
}

func joinOr(vals []string) string {
	if len(vals) <= 1 {
		return strings.Join(vals, "")
	}
	return strings.Join(vals[:len(vals)-1], ", ") + " or " + vals[len(vals)-1]
}

func familyName(f string) string {
	switch f {
	case "gpt":
		return "GPT"
	case "":
		return f
	}
	return strings.ToUpper(f[:1]) + f[1:]
}

// num reads a frame cell: cost.Number.
func num(v any) float64 { return cost.Number(v) }

func str(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

func help() *cost.ChatAnswer {
	return &cost.ChatAnswer{
		Answer: "Ask me about LLM costs in plain English: totals, breakdowns by provider, model, service or customer, " +
			"top spenders, week-over-week growth, cost per 1K tokens, token counts, budget status, forecasts, " +
			"spikes and anomalies — or ask me to set an alert.",
		Suggestions: defaultSuggestions,
		Understood:  true,
	}
}

// followUps suggests what to ask next.
func followUps(pl *plan) []string {
	switch pl.Intent {
	case intentBudget, intentForecast, intentOverBudget:
		return []string{"Why did costs spike on Tuesday?", "Which model is most expensive this month?", "Alert me if daily spend goes over $500"}
	case intentExplain, intentAnomalies:
		return []string{"Break down cost by model for the last 7 days", "Are we over budget this month?", "Alert me if costs spike"}
	case intentBreakdown, intentTop, intentGrowth:
		return []string{"And the period before?", "What's the month-over-month growth?", "Are we over budget this month?"}
	}
	return []string{"And the week before?", "Break that down by model", "Are we over budget this month?"}
}
