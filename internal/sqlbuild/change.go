package sqlbuild

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/llmcost/llmcost/internal/cost"
)

// ChangeColumns are the names and cost.Frame types of a change query's columns.
var ChangeColumns = [][]string{
	{"grouping", "value0", "value1", "current", "baseline"},
	{cost.TypeNumber, cost.TypeString, cost.TypeString, cost.TypeNumber, cost.TypeNumber},
}

// BuildChange compiles q for dialect d: one branch per grouping, its groups
// ranked by change and cut to the grouping's limit inside the engine, joined by
// UNION ALL. With grouping sets (DuckDB) every grouping reads one shared scan of
// the lines; otherwise each branch scans them itself.
// Returns a CodeInvalid error for a malformed query.
func BuildChange(d Dialect, q *cost.ChangeQuery) (string, []any, error) {
	if err := checkChange(q); err != nil {
		return "", nil, err
	}
	b := &builder{d: d, q: &cost.AggregateQuery{Filters: q.Filters, From: q.Baseline.From, To: q.Current.To}}
	from, err := b.from()
	if err != nil {
		return "", nil, err
	}
	c := changeBuilder{d: d, q: q, src: from, srcArgs: b.args}
	if d.groupingSets {
		return c.shared()
	}
	return c.separate()
}

// changeBuilder assembles one change statement.
type changeBuilder struct {
	d       Dialect
	q       *cost.ChangeQuery
	src     string // The FROM clause over the query's lines.
	srcArgs []any
	args    []any
}

// sums returns the current and baseline cost aggregates, binding their ranges.
func (c *changeBuilder) sums() string {
	sum := func(r cost.DateRange, alias string) string {
		c.args = append(c.args, r.From.Format(cost.DateLayout), r.To.Format(cost.DateLayout))
		cond := fmt.Sprintf("date BETWEEN %s AND %s", c.d.date("?"), c.d.date("?"))
		return c.d.toNumber(fmt.Sprintf("%s(%s, 0)", c.d.coalesce, c.d.sumIf("cost_usd", cond))) + " AS " + alias
	}
	return sum(c.q.Current, "cur") + ", " + sum(c.q.Baseline, "base")
}

// from returns the FROM clause reading the query's lines, binding its values.
func (c *changeBuilder) from() string {
	c.args = append(c.args, c.srcArgs...)
	return c.src
}

// branch selects grouping i's ranked rows from src, a relation with the
// grouping's dimension columns, cur and base.
func (c *changeBuilder) branch(i int, src string) string {
	g := c.q.Groupings[i]
	vals := []string{"''", "''"}
	for j, dim := range g.Dimensions {
		e, _ := c.d.dimensionSQL(dim)
		vals[j] = c.d.toText(e)
	}
	change := "(cur - base * ?)"
	order := "abs" + change + " DESC"
	switch g.Order {
	case cost.ChangeRise:
		order = change + " DESC"
	case cost.ChangeFall:
		order = change + " ASC"
	}
	s := fmt.Sprintf("SELECT %s AS %s, %s AS value0, %s AS value1, cur AS %s, base AS %s FROM %s ORDER BY %s, value0, value1",
		c.d.toInt(strconv.Itoa(i)), c.d.quote("grouping"), vals[0], vals[1], c.d.quote("current"), c.d.quote("baseline"), src, order)
	c.args = append(c.args, c.q.Scale)
	if g.Limit > 0 {
		s += " LIMIT " + strconv.Itoa(g.Limit)
	}
	return "SELECT * FROM (" + s + ")"
}

// separate scans the lines once per widest grouping (an engine without grouping
// sets or CTEs), fanning each scanned group out with ARRAY JOIN to every
// grouping it includes, which are summed and ranked together: each keeps
// the largest limit among the groupings sharing its scan (a grouping without
// dimensions has one row).
func (c *changeBuilder) separate() (string, []any, error) {
	var sets [][]cost.Dimension
	for _, g := range c.q.Groupings {
		if cover(sets, g.Dimensions) < 0 {
			sets = slices.DeleteFunc(sets, func(s []cost.Dimension) bool { return includes(g.Dimensions, s) })
			sets = append(sets, g.Dimensions)
		}
	}
	members := make([][]int, len(sets))
	for i, g := range c.q.Groupings {
		k := cover(sets, g.Dimensions)
		members[k] = append(members[k], i)
	}
	var branches []string
	for k, set := range sets {
		branches = append(branches, c.fanOut(set, members[k]))
	}
	return strings.Join(branches, " UNION ALL "), c.args, nil
}

// fanOut ranks the groupings gs, all included in set, from one scan grouped by set.
func (c *changeBuilder) fanOut(set []cost.Dimension, gs []int) string {
	var keys, tuples, orders []string
	for _, dim := range set {
		e, _ := c.d.dimensionSQL(dim)
		keys = append(keys, e)
	}
	scan := "SELECT " + strings.Join(append(slices.Clone(keys), c.sums()), ", ") + c.from()
	if len(keys) > 0 {
		scan += " GROUP BY " + strings.Join(keys, ", ")
	}
	limit := 0
	for n, i := range gs {
		g := c.q.Groupings[i]
		vals := []string{"''", "''"}
		for j, dim := range g.Dimensions {
			e, _ := c.d.dimensionSQL(dim)
			vals[j] = c.d.toText(e)
		}
		tuples = append(tuples, fmt.Sprintf("(%s, %s, %s)", c.d.toInt(strconv.Itoa(i)), vals[0], vals[1]))
		rank := "-abs(cur - base * ?)"
		switch g.Order {
		case cost.ChangeRise:
			rank = "-(cur - base * ?)"
		case cost.ChangeFall:
			rank = "(cur - base * ?)"
		}
		if n < len(gs)-1 {
			rank = fmt.Sprintf("g = %d, %s", i, rank)
		}
		orders = append(orders, rank)
		c.args = append(c.args, c.q.Scale)
		switch {
		case limit < 0: // A grouping of the scan keeps all its groups.
		case len(g.Dimensions) == 0:
			limit = max(limit, 1)
		case g.Limit == 0:
			limit = -1
		default:
			limit = max(limit, g.Limit)
		}
	}
	order := orders[0]
	if len(orders) > 1 {
		order = "multiIf(" + strings.Join(orders, ", ") + ")"
	}
	q := "SELECT gk.1 AS g, gk.2 AS value0, gk.3 AS value1, sum(cur) AS cur, sum(base) AS base FROM (" + scan + ")" +
		" ARRAY JOIN [" + strings.Join(tuples, ", ") + "] AS gk GROUP BY g, value0, value1 ORDER BY g, " + order + ", value0, value1"
	if limit > 0 {
		q += " LIMIT " + strconv.Itoa(limit) + " BY g"
	}
	return fmt.Sprintf("SELECT g AS %s, value0, value1, cur AS %s, base AS %s FROM (%s)",
		c.d.quote("grouping"), c.d.quote("current"), c.d.quote("baseline"), q)
}

// shared reads the lines once, grouped by the widest groupings as grouping
// sets, and ranks each grouping from that: a grouping whose dimensions another
// one's include is summed from that one's groups, so each line is added into as
// few groups as possible.
func (c *changeBuilder) shared() (string, []any, error) {
	var all []string // Every dimension column, in first-use order.
	var sets [][]cost.Dimension
	for _, g := range c.q.Groupings {
		for _, dim := range g.Dimensions {
			if e, _ := c.d.dimensionSQL(dim); !slices.Contains(all, e) {
				all = append(all, e)
			}
		}
		if cover(sets, g.Dimensions) < 0 {
			sets = slices.DeleteFunc(sets, func(s []cost.Dimension) bool { return includes(g.Dimensions, s) })
			sets = append(sets, g.Dimensions)
		}
	}
	gid := "0"
	if len(all) > 0 {
		gid = "GROUPING_ID(" + strings.Join(all, ", ") + ")"
	}
	var keys []string
	for _, set := range sets {
		keys = append(keys, "("+setKey(c.d, set)+")")
	}
	cols := append([]string{gid + " AS gid"}, all...)
	cte := "WITH s AS MATERIALIZED (SELECT " + strings.Join(append(cols, c.sums()), ", ") + c.from() +
		" GROUP BY GROUPING SETS (" + strings.Join(keys, ", ") + "))"
	var branches []string
	for i, g := range c.q.Groupings {
		set := sets[cover(sets, g.Dimensions)]
		src := "s WHERE gid = " + strconv.Itoa(groupingID(c.d, all, set))
		if len(set) != len(g.Dimensions) {
			src = c.rollUp(g.Dimensions, src)
		}
		branches = append(branches, c.branch(i, src))
	}
	return cte + " " + strings.Join(branches, " UNION ALL "), c.args, nil
}

// rollUp sums the groups of src, a wider grouping, into dims.
func (c *changeBuilder) rollUp(dims []cost.Dimension, src string) string {
	var keys []string
	for _, dim := range dims {
		e, _ := c.d.dimensionSQL(dim)
		keys = append(keys, e)
	}
	sum := func(col string) string { return c.d.coalesce + "(" + c.d.sum + "(" + col + "), 0) AS " + col }
	q := "(SELECT " + strings.Join(append(slices.Clone(keys), sum("cur"), sum("base")), ", ") + " FROM " + src
	if len(keys) > 0 {
		q += " GROUP BY " + strings.Join(keys, ", ")
	}
	return q + ")"
}

// cover returns the index of the first set including every dimension of dims, or -1.
func cover(sets [][]cost.Dimension, dims []cost.Dimension) int {
	return slices.IndexFunc(sets, func(s []cost.Dimension) bool { return includes(s, dims) })
}

// includes reports whether every dimension of dims is in set.
func includes(set, dims []cost.Dimension) bool {
	for _, d := range dims {
		if !slices.Contains(set, d) {
			return false
		}
	}
	return true
}

// setKey is a grouping's columns in a canonical order, naming its grouping set.
func setKey(d Dialect, dims []cost.Dimension) string {
	var cols []string
	for _, dim := range dims {
		e, _ := d.dimensionSQL(dim)
		cols = append(cols, e)
	}
	slices.Sort(cols)
	return strings.Join(cols, ", ")
}

// groupingID is GROUPING_ID over all for a set of dims: one bit per column of
// all, the first the most significant, set when the column is not grouped.
func groupingID(d Dialect, all []string, dims []cost.Dimension) int {
	var in []string
	for _, dim := range dims {
		e, _ := d.dimensionSQL(dim)
		in = append(in, e)
	}
	id := 0
	for _, col := range all {
		id <<= 1
		if !slices.Contains(in, col) {
			id |= 1
		}
	}
	return id
}

// checkChange validates a change query.
func checkChange(q *cost.ChangeQuery) error {
	if q.Current.From.IsZero() || q.Current.To.IsZero() || q.Baseline.From.IsZero() || q.Baseline.To.IsZero() {
		return cost.FieldErrorf("range", "A change needs a current and a baseline range.")
	}
	if q.Current.From.After(q.Current.To) || q.Baseline.From.After(q.Baseline.To) || !q.Baseline.To.Before(q.Current.From) {
		return cost.FieldErrorf("range", "The baseline must end before the current range starts.")
	}
	if len(q.Groupings) == 0 {
		return cost.FieldErrorf("groupings", "At least one grouping is required.")
	}
	for i, g := range q.Groupings {
		field := fmt.Sprintf("groupings[%d]", i)
		if len(g.Dimensions) > 2 {
			return cost.FieldErrorf(field, "A grouping has at most two dimensions.")
		}
		for j, dim := range g.Dimensions {
			if _, ok := (Dialect{}).dimensionSQL(dim); !ok || dim.IsTime() || slices.Contains(g.Dimensions[:j], dim) {
				return cost.FieldErrorf(field, "Cannot rank changes by %q.", dim)
			}
		}
		if !slices.Contains([]cost.ChangeOrder{cost.ChangeLargest, cost.ChangeRise, cost.ChangeFall}, g.Order) {
			return cost.FieldErrorf(field, "Unknown order %q; use largest, rise or fall.", g.Order)
		}
		if g.Limit < 0 || g.Limit > cost.MaxLimit {
			return cost.FieldErrorf(field, "Limit must be between 0 and %d.", cost.MaxLimit)
		}
	}
	return nil
}
