package chat

import (
	"context"
	"fmt"
	"strings"

	"github.com/llmcost/llmcost/internal/cost"
)

// buildAlert turns "alert me if daily spend goes over $500" or "alert me if costs
// spike" into a rule scoped to the asker. It returns nil when no amount, spike or
// budget condition was given.
func buildAlert(p *parsed, pl *plan, pr cost.Principal) *cost.AlertRule {
	r := &cost.AlertRule{Enabled: true, CreatedBy: pr.String(), Filters: nonCustomerFilters(pl)}
	if pr.IsCustomer() {
		r.CustomerID = pr.CustomerID
	} else {
		r.CustomerID = pl.customerID()
	}
	scope := scopeText(pl)
	switch {
	case p.has("remove", "delete", "cancel", "disable", "stop") && !p.has("spend", "spent", "spending", "costs", "cost"):
		r.Kind = "remove"
	case p.has("spike", "spikes", "spiked", "anomaly", "anomalies", "unusual", "jump", "jumps", "abnormal", "surge", "surges"):
		r.Kind, r.Name = "anomaly", "Cost spike"+scope
		if pl.GroupBy == cost.DimCustomer || pl.GroupBy == cost.DimModel {
			r.GroupBy = string(pl.GroupBy)
		}
	case p.has("budget", "budgets"):
		r.Kind, r.Threshold = "budget", 100
		if p.percent > 0 {
			r.Threshold = p.percent
		}
		r.Name = fmt.Sprintf("Budget %s used", percent(r.Threshold/100))
	case p.money > 0:
		r.Kind, r.Threshold, r.Window = "threshold", p.money, "day"
		grain := "Daily"
		switch {
		case p.has("weekly", "week"):
			r.Window, grain = "week", "Weekly"
		case p.has("monthly", "month") || p.phrase("this month"):
			r.Window, grain = "month_to_date", "Month-to-date"
		}
		r.Name = fmt.Sprintf("%s spend%s over %s", grain, scope, money(r.Threshold))
	default:
		return nil
	}
	return r
}

func (e *Engine) alert(ctx context.Context, p cost.Principal, pl *plan, v *vocab) (*cost.ChatAnswer, error) {
	if pl.Alert != nil && pl.Alert.Kind == "remove" {
		return &cost.ChatAnswer{Answer: "I can create alerts but not remove them; manage existing alert rules in the alerts settings or the API."}, nil
	}
	if pl.Alert == nil {
		return &cost.ChatAnswer{Answer: "Tell me when to alert you, for example:",
			Suggestions: []string{"Alert me if daily spend goes over $500", "Alert me if costs spike",
				"Alert me when we reach 80% of the budget"}}, nil
	}
	if e.store == nil {
		return &cost.ChatAnswer{Answer: "Alerts are not available on this server."}, nil
	}
	rule := *pl.Alert
	if err := e.saveRule(ctx, p, &rule); err != nil {
		return nil, err
	}
	var cond string
	switch rule.Kind {
	case "anomaly":
		cond = "costs" + scopeText(pl) + " spike above their expected range"
	case "budget":
		cond = fmt.Sprintf("%s of the monthly budget is used", percent(rule.Threshold/100))
	default:
		cond = strings.Replace(strings.ToLower(rule.Name[:1])+rule.Name[1:], " over ", " goes over ", 1)
	}
	whose := ""
	if rule.CustomerID != "" && !p.IsCustomer() {
		whose = " for " + customerLabel(rule.CustomerID, v)
	}
	f := &cost.Frame{Columns: []string{"id", "name", "kind", "window", "threshold"},
		Types: []string{cost.TypeString, cost.TypeString, cost.TypeString, cost.TypeString, cost.TypeNumber},
		Rows:  [][]any{{rule.ID, rule.Name, rule.Kind, rule.Window, rule.Threshold}}}
	return &cost.ChatAnswer{Answer: fmt.Sprintf("Saved the alert “%s”%s: you'll be notified when %s.", rule.Name, whose, cond),
		Data: f, Suggestions: []string{"Are we over budget this month?", "Alert me if costs spike", "How much did we spend yesterday?"}}, nil
}

// saveRule saves a rule through the alert service when there is one, so a
// customer's quota and the rule checks apply as they do over the API.
func (e *Engine) saveRule(ctx context.Context, p cost.Principal, r *cost.AlertRule) error {
	if e.alerts != nil {
		return e.alerts.SaveRule(ctx, p, r)
	}
	return e.store.SaveAlertRule(ctx, r)
}
