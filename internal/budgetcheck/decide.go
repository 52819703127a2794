package budgetcheck

import (
	"fmt"
	"time"
)

// Decision is the answer to one budget check.
type Decision struct {
	Allowed    bool   `json:"allowed"`
	CustomerID string `json:"customer_id"`
	Month      string `json:"month"`
	// Spent is month-to-date spend: billed lines and priced events as stored,
	// plus events ingested since the last refresh.
	Spent float64 `json:"spent"`
	// Budget is the customer's monthly budget; nil when it has none.
	Budget      *float64 `json:"budget"`
	PercentUsed *float64 `json:"percent_used"`
	// Projected is the month-end forecast at the last refresh plus the spend
	// ingested since.
	Projected float64 `json:"projected"`
	Policy    *Policy `json:"policy,omitempty"`
	// Warning is set when spend has reached the policy's warning threshold.
	Warning string `json:"warning,omitempty"`
	// Reason says why a request is refused.
	Reason string `json:"reason,omitempty"`
	// RefreshedAt is when the figures were last read from the store.
	RefreshedAt time.Time `json:"refreshed_at"`
}

// figures are one customer's month in memory.
type figures struct {
	spent     float64 // From the store at the last refresh.
	projected float64 // Month-end forecast at the last refresh.
	budget    *float64
}

// decide applies a policy to one customer's figures.
func decide(id, month string, f figures, delta float64, pol Policy, at time.Time) Decision {
	d := Decision{Allowed: true, CustomerID: id, Month: month, Spent: f.spent + delta,
		Projected: max(f.projected, f.spent) + delta, RefreshedAt: at}
	if f.budget == nil {
		return d
	}
	pol = pol.normalize()
	d.Budget, d.Policy = f.budget, &pol
	budget := *f.budget
	pct := 100.0 // A $0 budget is used up from the start.
	if budget > 0 {
		pct = d.Spent / budget * 100
	}
	d.PercentUsed = &pct
	if pct >= pol.WarnPercent {
		d.Warning = fmt.Sprintf("%.1f%% of the $%.2f monthly budget is spent.", pct, budget)
	}
	if pol.Action == ActionBlock && d.Spent >= budget {
		d.Allowed = false
		d.Reason = fmt.Sprintf("Customer %s has spent $%.2f of its $%.2f monthly budget.", id, d.Spent, budget)
	}
	return d
}
