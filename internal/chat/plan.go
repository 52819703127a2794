package chat

import (
	"github.com/llmcost/llmcost/internal/cost"
)

// Intents: what a question asks for.
const (
	intentTotal      = "total"       // Sum of cost.
	intentTokens     = "tokens"      // Sum of tokens.
	intentRequests   = "requests"    // Sum of requests.
	intentPer1K      = "per_1k"      // Cost per 1K tokens.
	intentAverage    = "average"     // Average daily cost.
	intentBreakdown  = "breakdown"   // Cost by a dimension.
	intentTop        = "top"         // Top (or bottom) N values of a dimension.
	intentTopDay     = "top_day"     // The most expensive day.
	intentLowDay     = "low_day"     // The cheapest day.
	intentCompare    = "compare"     // A period against another.
	intentGrowth     = "growth"      // Which values of a dimension grew most.
	intentBudget     = "budget"      // Budget status and forecast.
	intentOverBudget = "over_budget" // Which customers are over budget.
	intentForecast   = "forecast"    // Month-end projection.
	intentExplain    = "explain"     // What drove a day's cost.
	intentAnomalies  = "anomalies"   // Unusual days.
	intentAlert      = "alert"       // Create an alert rule.
	intentHelp       = "help"        // What the engine can answer.
	intentShare      = "share"       // A filtered total as a share of the whole.
	intentRemaining  = "remaining"   // Budget left and days until it runs out.
	intentNextPeriod = "next_period" // Next month or quarter at the current pace.
	intentSetBudget  = "set_budget"  // Set, raise or remove a monthly budget.
	intentWeekends   = "weekends"    // Weekend days against weekdays.
	intentVsAverage  = "vs_average"  // One customer against the average customer.
)

// plan is a question turned into typed work over the query layer.
type plan struct {
	Intent string
	Metric cost.Metric
	When   when
	// Defaulted is set when the question named no period.
	Defaulted bool
	// PerRequest makes an average one per request instead of per day.
	PerRequest bool
	Against    *when // The period compared with, for intentCompare/intentGrowth.
	// Trend answers "is it growing?": the month comparison plus the direction
	// of the last 4 complete weeks.
	Trend bool
	// Replaced names the filters a follow-up dropped for the value it named
	// ("and Gemini?" after AWS), shown in the interpretation line.
	Replaced []entity
	GroupBy  cost.Dimension
	N        int
	Asc      bool // Bottom-N / cheapest instead of top-N.
	Filters  []entity
	Alert    *cost.AlertRule
	Budget   *budgetAction // For intentSetBudget.
	// Beyond is set when a customer asked about other customers or all of them;
	// the answer covers only its own data and says so.
	Beyond bool
}

// filters turns the plan's entities into query filters, one per dimension.
func (p *plan) filters() []cost.Filter {
	var out []cost.Filter
	byDim := map[cost.Dimension]int{}
	for _, e := range p.Filters {
		vals := []string{e.Value}
		if e.Op == cost.OpIn {
			vals = e.Set
		}
		if i, ok := byDim[e.Dim]; ok && e.Op != cost.OpPrefix && out[i].Op != cost.OpPrefix {
			f := &out[i]
			f.Op = cost.OpIn
			for _, v := range vals {
				if !contains(f.Values, v) {
					f.Values = append(f.Values, v)
				}
			}
			continue
		}
		op := e.Op
		if op == cost.OpEq && len(vals) > 1 {
			op = cost.OpIn
		}
		byDim[e.Dim] = len(out)
		out = append(out, cost.Filter{Dimension: e.Dim, Op: op, Values: vals})
	}
	return out
}

// customerID returns the customer the plan is narrowed to, if exactly one.
func (p *plan) customerID() string {
	id := ""
	for _, e := range p.Filters {
		if e.Dim == cost.DimCustomer {
			if id != "" && id != e.Value {
				return ""
			}
			id = e.Value
		}
	}
	return id
}

// namesCustomer reports whether the plan filters by customer, the unattributed
// slice included.
func (p *plan) namesCustomer() bool {
	for _, e := range p.Filters {
		if e.Dim == cost.DimCustomer {
			return true
		}
	}
	return false
}

// without returns the plan's entities except those of dimension d.
func (p *plan) without(d cost.Dimension) []entity {
	var out []entity
	for _, e := range p.Filters {
		if e.Dim != d {
			out = append(out, e)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
