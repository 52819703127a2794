package sqlbuild

import (
	"fmt"
	"slices"
	"strings"

	"github.com/llmcost/llmcost/internal/cost"
)

// maxSplitValues is the most values of an IN filter the DuckDB dialect reads
// as one equality per value.
const maxSplitValues = 8

// from returns the FROM clause over the query's lines, binding its values. On
// an engine that pushes only single-value comparisons into its scan (DuckDB:
// an IN list of bound values is tested on every line, costing more than no
// filter), an IN filter of a few values reads each value's lines under its own
// equality, the parts joined by UNION ALL; the values are distinct, so no line
// is read twice.
func (b *builder) from() (string, error) {
	i, values := b.splitFilter()
	if i < 0 {
		where, err := b.where(-1, "")
		if err != nil || where == "" {
			return " FROM " + b.d.Table, err
		}
		return " FROM " + b.d.Table + " WHERE " + where, nil
	}
	parts := make([]string, len(values))
	for j, v := range values {
		where, err := b.where(i, v)
		if err != nil {
			return "", err
		}
		parts[j] = "SELECT * FROM " + b.d.Table + " WHERE " + where
	}
	return " FROM (" + strings.Join(parts, " UNION ALL ") + ")", nil
}

// splitFilter returns the index and distinct values of the first filter from
// reads value by value, or -1.
func (b *builder) splitFilter() (int, []string) {
	if !b.d.splitIn {
		return -1, nil
	}
	for i, f := range b.q.Filters {
		if f.Op != cost.OpIn || f.Dimension.IsTime() {
			continue
		}
		if _, ok := b.d.dimensionSQL(f.Dimension); !ok {
			continue
		}
		var vs []string
		for _, v := range f.Values {
			if !slices.Contains(vs, v) {
				vs = append(vs, v)
			}
		}
		if len(vs) >= 2 && len(vs) <= maxSplitValues {
			return i, vs
		}
	}
	return -1, nil
}

// where returns the WHERE conditions: the date range, then each filter; with
// split >= 0, filter split is replaced by an equality to value.
func (b *builder) where(split int, value string) (string, error) {
	var conds []string
	if b.d.Where != "" {
		conds = append(conds, b.d.Where)
	}
	switch {
	case !b.q.From.IsZero() && !b.q.To.IsZero():
		conds = append(conds, fmt.Sprintf("date BETWEEN %s AND %s", b.d.date("?"), b.d.date("?")))
		b.args = append(b.args, b.q.From.Format(cost.DateLayout), b.q.To.Format(cost.DateLayout))
	case !b.q.From.IsZero():
		conds = append(conds, "date >= "+b.d.date("?"))
		b.args = append(b.args, b.q.From.Format(cost.DateLayout))
	case !b.q.To.IsZero():
		conds = append(conds, "date <= "+b.d.date("?"))
		b.args = append(b.args, b.q.To.Format(cost.DateLayout))
	}
	for i, f := range b.q.Filters {
		if i == split {
			f = cost.Filter{Dimension: f.Dimension, Op: cost.OpEq, Values: []string{value}}
		}
		c, err := b.filter(f)
		if err != nil {
			return "", prefixField(fmt.Sprintf("filters[%d]", i), err)
		}
		conds = append(conds, c)
	}
	if unpricedOnly(b.q) {
		conds = append(conds, b.d.isTrue("unpriced"))
	}
	return strings.Join(conds, " AND "), nil
}

// unpricedOnly reports whether q asks only for unpriced tokens and keeps only
// groups with some (unpriced_tokens > a threshold of at least 0): then lines
// that are priced add nothing to any group it returns, and reading unpriced
// lines alone gives the same answer while the engine skips every block of
// priced lines by its statistics.
func unpricedOnly(q *cost.AggregateQuery) bool {
	for _, m := range q.Metrics {
		if m != cost.MetricUnpricedTokens {
			return false
		}
	}
	positive := false
	for _, h := range q.Having {
		if h.Metric != cost.MetricUnpricedTokens {
			return false
		}
		positive = positive || (h.Op == "gt" && h.Value >= 0) || (h.Op == "gte" && h.Value > 0)
	}
	return positive && len(q.Metrics) > 0
}

// filter compiles one filter, binding its values.
func (b *builder) filter(f cost.Filter) (string, error) {
	col, ok := b.d.dimensionSQL(f.Dimension)
	if !ok {
		return "", cost.FieldErrorf("dimension", "Unknown dimension %q.", f.Dimension)
	}
	param := "?"
	if f.Dimension.IsTime() {
		for _, v := range f.Values {
			if _, err := cost.ParseDate(v); err != nil {
				return "", cost.FieldErrorf("values", "%q is not a YYYY-MM-DD date.", v)
			}
		}
		param = b.d.date("?")
	}
	switch f.Op {
	case cost.OpEq:
		if len(f.Values) != 1 {
			return "", cost.FieldErrorf("values", "Operator %q takes exactly one value.", f.Op)
		}
		b.args = append(b.args, f.Values[0])
		return col + " = " + param, nil
	case cost.OpIn, cost.OpNotIn:
		if len(f.Values) == 0 {
			return "", cost.FieldErrorf("values", "Operator %q takes at least one value.", f.Op)
		}
		ps := make([]string, len(f.Values))
		for i, v := range f.Values {
			ps[i] = param
			b.args = append(b.args, v)
		}
		if f.Op == cost.OpIn {
			return col + " IN (" + strings.Join(ps, ", ") + ")", nil
		}
		if len(f.Values) == 1 && f.Values[0] == "" && !f.Dimension.IsTime() {
			b.args = b.args[:len(b.args)-1]
			return col + " <> ''", nil
		}
		// One inequality per value: DuckDB filters a scan by each far faster
		// than by NOT IN, and the columns are never NULL, so both mean the same.
		conds := make([]string, len(ps))
		for i, p := range ps {
			conds[i] = col + " <> " + p
		}
		return "(" + strings.Join(conds, " AND ") + ")", nil
	case cost.OpPrefix:
		if len(f.Values) != 1 {
			return "", cost.FieldErrorf("values", "Operator %q takes exactly one value.", f.Op)
		}
		if f.Dimension.IsTime() {
			return "", cost.FieldErrorf("op", "Operator %q does not apply to dates.", f.Op)
		}
		cond, arg := b.d.prefix(col, f.Values[0])
		b.args = append(b.args, arg)
		return cond, nil
	}
	return "", cost.FieldErrorf("op", "Unknown operator %q; use eq, in, not_in or prefix.", f.Op)
}

var havingOps = map[string]string{"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}

// having returns the HAVING conditions, binding their thresholds.
func (b *builder) having() string {
	var conds []string
	for _, h := range b.q.Having {
		e, ok1 := b.metricExpr(h.Metric)
		op, ok2 := havingOps[h.Op]
		if !ok1 || !ok2 {
			continue
		}
		conds = append(conds, e+" "+op+" ?")
		b.args = append(b.args, h.Value)
	}
	return strings.Join(conds, " AND ")
}

// checkHaving reports the first malformed having clause.
func checkHaving(q *cost.AggregateQuery) error {
	for i, h := range q.Having {
		field := fmt.Sprintf("having[%d]", i)
		if !slices.Contains(cost.AllMetrics, h.Metric) {
			return cost.FieldErrorf(field+".metric", "Unknown metric %q.", h.Metric)
		}
		if _, ok := havingOps[h.Op]; !ok {
			return cost.FieldErrorf(field+".op", "Unknown operator %q; use gt, gte, lt or lte.", h.Op)
		}
	}
	return nil
}

// orderBy returns the ORDER BY list: the requested orders, then every group-by
// dimension not already named, ascending, so results are deterministic.
func (b *builder) orderBy() (string, error) {
	var terms []string
	named := map[string]bool{}
	for i, o := range b.q.OrderBy {
		if !slices.Contains(b.q.Metrics, cost.Metric(o.By)) && !slices.Contains(b.q.GroupBy, cost.Dimension(o.By)) {
			return "", cost.FieldErrorf(fmt.Sprintf("order_by[%d].by", i),
				"Cannot order by %q: it is neither a requested metric nor a group-by dimension.", o.By)
		}
		if named[o.By] {
			continue
		}
		named[o.By] = true
		t := b.d.quote(o.By)
		if o.Desc {
			t += " DESC"
		}
		terms = append(terms, t)
	}
	for _, dim := range b.q.GroupBy {
		if !named[string(dim)] {
			terms = append(terms, b.d.quote(string(dim)))
		}
	}
	return strings.Join(terms, ", "), nil
}

// prefixField qualifies the field of a *cost.Error with prefix.
func prefixField(prefix string, err error) error {
	e, ok := err.(*cost.Error)
	if !ok {
		return err
	}
	c := *e
	if c.Field != "" {
		c.Field = prefix + "." + c.Field
	} else {
		c.Field = prefix
	}
	return &c
}
