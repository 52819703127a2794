package sqlbuild

import (
	"fmt"
	"strconv"

	"github.com/llmcost/llmcost/internal/cost"
)

// OutlierColumns are the names and cost.Frame types of an outlier query's columns.
var OutlierColumns = [][]string{
	{"value", "day_cost", "mean", "stddev"},
	{cost.TypeString, cost.TypeNumber, cost.TypeNumber, cost.TypeNumber},
}

// BuildOutliers compiles q for dialect d: the lines' daily cost per value of the
// dimension, then per value its cost on the day, mean and deviation, kept,
// ordered and cut inside the engine.
// Returns a CodeInvalid error for a malformed query.
func BuildOutliers(d Dialect, q *cost.OutlierQuery) (string, []any, error) {
	key, ok := d.dimensionSQL(q.By)
	switch {
	case !ok || q.By.IsTime():
		return "", nil, cost.FieldErrorf("by", "Cannot find outliers by %q.", q.By)
	case q.Baseline.From.IsZero() || q.Baseline.To.IsZero() || !q.Baseline.Contains(q.Day):
		return "", nil, cost.FieldErrorf("day", "The day must lie in the baseline.")
	case q.Limit < 0 || q.Limit > cost.MaxLimit:
		return "", nil, cost.FieldErrorf("limit", "Limit must be between 0 and %d.", cost.MaxLimit)
	}
	b := &builder{d: d, q: &cost.AggregateQuery{Filters: q.Filters, From: q.Baseline.From, To: q.Baseline.To}}
	from, err := b.from()
	if err != nil {
		return "", nil, err
	}
	day := q.Day.Format(cost.DateLayout)
	onDay := "date = " + d.date("?")
	daily := fmt.Sprintf("SELECT %s AS k, date, %s(cost_usd) AS c%s GROUP BY %s, date", key, d.sum, from, key)
	stats := fmt.Sprintf("SELECT %s AS value, %s AS day_cost, %s AS on_day, %s AS mean, %s AS sd FROM (%s) GROUP BY k",
		d.toText("k"), d.toNumber(d.sumIf("c", onDay)), d.sumIf("1", onDay), d.toNumber("avg(c)"), d.dailyStdDev("c"), daily)
	args := append([]any{day, day}, b.args...)
	s := fmt.Sprintf("SELECT value, day_cost, mean, sd AS %s FROM (%s) WHERE on_day > 0 AND mean <> 0 AND day_cost > mean + ? * sd"+
		" ORDER BY (day_cost - mean) / mean DESC, value", d.quote("stddev"), stats)
	args = append(args, q.Sigmas)
	if q.Limit > 0 {
		s += " LIMIT " + strconv.Itoa(q.Limit)
	}
	return s, args, nil
}
