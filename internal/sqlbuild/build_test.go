package sqlbuild_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/sqlbuild"
)

var (
	oct1 = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	oct7 = time.Date(2026, 10, 7, 0, 0, 0, 0, time.UTC)
)

func TestBuild(t *testing.T) {
	tests := []struct {
		name     string
		dialect  sqlbuild.Dialect
		q        cost.AggregateQuery
		wantSQL  string
		wantArgs []any
	}{
		{
			name:    "DuckDBTotal",
			dialect: sqlbuild.DuckDB,
			q:       cost.AggregateQuery{Metrics: []cost.Metric{cost.MetricCost}, From: oct1, To: oct7},
			wantSQL: `SELECT m0 AS "cost_usd" FROM (SELECT CAST(COALESCE(SUM(cost_usd), 0) AS DOUBLE) AS m0 FROM cost_lines` +
				` WHERE date BETWEEN CAST(? AS DATE) AND CAST(? AS DATE))`,
			wantArgs: []any{"2026-10-01", "2026-10-07"},
		},
		{
			name:    "DuckDBTopModels",
			dialect: sqlbuild.DuckDB,
			q: cost.AggregateQuery{
				Metrics: []cost.Metric{cost.MetricCost, cost.MetricTokens},
				GroupBy: []cost.Dimension{cost.DimModel, cost.DimCloudProvider},
				Filters: []cost.Filter{{Dimension: cost.DimCloudProvider, Op: cost.OpIn, Values: []string{"AWS", "GCP"}}},
				From:    oct1, To: oct7,
				OrderBy: []cost.Order{{By: "cost_usd", Desc: true}},
				Limit:   10,
			},
			wantSQL: `SELECT d0 AS "model", d1 AS "cloud_provider", m0 AS "cost_usd", m1 AS "usage_amount" FROM (` +
				`SELECT model AS d0, cloud_provider AS d1, CAST(COALESCE(SUM(cost_usd), 0) AS DOUBLE) AS m0, ` +
				`CAST(COALESCE(SUM(CASE WHEN token_type <> '' THEN usage_amount ELSE 0 END), 0) AS DOUBLE) AS m1 ` +
				`FROM (SELECT * FROM cost_lines WHERE date BETWEEN CAST(? AS DATE) AND CAST(? AS DATE) AND cloud_provider = ? ` +
				`UNION ALL SELECT * FROM cost_lines WHERE date BETWEEN CAST(? AS DATE) AND CAST(? AS DATE) AND cloud_provider = ?) ` +
				`GROUP BY model, cloud_provider) ORDER BY "cost_usd" DESC, "model", "cloud_provider" LIMIT 10`,
			wantArgs: []any{"2026-10-01", "2026-10-07", "AWS", "2026-10-01", "2026-10-07", "GCP"},
		},
		{
			name:    "DuckDBGrainsFiltersHaving",
			dialect: sqlbuild.DuckDB,
			q: cost.AggregateQuery{
				Metrics: []cost.Metric{cost.MetricCostPer1K, cost.MetricActiveCustomers},
				GroupBy: []cost.Dimension{cost.DimWeek, cost.DimMonth, cost.DimDate},
				Filters: []cost.Filter{
					{Dimension: cost.DimModel, Op: cost.OpPrefix, Values: []string{"gpt_4%"}},
					{Dimension: cost.DimCustomer, Op: cost.OpNotIn, Values: []string{""}},
					{Dimension: cost.DimWeek, Op: cost.OpEq, Values: []string{"2026-09-28"}},
				},
				Having:  []cost.Having{{Metric: cost.MetricTokens, Op: "gte", Value: 100000}},
				OrderBy: []cost.Order{{By: "cost_per_1k_tokens"}},
			},
			// Active customers: the two-level form over customers.
			wantSQL: `SELECT d0 AS "week", d1 AS "month", d2 AS "date", m0 AS "cost_per_1k_tokens", m1 AS "active_customers" FROM (` +
				`SELECT d0, d1, d2, CAST(SUM(p2) / NULLIF(SUM(p1), 0) * 1000 AS DOUBLE) AS m0, ` +
				`CAST(COALESCE(SUM(CASE WHEN dc <> '' THEN 1 ELSE 0 END), 0) AS DOUBLE) AS m1 FROM (` +
				`SELECT CAST(date_trunc('week', date) AS DATE) AS d0, CAST(date_trunc('month', date) AS DATE) AS d1, date AS d2, customer_id AS dc, ` +
				`SUM(CASE WHEN token_type <> '' THEN usage_amount ELSE 0 END) AS p1, SUM(CASE WHEN token_type <> '' THEN cost_usd ELSE 0 END) AS p2 FROM cost_lines ` +
				`WHERE starts_with(model, ?) AND customer_id <> '' AND CAST(date_trunc('week', date) AS DATE) = CAST(? AS DATE) ` +
				`GROUP BY CAST(date_trunc('week', date) AS DATE), CAST(date_trunc('month', date) AS DATE), date, customer_id) ` +
				`GROUP BY d0, d1, d2 HAVING CAST(COALESCE(SUM(p1), 0) AS DOUBLE) >= ?) ` +
				`ORDER BY "cost_per_1k_tokens", "week", "month", "date"`,
			wantArgs: []any{"gpt_4%", "2026-09-28", 100000.0},
		},
		{
			name:    "DuckDBOtherMetrics",
			dialect: sqlbuild.DuckDB,
			q: cost.AggregateQuery{
				Metrics: []cost.Metric{cost.MetricActiveDays, cost.MetricRequests, cost.MetricUnpricedTokens, cost.MetricListCost},
				Filters: []cost.Filter{{Dimension: cost.DimCustomer, Op: cost.OpEq, Values: []string{"x' OR 1=1 --"}}},
				From:    oct1,
			},
			wantSQL: `SELECT m0 AS "active_days", m1 AS "request_count", m2 AS "unpriced_tokens", m3 AS "list_cost_usd" FROM (` +
				`SELECT CAST(COUNT(DISTINCT date) AS DOUBLE) AS m0, CAST(COALESCE(SUM(requests), 0) AS DOUBLE) AS m1, ` +
				`CAST(COALESCE(SUM(CASE WHEN unpriced THEN usage_amount ELSE 0 END), 0) AS DOUBLE) AS m2, CAST(SUM(list_cost_usd) AS DOUBLE) AS m3 ` +
				`FROM cost_lines WHERE date >= CAST(? AS DATE) AND customer_id = ?)`,
			wantArgs: []any{"2026-10-01", "x' OR 1=1 --"},
		},
		{
			name:    "ClickHouseEveryPart",
			dialect: sqlbuild.ClickHouse,
			q: cost.AggregateQuery{
				Metrics: []cost.Metric{cost.MetricCost, cost.MetricCostPer1K, cost.MetricActiveCustomers, cost.MetricUnpricedTokens},
				GroupBy: []cost.Dimension{cost.DimWeek, cost.DimMonth, cost.DimModelFamily},
				Filters: []cost.Filter{
					{Dimension: cost.DimModel, Op: cost.OpPrefix, Values: []string{`a_%\`}},
					{Dimension: cost.DimMonth, Op: cost.OpIn, Values: []string{"2026-10-01"}},
				},
				Having: []cost.Having{{Metric: cost.MetricCost, Op: "lt", Value: 5}},
				From:   oct1, To: oct7,
				OrderBy: []cost.Order{{By: "cost_usd", Desc: true}},
				Limit:   3,
			},
			wantSQL: "SELECT d0 AS `week`, d1 AS `month`, d2 AS `model_family`, m0 AS `cost_usd`, m1 AS `cost_per_1k_tokens`, " +
				"m2 AS `active_customers`, m3 AS `unpriced_tokens` FROM (SELECT toMonday(date) AS d0, toStartOfMonth(date) AS d1, " +
				"model_family AS d2, toFloat64(coalesce(sum(cost_usd), 0)) AS m0, " +
				"toFloat64(sumIf(cost_usd, token_type <> '') / nullIf(sumIf(usage_amount, token_type <> ''), 0) * 1000) AS m1, " +
				"toFloat64(uniqExactIf(customer_id, customer_id <> '')) AS m2, toFloat64(coalesce(sumIf(usage_amount, unpriced = 1), 0)) AS m3 " +
				"FROM cost_lines WHERE date BETWEEN toDate(?) AND toDate(?) AND model LIKE ? AND toStartOfMonth(date) IN (toDate(?)) " +
				"GROUP BY toMonday(date), toStartOfMonth(date), model_family HAVING toFloat64(coalesce(sum(cost_usd), 0)) < ?) " +
				"ORDER BY `cost_usd` DESC, `week`, `month`, `model_family` LIMIT 3",
			wantArgs: []any{"2026-10-01", "2026-10-07", `a\_\%\\%`, "2026-10-01", 5.0},
		},
		{
			name:    "ClickHouseCounts",
			dialect: sqlbuild.ClickHouse,
			q: cost.AggregateQuery{
				Metrics: []cost.Metric{cost.MetricActiveDays, cost.MetricRequests, cost.MetricListCost, cost.MetricTokens},
				GroupBy: []cost.Dimension{cost.DimDate},
				Filters: []cost.Filter{{Dimension: cost.DimTokenType, Op: cost.OpNotIn, Values: []string{"input", "output"}}},
				To:      oct7,
			},
			wantSQL: "SELECT d0 AS `date`, m0 AS `active_days`, m1 AS `request_count`, m2 AS `list_cost_usd`, m3 AS `usage_amount` " +
				"FROM (SELECT date AS d0, toFloat64(uniqExact(date)) AS m0, toFloat64(coalesce(sum(requests), 0)) AS m1, " +
				"toFloat64(sum(list_cost_usd)) AS m2, toFloat64(coalesce(sumIf(usage_amount, token_type <> ''), 0)) AS m3 FROM cost_lines " +
				"WHERE date <= toDate(?) AND (token_type <> ? AND token_type <> ?) GROUP BY date) ORDER BY `date`",
			wantArgs: []any{"2026-10-07", "input", "output"},
		},
		{
			name:    "DuckDBTokenLinesOnly",
			dialect: sqlbuild.DuckDB,
			q: cost.AggregateQuery{
				Metrics: []cost.Metric{cost.MetricCostPer1K},
				GroupBy: []cost.Dimension{cost.DimModel},
				Filters: []cost.Filter{{Dimension: cost.DimTokenType, Op: cost.OpNotIn, Values: []string{""}}},
				Having:  []cost.Having{{Metric: cost.MetricTokens, Op: "gt", Value: 100000}},
			},
			wantSQL: `SELECT d0 AS "model", m0 AS "cost_per_1k_tokens" FROM (SELECT model AS d0, ` +
				`CAST(SUM(cost_usd) / NULLIF(SUM(usage_amount), 0) * 1000 AS DOUBLE) AS m0 FROM cost_lines WHERE token_type <> '' ` +
				`GROUP BY model HAVING CAST(COALESCE(SUM(usage_amount), 0) AS DOUBLE) > ?) ORDER BY "model"`,
			wantArgs: []any{100000.0},
		},
		{
			name:    "DuckDBDaily",
			dialect: sqlbuild.DuckDB,
			q: cost.AggregateQuery{
				Metrics: []cost.Metric{cost.MetricDailyCostAvg, cost.MetricDailyCostStdDev, cost.MetricActiveCustomers, cost.MetricActiveDays},
				GroupBy: []cost.Dimension{cost.DimModel},
				Filters: []cost.Filter{{Dimension: cost.DimCustomer, Op: cost.OpNotIn, Values: []string{""}}},
				Having:  []cost.Having{{Metric: cost.MetricDailyCostStdDev, Op: "gte", Value: 0}},
				From:    oct1, To: oct7,
			},
			wantSQL: `SELECT d0 AS "model", m0 AS "daily_cost_avg", m1 AS "daily_cost_stddev", m2 AS "active_customers", m3 AS "active_days" ` +
				`FROM (SELECT d0, CAST(SUM(p0) / NULLIF(count(*), 0) AS DOUBLE) AS m0, CAST(STDDEV_SAMP(p0) AS DOUBLE) AS m1, ` +
				`CAST(COALESCE(list_unique(flatten(list(p3))), 0) AS DOUBLE) AS m2, CAST(count(*) AS DOUBLE) AS m3 ` +
				`FROM (SELECT model AS d0, date AS dd, SUM(cost_usd) AS p0, list(DISTINCT customer_id) FILTER (WHERE customer_id <> '') AS p3 ` +
				`FROM cost_lines WHERE date BETWEEN CAST(? AS DATE) AND CAST(? AS DATE) AND customer_id <> '' GROUP BY model, date) ` +
				`GROUP BY d0 HAVING CAST(STDDEV_SAMP(p0) AS DOUBLE) >= ?) ORDER BY "model"`,
			wantArgs: []any{"2026-10-01", "2026-10-07", 0.0},
		},
		{
			name:    "ClickHouseDailyByDate",
			dialect: sqlbuild.ClickHouse,
			q: cost.AggregateQuery{
				Metrics: []cost.Metric{cost.MetricCostPer1K, cost.MetricDailyCostStdDev},
				GroupBy: []cost.Dimension{cost.DimDate},
				Filters: []cost.Filter{{Dimension: cost.DimTokenType, Op: cost.OpIn, Values: []string{"input"}}},
			},
			wantSQL: "SELECT d0 AS `date`, m0 AS `cost_per_1k_tokens`, m1 AS `daily_cost_stddev` FROM (SELECT d0, " +
				"toFloat64(sum(p2) / nullIf(sum(p1), 0) * 1000) AS m0, toFloat64(if(count() > 1, stddevSamp(p0), NULL)) AS m1 " +
				"FROM (SELECT date AS d0, sum(cost_usd) AS p0, sum(usage_amount) AS p1, sum(cost_usd) AS p2 FROM cost_lines " +
				"WHERE token_type IN (?) GROUP BY date) GROUP BY d0) ORDER BY `date`",
			wantArgs: []any{"input"},
		},
		{
			name:    "ClickHouseDailyTotal",
			dialect: sqlbuild.ClickHouse,
			q:       cost.AggregateQuery{Metrics: []cost.Metric{cost.MetricActiveCustomers, cost.MetricDailyCostAvg}},
			wantSQL: "SELECT m0 AS `active_customers`, m1 AS `daily_cost_avg` FROM (SELECT toFloat64(length(groupUniqArrayArray(p3))) AS m0, " +
				"toFloat64(sum(p0) / nullIf(count(*), 0)) AS m1 FROM (SELECT date AS dd, sum(cost_usd) AS p0, " +
				"groupUniqArrayIf(customer_id, customer_id <> '') AS p3 FROM cost_lines GROUP BY date))",
		},
		{
			name:    "ClickHouseVisibility",
			dialect: withWhere(sqlbuild.ClickHouse, "version = 1"),
			q:       cost.AggregateQuery{Metrics: []cost.Metric{cost.MetricRequests}, From: oct1},
			wantSQL: "SELECT m0 AS `request_count` FROM (SELECT toFloat64(coalesce(sum(requests), 0)) AS m0 FROM cost_lines " +
				"WHERE version = 1 AND date >= toDate(?))",
			wantArgs: []any{"2026-10-01"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotSQL, gotArgs, err := sqlbuild.Build(tt.dialect, &tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if gotSQL != tt.wantSQL {
				t.Errorf("SQL:\n got %s\nwant %s", gotSQL, tt.wantSQL)
			}
			if !reflect.DeepEqual(gotArgs, tt.wantArgs) {
				t.Errorf("args=%#v, want %#v", gotArgs, tt.wantArgs)
			}
		})
	}
}

func TestBuildEveryDimension(t *testing.T) {
	for _, dim := range cost.AllDimensions {
		q := &cost.AggregateQuery{Metrics: []cost.Metric{cost.MetricCost}, GroupBy: []cost.Dimension{dim}}
		for _, d := range []sqlbuild.Dialect{sqlbuild.DuckDB, sqlbuild.ClickHouse} {
			if _, _, err := sqlbuild.Build(d, q); err != nil {
				t.Errorf("%s %s: %v", d.Name, dim, err)
			}
		}
	}
}

func TestBuildErrors(t *testing.T) {
	m := []cost.Metric{cost.MetricCost}
	tests := []struct {
		name      string
		q         cost.AggregateQuery
		wantField string
	}{
		{"NoMetrics", cost.AggregateQuery{}, "metrics"},
		{"UnknownMetric", cost.AggregateQuery{Metrics: []cost.Metric{"cost; DROP TABLE x"}}, "metrics[0]"},
		{"UnknownDimension", cost.AggregateQuery{Metrics: m, GroupBy: []cost.Dimension{"1=1"}}, "group_by[0]"},
		{"RepeatedDimension", cost.AggregateQuery{Metrics: m, GroupBy: []cost.Dimension{"model", "model"}}, "group_by[1]"},
		{"FilterDimension", cost.AggregateQuery{Metrics: m, Filters: []cost.Filter{{Dimension: "tags", Op: "eq", Values: []string{"a"}}}}, "filters[0].dimension"},
		{"FilterOp", cost.AggregateQuery{Metrics: m, Filters: []cost.Filter{{Dimension: "model", Op: "like", Values: []string{"a"}}}}, "filters[0].op"},
		{"EqTwoValues", cost.AggregateQuery{Metrics: m, Filters: []cost.Filter{{Dimension: "model", Op: "eq", Values: []string{"a", "b"}}}}, "filters[0].values"},
		{"InNoValues", cost.AggregateQuery{Metrics: m, Filters: []cost.Filter{{Dimension: "model", Op: "in"}}}, "filters[0].values"},
		{"BadDate", cost.AggregateQuery{Metrics: m, Filters: []cost.Filter{{Dimension: "date", Op: "eq", Values: []string{"yesterday"}}}}, "filters[0].values"},
		{"PrefixDate", cost.AggregateQuery{Metrics: m, Filters: []cost.Filter{{Dimension: "date", Op: "prefix", Values: []string{"2026-10-01"}}}}, "filters[0].op"},
		{"HavingMetric", cost.AggregateQuery{Metrics: m, Having: []cost.Having{{Metric: "x", Op: "gt"}}}, "having[0].metric"},
		{"HavingOp", cost.AggregateQuery{Metrics: m, Having: []cost.Having{{Metric: "cost_usd", Op: "eq"}}}, "having[0].op"},
		{"OrderBy", cost.AggregateQuery{Metrics: m, OrderBy: []cost.Order{{By: "model"}}}, "order_by[0].by"},
		{"Limit", cost.AggregateQuery{Metrics: m, Limit: cost.MaxLimit + 1}, "limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := sqlbuild.Build(sqlbuild.DuckDB, &tt.q)
			if got, want := cost.ErrorCode(err), cost.CodeInvalid; got != want {
				t.Fatalf("code=%q, want %q (err %v)", got, want, err)
			}
			if got, want := cost.ErrorField(err), tt.wantField; got != want {
				t.Errorf("field=%q, want %q", got, want)
			}
		})
	}
}

func TestColumns(t *testing.T) {
	q := &cost.AggregateQuery{Metrics: []cost.Metric{cost.MetricCost}, GroupBy: []cost.Dimension{cost.DimMonth, cost.DimModel}}
	names, types := sqlbuild.Columns(q)
	if got, want := names, []string{"month", "model", "cost_usd"}; !reflect.DeepEqual(got, want) {
		t.Errorf("names=%v, want %v", got, want)
	}
	if got, want := types, []string{cost.TypeDate, cost.TypeString, cost.TypeNumber}; !reflect.DeepEqual(got, want) {
		t.Errorf("types=%v, want %v", got, want)
	}
}

// withWhere returns d with a statement-wide condition.
func withWhere(d sqlbuild.Dialect, cond string) sqlbuild.Dialect {
	d.Where = cond
	return d
}

// TestBuildSplitsFewValueFilters checks that DuckDB reads an IN filter of a
// few distinct values value by value, and a long list as one IN.
func TestBuildSplitsFewValueFilters(t *testing.T) {
	many := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i"}
	tests := []struct {
		name      string
		values    []string
		wantParts int
	}{
		{"Repeated", []string{"AWS", "GCP", "AWS"}, 2},
		{"One", []string{"AWS"}, 0},
		{"Many", many, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := cost.AggregateQuery{Metrics: []cost.Metric{cost.MetricCost}, From: oct1, To: oct7,
				Filters: []cost.Filter{{Dimension: cost.DimModel, Op: cost.OpIn, Values: tt.values}}}
			sql, args, err := sqlbuild.Build(sqlbuild.DuckDB, &q)
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Count(sql, "SELECT * FROM cost_lines")
			if got != tt.wantParts {
				t.Errorf("%d parts, want %d: %s", got, tt.wantParts, sql)
			}
			if want := max(tt.wantParts, 1) * 2; tt.wantParts > 0 && len(args) != want+tt.wantParts {
				t.Errorf("args = %v", args)
			}
		})
	}
}

func TestBuildReadsUnpricedLinesOnly(t *testing.T) {
	unpriced := []cost.Metric{cost.MetricUnpricedTokens}
	positive := []cost.Having{{Metric: cost.MetricUnpricedTokens, Op: "gt", Value: 0}}
	tests := []struct {
		name string
		q    cost.AggregateQuery
		want bool
	}{
		{"PositiveUnpriced", cost.AggregateQuery{Metrics: unpriced, GroupBy: []cost.Dimension{cost.DimModel}, Having: positive}, true},
		{"AtLeastSome", cost.AggregateQuery{Metrics: unpriced,
			Having: []cost.Having{{Metric: cost.MetricUnpricedTokens, Op: "gte", Value: 5}}}, true},
		{"NoHaving", cost.AggregateQuery{Metrics: unpriced}, false},
		{"AtLeastZero", cost.AggregateQuery{Metrics: unpriced,
			Having: []cost.Having{{Metric: cost.MetricUnpricedTokens, Op: "gte", Value: 0}}}, false},
		{"Below", cost.AggregateQuery{Metrics: unpriced,
			Having: []cost.Having{{Metric: cost.MetricUnpricedTokens, Op: "lt", Value: 10}}}, false},
		{"OtherMetric", cost.AggregateQuery{Metrics: []cost.Metric{cost.MetricUnpricedTokens, cost.MetricCost}, Having: positive}, false},
		{"OtherHaving", cost.AggregateQuery{Metrics: unpriced, Having: append(slices.Clone(positive),
			cost.Having{Metric: cost.MetricCost, Op: "gt", Value: 1})}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, d := range []struct {
				dialect sqlbuild.Dialect
				cond    string
			}{{sqlbuild.DuckDB, " AND unpriced"}, {sqlbuild.ClickHouse, " AND unpriced = 1"}} {
				q := tt.q
				q.From, q.To = oct1, oct7
				sql, _, err := sqlbuild.Build(d.dialect, &q)
				if err != nil {
					t.Fatal(err)
				}
				where := sql[strings.Index(sql, " WHERE "):]
				for _, next := range []string{" GROUP BY", " HAVING"} {
					if end := strings.Index(where, next); end >= 0 {
						where = where[:end]
					}
				}
				if got := strings.HasSuffix(strings.TrimSuffix(where, ")"), d.cond); got != tt.want {
					t.Errorf("reads unpriced lines only = %v, want %v: %s", got, tt.want, sql)
				}
			}
		})
	}
}
