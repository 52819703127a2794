package sqlbuild_test

import (
	"reflect"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/sqlbuild"
)

func TestBuildChange(t *testing.T) {
	oct8 := oct7.AddDate(0, 0, 1)
	q := cost.ChangeQuery{
		Current: cost.DateRange{From: oct8, To: oct8}, Baseline: cost.DateRange{From: oct1, To: oct7}, Scale: 0.5,
		Filters: []cost.Filter{{Dimension: cost.DimCloudProvider, Op: cost.OpEq, Values: []string{"AWS"}}},
		Groupings: []cost.ChangeGrouping{
			{Dimensions: []cost.Dimension{cost.DimCustomer}, Order: cost.ChangeLargest, Limit: 3},
			{Dimensions: []cost.Dimension{cost.DimCustomer, cost.DimModel}, Order: cost.ChangeRise, Limit: 1},
			{Order: cost.ChangeLargest},
		},
	}
	ranges := []any{"2026-10-08", "2026-10-08", "2026-10-01", "2026-10-07"}
	where := []any{"2026-10-01", "2026-10-08", "AWS"}
	tests := []struct {
		name     string
		dialect  sqlbuild.Dialect
		wantSQL  string
		wantArgs []any
	}{
		{
			name:    "DuckDBOneScanWidestSets",
			dialect: sqlbuild.DuckDB,
			wantSQL: `WITH s AS MATERIALIZED (SELECT GROUPING_ID(customer_id, model) AS gid, customer_id, model, ` +
				`CAST(COALESCE(SUM(CASE WHEN date BETWEEN CAST(? AS DATE) AND CAST(? AS DATE) THEN cost_usd ELSE 0 END), 0) AS DOUBLE) AS cur, ` +
				`CAST(COALESCE(SUM(CASE WHEN date BETWEEN CAST(? AS DATE) AND CAST(? AS DATE) THEN cost_usd ELSE 0 END), 0) AS DOUBLE) AS base ` +
				`FROM cost_lines WHERE date BETWEEN CAST(? AS DATE) AND CAST(? AS DATE) AND cloud_provider = ? ` +
				`GROUP BY GROUPING SETS ((customer_id, model))) ` +
				`SELECT * FROM (SELECT CAST(0 AS BIGINT) AS "grouping", CAST(customer_id AS VARCHAR) AS value0, '' AS value1, cur AS "current", base AS "baseline" ` +
				`FROM (SELECT customer_id, COALESCE(SUM(cur), 0) AS cur, COALESCE(SUM(base), 0) AS base FROM s WHERE gid = 0 GROUP BY customer_id) ` +
				`ORDER BY abs(cur - base * ?) DESC, value0, value1 LIMIT 3) UNION ALL ` +
				`SELECT * FROM (SELECT CAST(1 AS BIGINT) AS "grouping", CAST(customer_id AS VARCHAR) AS value0, CAST(model AS VARCHAR) AS value1, cur AS "current", base AS "baseline" ` +
				`FROM s WHERE gid = 0 ORDER BY (cur - base * ?) DESC, value0, value1 LIMIT 1) UNION ALL ` +
				`SELECT * FROM (SELECT CAST(2 AS BIGINT) AS "grouping", '' AS value0, '' AS value1, cur AS "current", base AS "baseline" ` +
				`FROM (SELECT COALESCE(SUM(cur), 0) AS cur, COALESCE(SUM(base), 0) AS base FROM s WHERE gid = 0) ` +
				`ORDER BY abs(cur - base * ?) DESC, value0, value1)`,
			wantArgs: append(append(append([]any{}, ranges...), where...), 0.5, 0.5, 0.5),
		},
		{
			name:    "ClickHouseOneScanFannedOut",
			dialect: sqlbuild.ClickHouse,
			wantSQL: "SELECT g AS `grouping`, value0, value1, cur AS `current`, base AS `baseline` FROM (" +
				`SELECT gk.1 AS g, gk.2 AS value0, gk.3 AS value1, sum(cur) AS cur, sum(base) AS base FROM (` +
				`SELECT customer_id, model, toFloat64(coalesce(sumIf(cost_usd, date BETWEEN toDate(?) AND toDate(?)), 0)) AS cur, ` +
				`toFloat64(coalesce(sumIf(cost_usd, date BETWEEN toDate(?) AND toDate(?)), 0)) AS base FROM cost_lines ` +
				`WHERE date BETWEEN toDate(?) AND toDate(?) AND cloud_provider = ? GROUP BY customer_id, model) ` +
				`ARRAY JOIN [(toInt64(0), CAST(customer_id AS String), ''), (toInt64(1), CAST(customer_id AS String), CAST(model AS String)), (toInt64(2), '', '')] AS gk ` +
				`GROUP BY g, value0, value1 ORDER BY g, multiIf(g = 0, -abs(cur - base * ?), g = 1, -(cur - base * ?), -abs(cur - base * ?)), value0, value1 ` +
				`LIMIT 3 BY g)`,
			wantArgs: append(append(append([]any{}, ranges...), where...), 0.5, 0.5, 0.5),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotSQL, gotArgs, err := sqlbuild.BuildChange(tt.dialect, &q)
			if err != nil {
				t.Fatal(err)
			}
			if gotSQL != tt.wantSQL {
				t.Errorf("SQL:\n got %s\nwant %s", gotSQL, tt.wantSQL)
			}
			if !reflect.DeepEqual(gotArgs, tt.wantArgs) {
				t.Errorf("args = %v, want %v", gotArgs, tt.wantArgs)
			}
		})
	}
}

func TestBuildChangeRejects(t *testing.T) {
	day := cost.DateRange{From: oct7, To: oct7}
	week := cost.DateRange{From: oct1, To: oct7.AddDate(0, 0, -1)}
	one := []cost.ChangeGrouping{{Dimensions: []cost.Dimension{cost.DimModel}, Order: cost.ChangeLargest}}
	tests := []struct {
		name string
		q    cost.ChangeQuery
	}{
		{"NoBaseline", cost.ChangeQuery{Current: day, Groupings: one}},
		{"OverlappingBaseline", cost.ChangeQuery{Current: day, Baseline: cost.DateRange{From: oct1, To: oct7}, Groupings: one}},
		{"NoGrouping", cost.ChangeQuery{Current: day, Baseline: week}},
		{"ThreeDimensions", cost.ChangeQuery{Current: day, Baseline: week, Groupings: []cost.ChangeGrouping{{Dimensions: []cost.Dimension{
			cost.DimModel, cost.DimCustomer, cost.DimRegion}, Order: cost.ChangeLargest}}}},
		{"TimeGrain", cost.ChangeQuery{Current: day, Baseline: week, Groupings: []cost.ChangeGrouping{{Dimensions: []cost.Dimension{cost.DimDate}, Order: cost.ChangeLargest}}}},
		{"UnknownDimension", cost.ChangeQuery{Current: day, Baseline: week, Groupings: []cost.ChangeGrouping{{Dimensions: []cost.Dimension{"x; DROP"}, Order: cost.ChangeLargest}}}},
		{"UnknownOrder", cost.ChangeQuery{Current: day, Baseline: week, Groupings: []cost.ChangeGrouping{{Dimensions: []cost.Dimension{cost.DimModel}, Order: "up"}}}},
		{"BadLimit", cost.ChangeQuery{Current: day, Baseline: week, Groupings: []cost.ChangeGrouping{{Dimensions: []cost.Dimension{cost.DimModel}, Order: cost.ChangeRise, Limit: -1}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := sqlbuild.BuildChange(sqlbuild.DuckDB, &tt.q); cost.ErrorCode(err) != cost.CodeInvalid {
				t.Errorf("err = %v, want invalid", err)
			}
		})
	}
}
