package sqlbuild_test

import (
	"reflect"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/sqlbuild"
)

func TestBuildOutliers(t *testing.T) {
	q := cost.OutlierQuery{Baseline: cost.DateRange{From: oct1, To: oct7}, Day: oct7.AddDate(0, 0, -1), By: cost.DimCustomer,
		Filters: []cost.Filter{{Dimension: cost.DimCustomer, Op: cost.OpNotIn, Values: []string{""}}}, Sigmas: 1, Limit: 5}
	tests := []struct {
		name    string
		dialect sqlbuild.Dialect
		wantSQL string
	}{
		{"DuckDB", sqlbuild.DuckDB, `SELECT value, day_cost, mean, sd AS "stddev" FROM (SELECT CAST(k AS VARCHAR) AS value, ` +
			`CAST(SUM(CASE WHEN date = CAST(? AS DATE) THEN c ELSE 0 END) AS DOUBLE) AS day_cost, ` +
			`SUM(CASE WHEN date = CAST(? AS DATE) THEN 1 ELSE 0 END) AS on_day, CAST(avg(c) AS DOUBLE) AS mean, STDDEV_SAMP(c) AS sd ` +
			`FROM (SELECT customer_id AS k, date, SUM(cost_usd) AS c FROM cost_lines WHERE date BETWEEN CAST(? AS DATE) AND CAST(? AS DATE) ` +
			`AND customer_id <> '' GROUP BY customer_id, date) GROUP BY k) WHERE on_day > 0 AND mean <> 0 AND day_cost > mean + ? * sd ` +
			`ORDER BY (day_cost - mean) / mean DESC, value LIMIT 5`},
		{"ClickHouse", sqlbuild.ClickHouse, "SELECT value, day_cost, mean, sd AS `stddev` FROM (SELECT CAST(k AS String) AS value, " +
			`toFloat64(sumIf(c, date = toDate(?))) AS day_cost, sumIf(1, date = toDate(?)) AS on_day, toFloat64(avg(c)) AS mean, ` +
			`if(count() > 1, stddevSamp(c), NULL) AS sd ` +
			`FROM (SELECT customer_id AS k, date, sum(cost_usd) AS c FROM cost_lines WHERE date BETWEEN toDate(?) AND toDate(?) ` +
			`AND customer_id <> '' GROUP BY customer_id, date) GROUP BY k) WHERE on_day > 0 AND mean <> 0 AND day_cost > mean + ? * sd ` +
			`ORDER BY (day_cost - mean) / mean DESC, value LIMIT 5`},
	}
	wantArgs := []any{"2026-10-06", "2026-10-06", "2026-10-01", "2026-10-07", 1.0}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotSQL, gotArgs, err := sqlbuild.BuildOutliers(tt.dialect, &q)
			if err != nil {
				t.Fatal(err)
			}
			if gotSQL != tt.wantSQL {
				t.Errorf("SQL:\n got %s\nwant %s", gotSQL, tt.wantSQL)
			}
			if !reflect.DeepEqual(gotArgs, wantArgs) {
				t.Errorf("args = %v, want %v", gotArgs, wantArgs)
			}
		})
	}
	for name, bad := range map[string]cost.OutlierQuery{
		"DayOutsideBaseline": {Baseline: q.Baseline, Day: oct7.AddDate(0, 0, 1), By: cost.DimCustomer},
		"ByDate":             {Baseline: q.Baseline, Day: oct7, By: cost.DimDate},
		"UnknownDimension":   {Baseline: q.Baseline, Day: oct7, By: "x; DROP"},
		"BadLimit":           {Baseline: q.Baseline, Day: oct7, By: cost.DimModel, Limit: -1},
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, err := sqlbuild.BuildOutliers(sqlbuild.DuckDB, &bad); cost.ErrorCode(err) != cost.CodeInvalid {
				t.Errorf("err = %v, want invalid", err)
			}
		})
	}
}
