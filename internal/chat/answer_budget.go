package chat

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// orgBudgetID is how the API names the organisation's budget.
const orgBudgetID = "_org"

// scopeCustomer is the customer a budget, forecast or explanation is about: the
// principal's own for a customer, the one named for an admin, or "" (organisation).
func scopeCustomer(p cost.Principal, pl *plan) string {
	if p.IsCustomer() {
		return p.CustomerID
	}
	return pl.customerID()
}

// owner is whose budget it is: "your", "our", "Acme Inc (cust_acme)'s".
func owner(p cost.Principal, pl *plan, v *vocab) string {
	switch s := subject(p, pl, v); s {
	case "You":
		return "your"
	case "We":
		return "our"
	default:
		return s + "'s"
	}
}

func (e *Engine) budget(ctx context.Context, p cost.Principal, pl *plan, v *vocab) (*cost.ChatAnswer, error) {
	bs, err := e.query.BudgetStatus(ctx, p, scopeCustomer(p, pl))
	if err != nil {
		return nil, err
	}
	period := when{bs.Range, "this month"}
	subj := subject(p, pl, v)
	f := &cost.Frame{Columns: []string{"metric", "value"}, Types: []string{cost.TypeString, cost.TypeNumber},
		Rows: [][]any{{"spent", bs.Spent}, {"budget", bs.Budget}, {"percent_used", bs.PercentUsed}, {"projected", bs.Projected}}}
	r := bs.Range
	ans := &cost.ChatAnswer{Data: f, Period: &r, Chart: ""}
	if !bs.HasBudget {
		ans.Answer = fmt.Sprintf("No monthly budget is set for %s spend. %s spent %s %s, and the month is projected to end at about %s.",
			owner(p, pl, v), subj, money(bs.Spent), periodText(period), money(bs.Projected))
		return ans, nil
	}
	lead := "No — within budget. "
	if bs.ForecastOver {
		lead = "Not yet, but on course to exceed it. "
	}
	if bs.OverBudget {
		lead = "Yes — over budget. "
	}
	whose := owner(p, pl, v)
	if subj != "You" && subj != "We" {
		whose = "its"
	}
	text := lead + fmt.Sprintf("%s spent %s %s against %s %s monthly budget: %s used, with %d days remaining.",
		subj, money(bs.Spent), periodText(period), whose, money(bs.Budget), percent(pct(bs.PercentUsed)), bs.DaysRemaining)
	switch {
	case bs.OverBudget:
		text += fmt.Sprintf(" That's %s over budget; at this pace the month ends at about %s.", money(bs.Spent-bs.Budget), money(bs.Projected))
	case bs.ForecastOver:
		text += fmt.Sprintf(" At this pace the month ends at about %s, %s over budget.", money(bs.Projected), money(bs.ProjectedOverrun))
	default:
		text += fmt.Sprintf(" At this pace the month ends at about %s, within budget.", money(bs.Projected))
	}
	ans.Answer = text
	return ans, nil
}

// pct turns a percent_used figure into a ratio.
func pct(x float64) float64 { return x / 100 }

func (e *Engine) overBudget(ctx context.Context, p cost.Principal, pl *plan, v *vocab) (*cost.ChatAnswer, error) {
	all, err := e.query.BudgetStatuses(ctx, p)
	if err != nil {
		return nil, err
	}
	var over, soon []cost.BudgetStatus
	n := 0
	r := pl.When.Range
	f := &cost.Frame{Columns: []string{"customer_id", "budget", "spent", "percent_used", "projected", "over_budget"},
		Types: []string{cost.TypeString, cost.TypeNumber, cost.TypeNumber, cost.TypeNumber, cost.TypeNumber, cost.TypeString}}
	for _, b := range all {
		if b.CustomerID == "" || b.CustomerID == orgBudgetID || !b.HasBudget {
			continue
		}
		r = b.Range
		n++
		f.Rows = append(f.Rows, []any{b.CustomerID, b.Budget, b.Spent, b.PercentUsed, b.Projected, fmt.Sprint(b.OverBudget)})
		switch {
		case b.OverBudget:
			over = append(over, b)
		case b.ForecastOver:
			soon = append(soon, b)
		}
	}
	byUse := func(s []cost.BudgetStatus) {
		sort.Slice(s, func(i, j int) bool { return s[i].PercentUsed > s[j].PercentUsed })
	}
	byUse(over)
	byUse(soon)
	period := when{r, "this month"}
	var text string
	if len(over) == 0 {
		text = fmt.Sprintf("No customer is over budget %s; %d customers have a monthly budget.", periodText(period), n)
	} else {
		text = fmt.Sprintf("%d of %d customers with a budget %s over it %s: %s.", len(over), n, pick(len(over) == 1, "is", "are"),
			periodText(period), joinList(budgetItems(over, v, 5)))
	}
	if len(soon) > 0 {
		text += fmt.Sprintf(" %d more %s projected to exceed %s by month end: %s.", len(soon), pick(len(soon) == 1, "is", "are"),
			pick(len(soon) == 1, "its budget", "theirs"), joinList(budgetItems(soon, v, 3)))
	}
	return &cost.ChatAnswer{Answer: text, Data: f, Period: &r, Chart: "bar"}, nil
}

func budgetItems(s []cost.BudgetStatus, v *vocab, n int) []string {
	var items []string
	for i, b := range s {
		if i == n {
			items = append(items, fmt.Sprintf("%d more", len(s)-n))
			break
		}
		items = append(items, fmt.Sprintf("%s (%s of %s, %s)", customerLabel(b.CustomerID, v), money(b.Spent), money(b.Budget), percent(pct(b.PercentUsed))))
	}
	return items
}

func (e *Engine) forecast(ctx context.Context, p cost.Principal, pl *plan, v *vocab) (*cost.ChatAnswer, error) {
	fc, err := e.query.Forecast(ctx, p, scopeCustomer(p, pl))
	if err != nil {
		return nil, err
	}
	month, err := time.Parse("2006-01", fc.Month)
	if err != nil {
		month = cost.MonthStart(pl.When.Range.From)
	}
	r := cost.DateRange{From: month, To: cost.MonthEnd(month)}
	who := ""
	if s := subject(p, pl, v); s != "You" && s != "We" {
		who = " for " + s
	}
	text := fmt.Sprintf("Projected spend%s for %s is %s (likely between %s and %s), with %s spent in the first %d days and %d days left.",
		who, month.Format("January 2006"), money(fc.Projected), money(fc.Lower), money(fc.Upper), money(fc.MonthToDate),
		fc.DaysElapsed, fc.DaysRemaining)
	if fc.Budget != nil && *fc.Budget > 0 {
		text += fmt.Sprintf(" That's %s of the %s budget", percent(fc.Projected / *fc.Budget), money(*fc.Budget))
		if !fc.ExhaustedOn.IsZero() {
			text += fmt.Sprintf("; at this pace it runs out on %s", dayLabel(fc.ExhaustedOn))
		} else if fc.Projected <= *fc.Budget {
			text += "; at this pace it lasts the month"
		}
		text += "."
	}
	f := &cost.Frame{Columns: []string{"metric", "value"}, Types: []string{cost.TypeString, cost.TypeNumber},
		Rows: [][]any{{"month_to_date", fc.MonthToDate}, {"projected", fc.Projected}, {"lower", fc.Lower}, {"upper", fc.Upper}}}
	return &cost.ChatAnswer{Answer: text, Data: f, Period: &r}, nil
}
