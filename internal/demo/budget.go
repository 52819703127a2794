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
// days at the average of the last 90), and
// budgets for the first budgetedCustomers customers: the spike and drift customers
// below their month-to-date spend, the others comfortably above their projection.
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
		b := roundSig(last30[c.ID]/30*monthDays*(1.3+0.5*g.rng.Float64()), math.Ceil)
		if m := mtd[c.ID]; m > 0 && (c.ID == spikeCustomer || c.ID == driftCustomer) {
			if b = roundSig(0.9*m, math.Floor); b >= m {
				b = m / 2
			}
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
