package analysis

import (
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// BudgetInput is what BudgetStatus compares.
type BudgetInput struct {
	CustomerID string
	Today      time.Time
	Budget     *float64 // Monthly USD; nil when none is set.
	Spent      float64  // Month to date, including Today so far.
	Projected  float64  // Month-end projection (see ForecastMonth).
}

// BudgetStatus compares month-to-date spend with the monthly budget: percent used,
// the days elapsed (complete days before Today) and remaining (Today to month end),
// and the projected overrun max(0, projected − budget). Without a budget only the
// spend and projection are filled.
func BudgetStatus(in BudgetInput) cost.BudgetStatus {
	today := cost.Day(in.Today)
	ms, me := cost.MonthStart(today), cost.MonthEnd(today)
	s := cost.BudgetStatus{CustomerID: in.CustomerID, Month: today.Format("2006-01"),
		Spent: in.Spent, Projected: in.Projected, Range: cost.DateRange{From: ms, To: today},
		DaysElapsed: int(today.Sub(ms).Hours() / 24), DaysRemaining: int(me.Sub(today).Hours()/24) + 1}
	if in.Budget == nil {
		return s
	}
	s.HasBudget, s.Budget = true, *in.Budget
	if s.Budget > 0 {
		s.PercentUsed = 100 * s.Spent / s.Budget
	}
	s.ProjectedOverrun = max(0, s.Projected-s.Budget)
	s.OverBudget = s.Spent > s.Budget
	s.ForecastOver = s.Projected > s.Budget
	return s
}
