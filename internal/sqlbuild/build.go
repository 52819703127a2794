package sqlbuild

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/llmcost/llmcost/internal/cost"
)

const tokenLine = "token_type <> ''"

// metricSQL returns the aggregate expression of a metric, or false if unknown.
// Sums are 0 over no rows; cost_per_1k_tokens is NULL without tokens, and
// list_cost_usd is NULL when no line has a list cost.
func (d Dialect) metricSQL(m cost.Metric) (string, bool) {
	zero := func(e string) string { return d.coalesce + "(" + e + ", 0)" }
	var e string
	switch m {
	case cost.MetricCost:
		e = zero(d.sum + "(cost_usd)")
	case cost.MetricTokens:
		e = zero(d.sumIf("usage_amount", tokenLine))
	case cost.MetricCostPer1K:
		e = fmt.Sprintf("%s / %s(%s, 0) * 1000",
			d.sumIf("cost_usd", tokenLine), d.nullIf, d.sumIf("usage_amount", tokenLine))
	case cost.MetricActiveCustomers:
		e = d.distinctI("customer_id", "customer_id <> ''")
	case cost.MetricActiveDays:
		e = d.distinct("date")
	case cost.MetricRequests:
		e = zero(d.sum + "(requests)")
	case cost.MetricUnpricedTokens:
		e = zero(d.sumIf("usage_amount", d.isTrue("unpriced")))
	case cost.MetricListCost:
		e = d.sum + "(list_cost_usd)"
	default:
		return "", false
	}
	return d.toNumber(e), true
}

// dimensionSQL returns the expression of a dimension, or false if unknown.
func (d Dialect) dimensionSQL(dim cost.Dimension) (string, bool) {
	switch dim {
	case cost.DimDate:
		return "date", true
	case cost.DimWeek:
		return d.week, true
	case cost.DimMonth:
		return d.month, true
	case cost.DimCloudProvider, cost.DimService, cost.DimModel, cost.DimModelFamily,
		cost.DimTokenType, cost.DimCustomer, cost.DimAccount, cost.DimProject, cost.DimRegion,
		cost.DimCostSource, cost.DimPricingTier, cost.DimDataStatus:
		// Each of these is a stored column of the same name.
		return string(dim), true
	}
	return "", false
}

// Columns returns the names and cost.Frame types of the columns a query returns:
// its group-by dimensions, then its metrics.
func Columns(q *cost.AggregateQuery) (names, types []string) {
	for _, dim := range q.GroupBy {
		names = append(names, string(dim))
		if dim.IsTime() {
			types = append(types, cost.TypeDate)
		} else {
			types = append(types, cost.TypeString)
		}
	}
	for _, m := range q.Metrics {
		names = append(names, string(m))
		types = append(types, cost.TypeNumber)
	}
	return names, types
}

// builder accumulates one statement's text and arguments.
type builder struct {
	d    Dialect
	q    *cost.AggregateQuery
	dims []string // Dimension expressions, in GroupBy order.
	mets []string // Metric expressions, in Metrics order.
	args []any
}

// Build compiles q for dialect d. The statement returns one column per group-by
// dimension, then one per metric, named after them; time grains are dates.
// Returns a CodeInvalid error when q names an unknown metric, dimension or operator.
func Build(d Dialect, q *cost.AggregateQuery) (query string, args []any, err error) {
	b := &builder{d: d, q: q}
	if err := b.resolve(); err != nil {
		return "", nil, err
	}
	var inner strings.Builder
	inner.WriteString("SELECT ")
	inner.WriteString(strings.Join(b.innerSelect(), ", "))
	inner.WriteString(" FROM " + d.Table)
	if where, err := b.where(); err != nil {
		return "", nil, err
	} else if where != "" {
		inner.WriteString(" WHERE " + where)
	}
	if len(b.dims) > 0 {
		inner.WriteString(" GROUP BY " + strings.Join(b.dims, ", "))
	}
	if having := b.having(); having != "" {
		inner.WriteString(" HAVING " + having)
	}
	outer := "SELECT " + strings.Join(b.outerSelect(), ", ") + " FROM (" + inner.String() + ")"
	order, err := b.orderBy()
	if err != nil {
		return "", nil, err
	}
	if order != "" {
		outer += " ORDER BY " + order
	}
	if q.Limit < 0 || q.Limit > cost.MaxLimit {
		return "", nil, cost.FieldErrorf("limit", "Limit must be between 0 and %d.", cost.MaxLimit)
	} else if q.Limit > 0 {
		outer += " LIMIT " + strconv.Itoa(q.Limit)
	}
	return outer, b.args, nil
}

// resolve maps every dimension and metric to its expression.
func (b *builder) resolve() error {
	if len(b.q.Metrics) == 0 {
		return cost.FieldErrorf("metrics", "At least one metric is required.")
	}
	for i, dim := range b.q.GroupBy {
		e, ok := b.d.dimensionSQL(dim)
		if !ok {
			return cost.FieldErrorf(fmt.Sprintf("group_by[%d]", i), "Unknown dimension %q.", dim)
		}
		if slices.Contains(b.q.GroupBy[:i], dim) {
			return cost.FieldErrorf(fmt.Sprintf("group_by[%d]", i), "Dimension %q is listed twice.", dim)
		}
		b.dims = append(b.dims, e)
	}
	for i, m := range b.q.Metrics {
		e, ok := b.d.metricSQL(m)
		if !ok {
			return cost.FieldErrorf(fmt.Sprintf("metrics[%d]", i), "Unknown metric %q.", m)
		}
		b.mets = append(b.mets, e)
	}
	return checkHaving(b.q)
}

// innerSelect lists the grouped expressions under positional aliases (d0…, m0…),
// so that no alias shadows a column an aggregate reads.
func (b *builder) innerSelect() []string {
	var cols []string
	for i, e := range b.dims {
		cols = append(cols, fmt.Sprintf("%s AS d%d", e, i))
	}
	for i, e := range b.mets {
		cols = append(cols, fmt.Sprintf("%s AS m%d", e, i))
	}
	return cols
}

// outerSelect renames the positional aliases to the dimension and metric names.
func (b *builder) outerSelect() []string {
	var cols []string
	for i, dim := range b.q.GroupBy {
		cols = append(cols, fmt.Sprintf("d%d AS %s", i, b.d.quote(string(dim))))
	}
	for i, m := range b.q.Metrics {
		cols = append(cols, fmt.Sprintf("m%d AS %s", i, b.d.quote(string(m))))
	}
	return cols
}
