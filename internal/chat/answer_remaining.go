package chat

import (
	"context"
	"fmt"

	"github.com/llmcost/llmcost/internal/analysis"
	"github.com/llmcost/llmcost/internal/cost"
)

// remaining answers "how much budget is left" and "when do we run out": the
// budget less month-to-date spend, and the day the current pace exhausts it.
func (e *Engine) remaining(ctx context.Context, p cost.Principal, pl *plan, v *vocab) (*cost.ChatAnswer, error) {
	id := scopeCustomer(p, pl)
	// One forecast gives both the status and the pace (BudgetStatus would read
	// the same daily series again).
	fc, err := e.query.Forecast(ctx, p, id)
	if err != nil {
		return nil, err
	}
	bs := analysis.BudgetStatus(analysis.BudgetInput{CustomerID: id, Today: e.query.Now(), Budget: fc.Budget,
		Spent: fc.MonthToDate, Projected: fc.Projected})
	r := bs.Range
	f := &cost.Frame{Columns: []string{"metric", "value"}, Types: []string{cost.TypeString, cost.TypeNumber},
		Rows: [][]any{{"budget", bs.Budget}, {"spent", bs.Spent}, {"remaining", bs.Budget - bs.Spent}}}
	ans := &cost.ChatAnswer{Data: f, Period: &r}
	month := r.From.Format("January 2006")
	if !bs.HasBudget {
		ans.Answer = fmt.Sprintf("No monthly budget is set for %s spend, so nothing is counted down. %s spent %s in %s so far.",
			owner(p, pl, v), subject(p, pl, v), money(bs.Spent), month)
		return ans, nil
	}
	left := bs.Budget - bs.Spent
	whose := owner(p, pl, v)
	text := fmt.Sprintf("%s is left of %s %s monthly budget for %s (%s spent, %s used, %d days to go).",
		money(max(left, 0)), whose, money(bs.Budget), month, money(bs.Spent), percent(pct(bs.PercentUsed)), bs.DaysRemaining)
	if left < 0 {
		text = fmt.Sprintf("Nothing is left: %s %s monthly budget for %s is overspent by %s (%s spent).",
			whose, money(bs.Budget), month, money(-left), money(bs.Spent))
	}
	switch {
	case left > 0 && fc.DaysUntilExhausted != nil && !fc.ExhaustedOn.IsZero():
		text += fmt.Sprintf(" At the current pace it runs out in %d days, on %s.", *fc.DaysUntilExhausted, dayLabel(fc.ExhaustedOn))
	case left > 0:
		text += fmt.Sprintf(" At the current pace it lasts the month, ending at about %s.", money(fc.Projected))
	}
	ans.Answer = text
	return ans, nil
}

// setBudget sets or removes a monthly budget, as PUT and DELETE
// /api/v1/budgets/{customer_id} do: admins only, validated the same way.
func (e *Engine) setBudget(ctx context.Context, p cost.Principal, pl *plan, v *vocab) (*cost.ChatAnswer, error) {
	if !p.Admin || p.IsCustomer() {
		return &cost.ChatAnswer{Answer: "Only an administrator can change budgets. I can tell you how much of yours is left."}, nil
	}
	if e.store == nil {
		return &cost.ChatAnswer{Answer: "Budgets cannot be changed from chat on this server; use the budgets API."}, nil
	}
	act := pl.Budget
	id := pl.customerID()
	if id == "" && !act.Org {
		return &cost.ChatAnswer{Answer: "Whose budget? Name a customer, or say “the org budget” for the organisation's."}, nil
	}
	whose := "the organisation's"
	if id != "" {
		whose = customerLabel(id, v) + "'s"
	}
	old, err := e.store.Budget(ctx, id)
	had := err == nil
	if err != nil && cost.ErrorCode(err) != cost.CodeNotFound {
		return nil, err
	}
	was := "none was set before"
	if had {
		was = "it was " + money(old.MonthlyUSD)
	}
	if act.Remove {
		if !had {
			return &cost.ChatAnswer{Answer: fmt.Sprintf("No monthly budget is set for %s spend; nothing was removed.", whose)}, nil
		}
		if err := e.store.DeleteBudget(ctx, id); err != nil {
			return nil, err
		}
		return &cost.ChatAnswer{Answer: fmt.Sprintf("Done: removed %s monthly budget (%s).", whose, was)}, nil
	}
	amount := act.Amount
	if act.By {
		if !had {
			return &cost.ChatAnswer{Answer: fmt.Sprintf("No monthly budget is set for %s spend to change by %s; set one first.", whose, money(act.Amount))}, nil
		}
		amount += old.MonthlyUSD
	}
	if had && (act.Way > 0 && amount < old.MonthlyUSD || act.Way < 0 && amount > old.MonthlyUSD) {
		// "Increase Acme's budget to $6,000" when it is $34,000: the words and
		// the amount disagree, so nothing is changed.
		return &cost.ChatAnswer{Answer: fmt.Sprintf("That would %s %s monthly budget from %s to %s, not %s it; nothing was changed. "+
			"Say “set” to give it that amount.", pick(amount < old.MonthlyUSD, "lower", "raise"), whose, money(old.MonthlyUSD),
			money(amount), pick(act.Way > 0, "raise", "lower"))}, nil
	}
	b := cost.Budget{CustomerID: id, MonthlyUSD: amount}
	if err := b.Validate(); err != nil {
		return nil, err
	}
	b.UpdatedAt = e.query.Now().UTC()
	if err := e.store.SetBudget(ctx, b); err != nil {
		return nil, err
	}
	f := &cost.Frame{Columns: []string{"customer_id", "monthly_usd"}, Types: []string{cost.TypeString, cost.TypeNumber},
		Rows: [][]any{{budgetRowID(id), b.MonthlyUSD}}}
	return &cost.ChatAnswer{Answer: fmt.Sprintf("Done: %s monthly budget is now %s (%s).", whose, money(b.MonthlyUSD), was), Data: f}, nil
}

// budgetAction is what "set/raise/remove the budget" asks to do.
type budgetAction struct {
	Amount float64
	Remove bool
	By     bool // Amount is added to the current budget ("raise by $500").
	Org    bool // The organisation's budget was named.
	// Way is +1 when the asker said to raise it, -1 to lower it, 0 to set it.
	Way int
}

func budgetRowID(id string) string {
	if id == "" {
		return orgBudgetID
	}
	return id
}
