package demo

import (
	"math"
	"slices"
	"strings"

	"github.com/llmcost/llmcost/internal/cost"
)

const (
	budgetedCustomers = 8
	typicalDays       = 90 // A typical month is 30 days at the average of the last 90.
)

// budgets sets the organisation's budget at about 1.1 times a typical month (30
// days at the average of the last 90), and budgets for the first
// budgetedCustomers customers from their run rate (the last 30 days' average
// over the month's days): the spike and drift customers at 0.85 of it, so they
// head over budget late in a month, the others comfortably above it. Every
// budget is a plausible month of the customer's spend whatever day End is; the
// customers already over (month-to-date spend above the budget) are returned.
func (g *generator) budgets(lines []cost.LineItem) ([]cost.Budget, []string) {
	monthStart := cost.MonthStart(g.o.End)
	recent, quarter := g.o.End.AddDate(0, 0, -30), g.o.End.AddDate(0, 0, -typicalDays)
	var typical float64
	mtd, last30 := map[string]float64{}, map[string]float64{}
	for _, l := range lines {
		if !l.Date.Before(quarter) {
			typical += l.CostUSD / typicalDays * 30
		}
		if !l.Date.Before(monthStart) {
			mtd[l.CustomerID] += l.CostUSD
		}
		if !l.Date.Before(recent) {
			last30[l.CustomerID] += l.CostUSD
		}
	}
	bs := []cost.Budget{{CustomerID: "", MonthlyUSD: roundSig(1.1*typical, math.Round)}}
	var over []string
	monthDays := float64(cost.MonthEnd(g.o.End).Day())
	for _, c := range g.customers[:min(budgetedCustomers, len(g.customers))] {
		runRate := last30[c.ID] / 30 * monthDays
		b := roundSig(runRate*(1.3+0.5*g.rng.Float64()), math.Ceil)
		if c.ID == spikeCustomer || c.ID == driftCustomer {
			b = roundSig(0.85*runRate, math.Floor)
		}
		if mtd[c.ID] > b {
			over = append(over, c.ID)
		}
		bs = append(bs, cost.Budget{CustomerID: c.ID, MonthlyUSD: b})
	}
	slices.SortFunc(bs, func(a, b cost.Budget) int { return strings.Compare(a.CustomerID, b.CustomerID) })
	slices.Sort(over)
	return bs, over
}

// roundSig rounds x to two significant digits with the given rounding function.
func roundSig(x float64, round func(float64) float64) float64 {
	if x <= 0 {
		return 0
	}
	e := math.Floor(math.Log10(x)) - 1
	if e >= 0 {
		p := math.Pow(10, e)
		return round(x/p) * p
	}
	p := math.Pow(10, -e)
	return round(x*p) / p
}
