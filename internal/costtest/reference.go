package costtest

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// Expect computes, in plain Go over lines, the frame a store must return for q:
// the same columns, groups, metric values, having, order and limit. It is the
// independent oracle the suite compares stores against.
func Expect(lines []cost.LineItem, q *cost.AggregateQuery) *cost.Frame {
	groups := map[string]*acc{}
	var keys []string
	for i := range lines {
		l := &lines[i]
		if !matches(l, q) {
			continue
		}
		vals := make([]string, len(q.GroupBy))
		for j, d := range q.GroupBy {
			vals[j] = dimValue(l, d)
		}
		k := strings.Join(vals, "\x00")
		g := groups[k]
		if g == nil {
			g = &acc{dims: vals, customers: map[string]bool{}, days: map[time.Time]bool{}, dayCost: map[time.Time]float64{}}
			groups[k] = g
			keys = append(keys, k)
		}
		g.add(l)
	}
	if len(q.GroupBy) == 0 && len(groups) == 0 {
		groups[""] = &acc{customers: map[string]bool{}, days: map[time.Time]bool{}, dayCost: map[time.Time]float64{}}
		keys = append(keys, "")
	}
	f := &cost.Frame{Rows: [][]any{}}
	for _, d := range q.GroupBy {
		f.Columns = append(f.Columns, string(d))
		f.Types = append(f.Types, map[bool]string{true: cost.TypeDate, false: cost.TypeString}[d.IsTime()])
	}
	for _, m := range q.Metrics {
		f.Columns = append(f.Columns, string(m))
		f.Types = append(f.Types, cost.TypeNumber)
	}
	for _, k := range keys {
		g := groups[k]
		if !g.passes(q.Having) {
			continue
		}
		row := make([]any, 0, len(f.Columns))
		for _, v := range g.dims {
			row = append(row, v)
		}
		for _, m := range q.Metrics {
			row = append(row, g.metric(m))
		}
		f.Rows = append(f.Rows, row)
	}
	sortRows(f, q)
	if q.Limit > 0 && len(f.Rows) > q.Limit {
		f.Rows = f.Rows[:q.Limit]
	}
	return f
}

// acc accumulates one group's figures.
type acc struct {
	dims                              []string
	cost, tokens, tokenCost, unpriced float64
	list                              float64
	hasList                           bool
	requests                          int64
	customers                         map[string]bool
	days                              map[time.Time]bool
	dayCost                           map[time.Time]float64
}

func (a *acc) add(l *cost.LineItem) {
	a.cost += l.CostUSD
	if l.TokenType != "" {
		a.tokens += l.UsageAmount
		a.tokenCost += l.CostUSD
	}
	if l.Unpriced {
		a.unpriced += l.UsageAmount
	}
	if l.ListCostUSD != nil {
		a.list += *l.ListCostUSD
		a.hasList = true
	}
	a.requests += l.Requests
	if l.CustomerID != "" {
		a.customers[l.CustomerID] = true
	}
	a.days[l.Date] = true
	a.dayCost[l.Date] += l.CostUSD
}

// metric returns a group's metric: a float64, or nil where SQL gives NULL.
func (a *acc) metric(m cost.Metric) any {
	switch m {
	case cost.MetricCost:
		return a.cost
	case cost.MetricTokens:
		return a.tokens
	case cost.MetricCostPer1K:
		if a.tokens == 0 {
			return nil
		}
		return a.tokenCost / a.tokens * 1000
	case cost.MetricActiveCustomers:
		return float64(len(a.customers))
	case cost.MetricActiveDays:
		return float64(len(a.days))
	case cost.MetricRequests:
		return float64(a.requests)
	case cost.MetricUnpricedTokens:
		return a.unpriced
	case cost.MetricListCost:
		if !a.hasList {
			return nil
		}
		return a.list
	case cost.MetricDailyCostAvg, cost.MetricDailyCostStdDev:
		n := float64(len(a.dayCost))
		if n == 0 || (m == cost.MetricDailyCostStdDev && n < 2) {
			return nil
		}
		var sum float64
		for _, c := range a.dayCost {
			sum += c
		}
		mean := sum / n
		if m == cost.MetricDailyCostAvg {
			return mean
		}
		var ss float64
		for _, c := range a.dayCost {
			ss += (c - mean) * (c - mean)
		}
		return math.Sqrt(ss / (n - 1))
	}
	panic("costtest: unknown metric " + string(m))
}

// passes applies having clauses; NULL never passes, as in SQL.
func (a *acc) passes(hs []cost.Having) bool {
	for _, h := range hs {
		v, ok := a.metric(h.Metric).(float64)
		if !ok {
			return false
		}
		switch h.Op {
		case "gt":
			ok = v > h.Value
		case "gte":
			ok = v >= h.Value
		case "lt":
			ok = v < h.Value
		case "lte":
			ok = v <= h.Value
		}
		if !ok {
			return false
		}
	}
	return true
}

// matches applies the date range and filters.
func matches(l *cost.LineItem, q *cost.AggregateQuery) bool {
	if !q.From.IsZero() && l.Date.Before(q.From) || !q.To.IsZero() && l.Date.After(q.To) {
		return false
	}
	for _, f := range q.Filters {
		v := dimValue(l, f.Dimension)
		var ok bool
		switch f.Op {
		case cost.OpEq, cost.OpIn:
			ok = slices.Contains(f.Values, v)
		case cost.OpNotIn:
			ok = !slices.Contains(f.Values, v)
		case cost.OpPrefix:
			ok = strings.HasPrefix(v, f.Values[0])
		}
		if !ok {
			return false
		}
	}
	return true
}

// dimValue returns a line's value for a dimension as the store reports it.
func dimValue(l *cost.LineItem, d cost.Dimension) string {
	switch d {
	case cost.DimDate:
		return l.Date.Format(cost.DateLayout)
	case cost.DimWeek:
		back := (int(l.Date.Weekday()) + 6) % 7
		return l.Date.AddDate(0, 0, -back).Format(cost.DateLayout)
	case cost.DimMonth:
		return time.Date(l.Date.Year(), l.Date.Month(), 1, 0, 0, 0, 0, time.UTC).Format(cost.DateLayout)
	case cost.DimCloudProvider:
		return l.CloudProvider
	case cost.DimService:
		return l.Service
	case cost.DimModel:
		return l.Model
	case cost.DimModelFamily:
		return l.ModelFamily
	case cost.DimTokenType:
		return l.TokenType
	case cost.DimCustomer:
		return l.CustomerID
	case cost.DimAccount:
		return l.AccountID
	case cost.DimProject:
		return l.Project
	case cost.DimRegion:
		return l.Region
	case cost.DimCostSource:
		return l.CostSource
	case cost.DimPricingTier:
		return l.PricingTier
	case cost.DimDataStatus:
		return l.DataStatus
	}
	panic("costtest: unknown dimension " + string(d))
}

// sortRows orders rows by the query's orders, then by every group-by dimension
// ascending; NULL sorts last either way.
func sortRows(f *cost.Frame, q *cost.AggregateQuery) {
	type key struct {
		col  int
		desc bool
	}
	var keys []key
	named := map[string]bool{}
	for _, o := range q.OrderBy {
		if !named[o.By] {
			named[o.By] = true
			keys = append(keys, key{f.Col(o.By), o.Desc})
		}
	}
	for _, d := range q.GroupBy {
		if !named[string(d)] {
			keys = append(keys, key{f.Col(string(d)), false})
		}
	}
	slices.SortStableFunc(f.Rows, func(a, b []any) int {
		for _, k := range keys {
			c := compareCell(a[k.col], b[k.col])
			if a[k.col] != nil && b[k.col] != nil && k.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
}

// compareCell compares two cells of one column; nil is greater than any value.
func compareCell(a, b any) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	switch x := a.(type) {
	case string:
		return strings.Compare(x, b.(string))
	case float64:
		return cmp.Compare(x, b.(float64))
	}
	return 0
}
