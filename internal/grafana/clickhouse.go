package grafana

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/llmcost/llmcost/internal/cost"
)

// Data source kinds of Options.Datasource.
const (
	// DatasourcePostgres is Grafana's PostgreSQL data source pointed at llmcost's
	// PostgreSQL endpoint (the default).
	DatasourcePostgres = "postgres"
	// DatasourceClickHouse is the official ClickHouse plugin
	// (grafana-clickhouse-datasource, 4.x) reading a ClickHouse store directly.
	DatasourceClickHouse = "clickhouse"
)

// Identifiers of the ClickHouse data source.
const (
	ClickHouseDatasourceUID  = "llmcost-ch"
	ClickHouseDatasourceType = "grafana-clickhouse-datasource"
)

// The ClickHouse plugin's query formats (its "format" field is a number).
const (
	chFormatTimeSeries = 0
	chFormatTable      = 1
)

// Pieces of ClickHouse panel SQL (18.16 and later). $__fromTime and $__toTime
// are the plugin's toDateTime(unix seconds); days are cut in UTC as the query
// layer cuts them, whatever the server's time zone.
const (
	chFromDay = "toDate($__fromTime, 'UTC')"
	chToDay   = "toDate($__toTime, 'UTC')"
	chInRange = "date BETWEEN " + chFromDay + " AND " + chToDay
	chMTD     = "date BETWEEN toStartOfMonth(" + chToDay + ") AND " + chToDay
	// chTime is a day as the time column of a time series.
	chTime = "toDateTime(date, 'UTC')"
)

func chq(sql string) panelQuery { return panelQuery{SQL: tidy(sql), Format: formatTable} }

func chts(sql string) panelQuery { return panelQuery{SQL: tidy(sql), Format: formatTimeSeries} }

// ClickHousePanelSQL is each panel's ClickHouse-dialect SQL with the ClickHouse
// plugin's macros, keyed as PanelSQL. It reads the unified_costs view of a
// ClickHouse store and returns the figures of the query layer's panel. The
// budget panel is built by ClickHouseBudgetSQL, since budgets are not kept in
// ClickHouse.
var ClickHousePanelSQL = map[string]panelQuery{
	"overview/total-cost-this-month": chq(`SELECT sum(cost_usd) AS total_cost
		FROM unified_costs WHERE ` + chMTD + ` AND ` + vars),
	"overview/cost-by-provider": chq(`SELECT cloud_provider, sum(cost_usd) AS cost
		FROM unified_costs WHERE ` + chInRange + ` AND ` + vars + `
		GROUP BY cloud_provider ORDER BY cost DESC`),
	"overview/daily-cost-trend": chts(`SELECT ` + chTime + ` AS time, cloud_provider AS metric, sum(cost_usd) AS daily_cost
		FROM unified_costs WHERE ` + chInRange + ` AND ` + vars + `
		GROUP BY date, cloud_provider ORDER BY time, metric`),
	"overview/top-customers": chq(`SELECT customer_id, sum(cost_usd) AS total_spend
		FROM unified_costs WHERE ` + chInRange + ` AND customer_id IS NOT NULL AND ` + vars + `
		GROUP BY customer_id ORDER BY total_spend DESC LIMIT 10`),
	"models/cost-per-model": chq(`SELECT model, cloud_provider, sum(cost_usd) AS total_cost,
		sumIf(usage_amount, token_type IS NOT NULL) AS total_tokens,
		sumIf(cost_usd, token_type IS NOT NULL)
		/ nullIf(sumIf(usage_amount, token_type IS NOT NULL), 0) * 1000 AS cost_per_1k_tokens,
		uniqExact(customer_id) AS active_customers
		FROM unified_costs WHERE ` + chInRange + ` AND ` + vars + `
		GROUP BY model, cloud_provider ORDER BY total_cost DESC`),
	"models/model-cost-trend": chts(`SELECT ` + chTime + ` AS time, model AS metric, sum(cost_usd) AS daily_cost
		FROM unified_costs WHERE ` + chInRange + ` AND ` + vars + `
		GROUP BY date, model ORDER BY time, metric`),
	"models/input-vs-output": chq(`SELECT model,
		sumIf(cost_usd, token_type = 'input') AS input_cost,
		sumIf(cost_usd, token_type = 'output') AS output_cost,
		sumIf(cost_usd, token_type IN ('cache_read', 'cache_write')) AS cache_cost,
		sumIf(cost_usd, token_type = 'reasoning') AS reasoning_cost,
		sumIf(cost_usd, token_type IS NULL OR token_type NOT IN ('input', 'output', 'cache_read', 'cache_write', 'reasoning')) AS other_cost
		FROM unified_costs WHERE ` + chInRange + ` AND model IS NOT NULL AND ` + vars + `
		GROUP BY model ORDER BY sum(cost_usd) DESC, model`),
	"models/model-efficiency": chq(`SELECT model, sum(cost_usd) / nullIf(sum(usage_amount), 0) * 1000 AS cost_per_1k
		FROM unified_costs WHERE date BETWEEN ` + chToDay + ` - 6 AND ` + chToDay + `
		AND token_type IS NOT NULL AND ` + vars + `
		GROUP BY model HAVING sum(usage_amount) > 100000 ORDER BY cost_per_1k`),
	// One series per customer, one cell per week (weeks start on Monday).
	"customers/customer-heatmap": chts(`SELECT toDateTime(toMonday(date), 'UTC') AS time, customer_id AS metric,
		sum(cost_usd) AS weekly_cost
		FROM unified_costs WHERE ` + chInRange + ` AND customer_id IS NOT NULL AND ` + vars + `
		GROUP BY time, metric ORDER BY time, metric`),
	// The last 7 days may start in the previous month: the rows span both windows.
	"customers/top-spenders": chq(`SELECT customer_id, sumIf(cost_usd, ` + chMTD + `) AS mtd_cost,
		sumIf(cost_usd, date >= ` + chToDay + ` - 6) AS last_7_days,
		uniqExactIf(date, ` + chMTD + `) AS active_days,
		arrayStringConcat(arraySort(groupUniqArrayIf(assumeNotNull(model), model IS NOT NULL AND ` + chMTD + `)), ', ') AS models_used
		FROM unified_costs WHERE date BETWEEN least(toStartOfMonth(` + chToDay + `), ` + chToDay + ` - 6) AND ` + chToDay + `
		AND customer_id IS NOT NULL AND ` + vars + `
		GROUP BY customer_id HAVING countIf(` + chMTD + `) > 0 ORDER BY mtd_cost DESC LIMIT 20`),
	"customers/customer-growth": chq(`SELECT date AS time, uniqExact(customer_id) AS active_customers,
		sum(cost_usd) AS total_cost
		FROM unified_costs WHERE ` + chInRange + ` AND ` + vars + `
		GROUP BY date ORDER BY date`),
	// No window functions in ClickHouse 18.16: the days are gathered into arrays
	// and each day's 7-row window is a slice of them.
	"anomalies/cost-anomalies": chq(`SELECT time, daily_cost, avg_7day,
		if(i = 1, NULL, avg_7day + 2 * sd) AS upper_threshold,
		if(i = 1, NULL, greatest(0, avg_7day - 2 * sd)) AS lower_threshold,
		multiIf(daily_cost > avg_7day + 2 * sd, 'High Anomaly', daily_cost < avg_7day - 2 * sd, 'Low Anomaly', 'Normal') AS status
		FROM (SELECT ds[i] AS time, cs[i] AS daily_cost,
		arrayReduce('avg', arraySlice(cs, greatest(1, i - 6), least(i, 7))) AS avg_7day,
		arrayReduce('stddevSamp', arraySlice(cs, greatest(1, i - 6), least(i, 7))) AS sd, i
		FROM (SELECT arrayMap(x -> x.1, days) AS ds, arrayMap(x -> x.2, days) AS cs
		FROM (SELECT arraySort(groupArray((date, daily_cost))) AS days
		FROM (SELECT date, sum(cost_usd) AS daily_cost FROM unified_costs
		WHERE ` + chInRange + ` AND ` + vars + ` GROUP BY date)))
		ARRAY JOIN arrayEnumerate(ds) AS i)
		ORDER BY time`),
	// No CTEs in ClickHouse 18.16, and joins by USING on non-null keys.
	"anomalies/unusual-customers": chq(`SELECT cid AS customer_id, cost_on_day, avg_daily,
		(cost_on_day - avg_daily) / avg_daily * 100 AS percent_change,
		multiIf(cost_on_day > avg_daily + 2 * stddev_daily, '🔴 High Alert',
		cost_on_day > avg_daily + stddev_daily, '🟡 Warning', '🟢 Normal') AS alert_level
		FROM (SELECT assumeNotNull(customer_id) AS cid, sum(cost_usd) AS cost_on_day FROM unified_costs
		WHERE date = ` + chToDay + ` - 1 AND customer_id IS NOT NULL AND ` + vars + ` GROUP BY cid)
		ALL INNER JOIN
		(SELECT cid, avg(daily_cost) AS avg_daily, stddevSamp(daily_cost) AS stddev_daily
		FROM (SELECT assumeNotNull(customer_id) AS cid, date, sum(cost_usd) AS daily_cost FROM unified_costs
		WHERE date BETWEEN ` + chToDay + ` - 30 AND ` + chToDay + ` AND customer_id IS NOT NULL AND ` + vars + `
		GROUP BY cid, date)
		GROUP BY cid) USING cid
		WHERE cost_on_day > avg_daily + stddev_daily ORDER BY percent_change DESC`),
}

// ClickHouseBudgetSQL is the ClickHouse SQL of overview/budget-vs-actual. The
// monthly budgets live in llmcost's metadata store, not in ClickHouse, so the
// budgets given are written into the query: the selected customer's budget,
// the organisation's (customer id "") when All is selected, NULL when none is
// set. Re-export after changing budgets.
func ClickHouseBudgetSQL(budgets []cost.Budget) string {
	owner := "if('__all' IN (${customer_id:sqlstring}), '', ${customer_id:sqlstring})"
	budget := "CAST(NULL AS Nullable(Float64))"
	if len(budgets) > 0 {
		keys := make([]string, len(budgets))
		vals := make([]string, len(budgets))
		for i, b := range budgets {
			keys[i] = chLiteral(b.CustomerID)
			vals[i] = strconv.FormatFloat(b.MonthlyUSD, 'g', -1, 64)
			if !strings.ContainsAny(vals[i], ".eE") {
				vals[i] += ".0" // Float64 elements, whatever the values.
			}
		}
		budget = fmt.Sprintf("if(indexOf([%[1]s], %[3]s) = 0, NULL, arrayElement([%[2]s], indexOf([%[1]s], %[3]s)))",
			strings.Join(keys, ", "), strings.Join(vals, ", "), owner)
	}
	return tidy(`SELECT actual, budget, actual / nullIf(budget, 0) * 100 AS percent_used
		FROM (SELECT sum(cost_usd) AS actual, ` + budget + ` AS budget
		FROM unified_costs WHERE ` + chMTD + ` AND ` + customerVar + `)`)
}

// chLiteral quotes s as a ClickHouse string literal (backslash escapes).
func chLiteral(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// panelSQL is a panel's query for the data source of o.
func panelSQL(o Options, key string) (panelQuery, bool) {
	if o.Datasource != DatasourceClickHouse {
		pq, ok := PanelSQL[key]
		return pq, ok
	}
	if key == "overview/budget-vs-actual" {
		return panelQuery{SQL: ClickHouseBudgetSQL(o.Budgets), Format: formatTable}, true
	}
	pq, ok := ClickHousePanelSQL[key]
	return pq, ok
}

// clickHouseDatasources is the ClickHouse plugin's data source over the
// store's database, on the native protocol. The login comes from the
// environment of Grafana's process: LLMCOST_CH_USER and LLMCOST_CH_PASSWORD.
func clickHouseDatasources(o Options) (DatasourcesFile, error) {
	host, port, ok := strings.Cut(o.ClickHouseAddr, ":")
	if i := strings.LastIndex(o.ClickHouseAddr, ":"); i >= 0 {
		host, port, ok = o.ClickHouseAddr[:i], o.ClickHouseAddr[i+1:], true
	}
	p, err := strconv.Atoi(port)
	if !ok || host == "" || err != nil || p <= 0 || p > 65535 {
		return DatasourcesFile{}, fmt.Errorf("grafana: ClickHouse address %q: want host:port", o.ClickHouseAddr)
	}
	return DatasourcesFile{APIVersion: 1, Datasources: []Datasource{{
		Name: DatasourceName, Type: ClickHouseDatasourceType, UID: ClickHouseDatasourceUID, Access: "proxy",
		IsDefault: true,
		JSONData: map[string]any{"host": strings.Trim(host, "[]"), "port": p, "protocol": "native", "secure": false,
			"username": "$LLMCOST_CH_USER", "defaultDatabase": escapeEnv(o.ClickHouseDatabase)},
		SecureJSONData: map[string]string{"password": "$LLMCOST_CH_PASSWORD"},
	}}}, nil
}

// chTarget is a panel query of the ClickHouse plugin.
func chTarget(ref string, pq panelQuery) map[string]any {
	format, queryType := chFormatTable, "table"
	if pq.Format == formatTimeSeries {
		format, queryType = chFormatTimeSeries, "timeseries"
	}
	return map[string]any{"refId": ref, "rawSql": pq.SQL, "format": format, "queryType": queryType,
		"editorType": "sql", "datasource": map[string]any{"type": ClickHouseDatasourceType, "uid": ClickHouseDatasourceUID}}
}

// chWindowSQL is an alert window in ClickHouse: complete UTC days.
var chWindowSQL = map[string]string{
	cost.AlertWindowDay:         "date = toDate(now(), 'UTC') - 1",
	cost.AlertWindowWeek:        "date BETWEEN toDate(now(), 'UTC') - 7 AND toDate(now(), 'UTC') - 1",
	cost.AlertWindowMonthToDate: "date >= toStartOfMonth(toDate(now(), 'UTC'))",
}
