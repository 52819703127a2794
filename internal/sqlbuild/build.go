package sqlbuild

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/llmcost/llmcost/internal/cost"
)

const tokenLine = "token_type <> ''"

// metricSQL returns the aggregate expression of a line metric over the rows of a
// group, or false if unknown or daily. Sums are 0 over no rows;
// cost_per_1k_tokens is NULL without tokens, and list_cost_usd is NULL when no
// line has a list cost. With tokenOnly, every row is known to be a token line.
func (d Dialect) metricSQL(m cost.Metric, tokenOnly bool) (string, bool) {
	zero := func(e string) string { return d.coalesce + "(" + e + ", 0)" }
	tok := func(e string) string {
		if tokenOnly {
			return d.sum + "(" + e + ")"
		}
		return d.sumIf(e, tokenLine)
	}
	var e string
	switch m {
	case cost.MetricCost:
		e = zero(d.sum + "(cost_usd)")
	case cost.MetricTokens:
		e = zero(tok("usage_amount"))
	case cost.MetricCostPer1K:
		e = fmt.Sprintf("%s / %s(%s, 0) * 1000", tok("cost_usd"), d.nullIf, tok("usage_amount"))
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

// Per-day partial aggregates of the two-level form, which a query takes when it
// asks for a daily metric: the inner level groups by the dimensions and the day,
// the outer level by the dimensions, aggregating the partials.
const (
	pCost = iota
	pTokens
	pTokenCost
	pCustomers
	pRequests
	pUnpriced
	pList
	nPartials
)

// partialSQL returns the inner-level expression of a partial.
func (d Dialect) partialSQL(p int, tokenOnly bool) string {
	tok := func(e string) string {
		if tokenOnly {
			return d.sum + "(" + e + ")"
		}
		return d.sumIf(e, tokenLine)
	}
	switch p {
	case pCost:
		return d.sum + "(cost_usd)"
	case pTokens:
		return tok("usage_amount")
	case pTokenCost:
		return tok("cost_usd")
	case pCustomers:
		return d.custSet
	case pRequests:
		return d.sum + "(requests)"
	case pUnpriced:
		return d.sumIf("usage_amount", d.isTrue("unpriced"))
	default:
		return d.sum + "(list_cost_usd)"
	}
}

// dailySQL returns the outer-level expression of a metric over the per-day
// partials (column pN for partial N) and the partials it reads, or false if unknown.
func (d Dialect) dailySQL(m cost.Metric) (string, []int, bool) {
	zero := func(e string) string { return d.coalesce + "(" + e + ", 0)" }
	sum := func(p int) string { return fmt.Sprintf("%s(p%d)", d.sum, p) }
	var e string
	var ps []int
	switch m {
	case cost.MetricCost:
		e, ps = zero(sum(pCost)), []int{pCost}
	case cost.MetricTokens:
		e, ps = zero(sum(pTokens)), []int{pTokens}
	case cost.MetricCostPer1K:
		e = fmt.Sprintf("%s / %s(%s, 0) * 1000", sum(pTokenCost), d.nullIf, sum(pTokens))
		ps = []int{pTokenCost, pTokens}
	case cost.MetricActiveCustomers:
		e, ps = d.custCount(fmt.Sprintf("p%d", pCustomers)), []int{pCustomers}
	case cost.MetricActiveDays:
		e = "count(*)"
	case cost.MetricRequests:
		e, ps = zero(sum(pRequests)), []int{pRequests}
	case cost.MetricUnpricedTokens:
		e, ps = zero(sum(pUnpriced)), []int{pUnpriced}
	case cost.MetricListCost:
		e, ps = sum(pList), []int{pList}
	case cost.MetricDailyCostAvg:
		e, ps = fmt.Sprintf("%s / %s(count(*), 0)", sum(pCost), d.nullIf), []int{pCost}
	case cost.MetricDailyCostStdDev:
		e, ps = d.dailyStdDev(fmt.Sprintf("p%d", pCost)), []int{pCost}
	default:
		return "", nil, false
	}
	return d.toNumber(e), ps, true
}

// tokenLinesOnly reports whether q's filters admit only token lines
// (token_type <> ”), so token metrics need no condition of their own.
func tokenLinesOnly(q *cost.AggregateQuery) bool {
	for _, f := range q.Filters {
		if f.Dimension != cost.DimTokenType || len(f.Values) == 0 {
			continue
		}
		switch f.Op {
		case cost.OpNotIn:
			if slices.Contains(f.Values, "") {
				return true
			}
		case cost.OpEq, cost.OpIn:
			if !slices.Contains(f.Values, "") {
				return true
			}
		case cost.OpPrefix:
			if len(f.Values) == 1 && f.Values[0] != "" {
				return true
			}
		}
	}
	return false
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
	// tokenOnly: the filters admit token lines only.
	tokenOnly bool
	// daily: the query takes the two-level form over days; parts marks the
	// partials it reads.
	daily bool
	parts [nPartials]bool
	// perCustomer: the query takes the two-level form over customers, which
	// counts active customers exactly without a distinct aggregate per group.
	perCustomer bool
}

// Build compiles q for dialect d. The statement returns one column per group-by
// dimension, then one per metric, named after them; time grains are dates.
// Returns a CodeInvalid error when q names an unknown metric, dimension or operator.
func Build(d Dialect, q *cost.AggregateQuery) (query string, args []any, err error) {
	b := &builder{d: d, q: q}
	if err := b.resolve(); err != nil {
		return "", nil, err
	}
	from, err := b.from()
	if err != nil {
		return "", nil, err
	}
	var inner strings.Builder
	inner.WriteString("SELECT ")
	if b.daily || b.perCustomer {
		inner.WriteString(strings.Join(b.dailySelect(from), ", "))
	} else {
		inner.WriteString(strings.Join(b.innerSelect(), ", "))
		inner.WriteString(from)
	}
	if len(b.dims) > 0 {
		if b.daily || b.perCustomer {
			var keys []string
			for i := range b.dims {
				keys = append(keys, fmt.Sprintf("d%d", i))
			}
			inner.WriteString(" GROUP BY " + strings.Join(keys, ", "))
		} else {
			inner.WriteString(" GROUP BY " + strings.Join(b.dims, ", "))
		}
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
	if err := checkHaving(b.q); err != nil {
		return err
	}
	b.tokenOnly = tokenLinesOnly(b.q)
	for _, m := range b.q.Metrics {
		b.daily = b.daily || m.IsDaily()
	}
	for _, h := range b.q.Having {
		b.daily = b.daily || h.Metric.IsDaily()
	}
	b.perCustomer = !b.daily && b.d.countPerCustomer && countsCustomers(b.q)
	for i, m := range b.q.Metrics {
		e, ok := b.metricExpr(m)
		if !ok {
			return cost.FieldErrorf(fmt.Sprintf("metrics[%d]", i), "Unknown metric %q.", m)
		}
		b.mets = append(b.mets, e)
	}
	return nil
}

// metricExpr returns a metric's expression in the query's form, marking the
// partials it reads.
func (b *builder) metricExpr(m cost.Metric) (string, bool) {
	if !b.daily && !b.perCustomer {
		return b.d.metricSQL(m, b.tokenOnly)
	}
	if b.perCustomer && m == cost.MetricActiveCustomers {
		return b.d.toNumber(b.d.coalesce + "(" + b.d.sumIf("1", "dc <> ''") + ", 0)"), true
	}
	e, ps, ok := b.d.dailySQL(m)
	for _, p := range ps {
		b.parts[p] = true
	}
	return e, ok
}

// countsCustomers reports whether q counts active customers per group of other
// dimensions, with metrics that all add up over customers: then the two-level
// form over customers (inner level grouped by the dimensions and the customer,
// outer level counting the attributed customer rows and summing the partials)
// gives the exact count far cheaper than COUNT(DISTINCT) per group.
func countsCustomers(q *cost.AggregateQuery) bool {
	if slices.Contains(q.GroupBy, cost.DimCustomer) {
		return false
	}
	ms := slices.Clone(q.Metrics)
	for _, h := range q.Having {
		ms = append(ms, h.Metric)
	}
	return slices.Contains(ms, cost.MetricActiveCustomers) && !slices.Contains(ms, cost.MetricActiveDays)
}

// dailySelect lists the outer level of the two-level form: the dimensions and
// metrics over the per-day (or per-customer) subquery, which reads the lines
// of the FROM clause from.
func (b *builder) dailySelect(from string) []string {
	var cols, keys, sub []string
	for i, e := range b.dims {
		cols = append(cols, fmt.Sprintf("d%d", i))
		sub = append(sub, fmt.Sprintf("%s AS d%d", e, i))
		keys = append(keys, e)
	}
	switch {
	case b.perCustomer:
		sub = append(sub, "customer_id AS dc")
		keys = append(keys, "customer_id")
	case !slices.Contains(b.q.GroupBy, cost.DimDate):
		sub = append(sub, "date AS dd")
		keys = append(keys, "date")
	}
	for i, e := range b.mets {
		cols = append(cols, fmt.Sprintf("%s AS m%d", e, i))
	}
	for _, h := range b.q.Having { // Mark the partials HAVING reads.
		b.metricExpr(h.Metric)
	}
	for p := range nPartials {
		if b.parts[p] {
			sub = append(sub, fmt.Sprintf("%s AS p%d", b.d.partialSQL(p, b.tokenOnly), p))
		}
	}
	q := "SELECT " + strings.Join(sub, ", ") + from
	q += " GROUP BY " + strings.Join(keys, ", ")
	cols[len(cols)-1] += " FROM (" + q + ")"
	return cols
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

// BuildDistinct compiles the distinct values of dimension dim over the lines
// q's filters and dates keep (q's metrics and groupings are not read), one
// column named after dim, ordered. It reads only the columns it needs, which
// an aggregate listing values by their cost does not.
// Returns a CodeInvalid error for an unknown dimension or a malformed filter.
func BuildDistinct(d Dialect, dim cost.Dimension, q *cost.AggregateQuery) (query string, args []any, err error) {
	col, ok := d.dimensionSQL(dim)
	if !ok {
		return "", nil, cost.FieldErrorf("dimension", "Unknown dimension %q.", dim)
	}
	b := &builder{d: d, q: q}
	where, err := b.where(-1, "")
	if err != nil {
		return "", nil, err
	}
	query = "SELECT DISTINCT " + col + " AS " + d.quote(string(dim)) + " FROM " + d.Table
	if where != "" {
		query += " WHERE " + where
	}
	return query + " ORDER BY " + d.quote(string(dim)), b.args, nil
}
