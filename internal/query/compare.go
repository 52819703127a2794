package query

import (
	"math"
	"strings"

	"github.com/llmcost/llmcost/internal/cost"
)

// joinPrevious appends a "<metric>_previous" column per metric to cur, matching
// prev's rows on the group-by keys. Rows only in prev are appended (with current
// metrics 0) unless the query has a limit, which already chose the rows shown.
func joinPrevious(cur, prev cost.Frame, q cost.Query, r, pr cost.DateRange) cost.Frame {
	nd, nm := len(q.GroupBy), len(q.Metrics)
	shift := keyShifter(r, pr)
	prevRows := map[string][]any{}
	var prevOrder []string
	for _, row := range prev.Rows {
		k := rowKey(row[:nd], q.GroupBy, shift)
		if _, ok := prevRows[k]; !ok {
			prevOrder = append(prevOrder, k)
		}
		prevRows[k] = row
	}
	out := cost.Frame{Columns: append([]string(nil), cur.Columns...), Types: append([]string(nil), cur.Types...)}
	for _, m := range q.Metrics {
		out.Columns = append(out.Columns, string(m)+"_previous")
		out.Types = append(out.Types, cost.TypeNumber)
	}
	seen := map[string]bool{}
	for _, row := range cur.Rows {
		k := rowKey(row[:nd], q.GroupBy, nil)
		seen[k] = true
		nr := append(append([]any(nil), row...), make([]any, nm)...)
		for i := range nm {
			nr[nd+nm+i] = 0.0
			if pr, ok := prevRows[k]; ok {
				nr[nd+nm+i] = num(pr[nd+i])
			}
		}
		out.Rows = append(out.Rows, nr)
	}
	if q.Limit > 0 {
		return out
	}
	for _, k := range prevOrder {
		if seen[k] {
			continue
		}
		row := prevRows[k]
		nr := make([]any, nd+2*nm)
		for i, d := range q.GroupBy {
			nr[i] = row[i]
			if d.IsTime() && shift != nil {
				nr[i] = shift(d, str(row[i]))
			}
		}
		for i := range nm {
			nr[nd+i] = 0.0
			nr[nd+nm+i] = num(row[nd+i])
		}
		out.Rows = append(out.Rows, nr)
	}
	return out
}

func rowKey(keys []any, dims []cost.Dimension, shift func(cost.Dimension, string) string) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = str(k)
		if dims[i].IsTime() && shift != nil {
			parts[i] = shift(dims[i], parts[i])
		}
	}
	return strings.Join(parts, "\x00")
}

// keyShifter maps a time key of the previous range onto the current one: by
// whole months when the previous range is the same span months earlier, else by
// the days between the ranges (whole weeks for week keys).
func keyShifter(r, pr cost.DateRange) func(cost.Dimension, string) string {
	months := (r.From.Year()-pr.From.Year())*12 + int(r.From.Month()-pr.From.Month())
	byMonth := pr.From.AddDate(0, months, 0).Equal(r.From)
	days := int(math.Round(r.From.Sub(pr.From).Hours() / 24))
	return func(d cost.Dimension, v string) string {
		t, err := cost.ParseDate(v)
		if err != nil {
			return v
		}
		switch {
		case d == cost.DimMonth && byMonth:
			t = t.AddDate(0, months, 0)
		case d == cost.DimMonth:
			t = t.AddDate(0, int(math.Round(float64(days)/30.44)), 0)
		case d == cost.DimWeek:
			t = t.AddDate(0, 0, int(math.Round(float64(days)/7))*7)
		case byMonth:
			t = t.AddDate(0, months, 0)
		default:
			t = t.AddDate(0, 0, days)
		}
		return t.Format(cost.DateLayout)
	}
}
