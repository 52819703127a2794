package grafana

import "strings"

// AllValue is the custom "All" value of the multi-value variables. Grafana
// inserts a custom all value raw, even with :sqlstring, so the panels test for
// it explicitly: All means no filter, not "IN every listed value" (which would
// drop lines without a model or customer).
const AllValue = "'__all'"

// Pieces of panel SQL. Day bounds come from the dashboard range cut to UTC days,
// as the query layer cuts them; "today" is the range's last day.
const (
	fromDay = "$__timeFrom()::date"
	toDay   = "$__timeTo()::date"
	inRange = "date BETWEEN " + fromDay + " AND " + toDay
	mtd     = "date BETWEEN date_trunc('month', " + toDay + ")::date AND " + toDay

	// customerVar applies the customer variable alone (a budget covers every
	// provider and model).
	customerVar = "('__all' IN (${customer_id:sqlstring}) OR customer_id = ${customer_id:sqlstring})"
	// vars applies the dashboard variables.
	vars = "('__all' IN (${cloud_provider:sqlstring}) OR cloud_provider IN (${cloud_provider:sqlstring}))" +
		" AND " + customerVar +
		" AND ('__all' IN (${model:sqlstring}) OR model IN (${model:sqlstring}))"
)

// Query formats of Grafana's SQL data sources.
const (
	formatTable      = "table"
	formatTimeSeries = "time_series"
)

// panelQuery is the SQL of one panel.
type panelQuery struct {
	SQL    string
	Format string
}

func q(sql string) panelQuery { return panelQuery{SQL: tidy(sql), Format: formatTable} }

func ts(sql string) panelQuery { return panelQuery{SQL: tidy(sql), Format: formatTimeSeries} }

// tidy trims the indentation of a Go raw string.
func tidy(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.Join(lines, "\n")
}

// PanelSQL is each panel's PostgreSQL-dialect SQL with Grafana macros, keyed by
// "dashboard/panel" as in cost.Dashboards. It reads the relations of the
// PostgreSQL endpoint and returns the figures of the query layer's panel.
var PanelSQL = map[string]panelQuery{
	"overview/total-cost-this-month": q(`SELECT coalesce(sum(cost_usd), 0) AS total_cost
		FROM unified_costs WHERE ` + mtd + ` AND ` + vars),
	"overview/cost-by-provider": q(`SELECT cloud_provider, sum(cost_usd) AS cost
		FROM unified_costs WHERE ` + inRange + ` AND ` + vars + `
		GROUP BY cloud_provider ORDER BY cost DESC`),
	"overview/daily-cost-trend": ts(`SELECT $__timeGroupAlias(date, '1d'), cloud_provider AS metric, sum(cost_usd) AS daily_cost
		FROM unified_costs WHERE ` + inRange + ` AND ` + vars + `
		GROUP BY 1, 2 ORDER BY 1, 2`),
	"overview/top-customers": q(`SELECT customer_id, sum(cost_usd) AS total_spend
		FROM unified_costs WHERE ` + inRange + ` AND customer_id IS NOT NULL AND ` + vars + `
		GROUP BY customer_id ORDER BY total_spend DESC LIMIT 10`),
	"overview/budget-vs-actual": q(`SELECT a.actual, b.monthly_usd AS budget,
		a.actual / NULLIF(b.monthly_usd, 0) * 100 AS percent_used
		FROM (SELECT coalesce(sum(cost_usd), 0) AS actual FROM unified_costs WHERE ` + mtd + ` AND ` + customerVar + `) a
		LEFT JOIN (SELECT monthly_usd FROM budgets WHERE customer_id =
		CASE WHEN '__all' IN (${customer_id:sqlstring}) THEN '' ELSE ${customer_id:sqlstring} END) b ON true`),
	"models/cost-per-model": q(`SELECT model, cloud_provider, sum(cost_usd) AS total_cost,
		sum(CASE WHEN token_type IS NOT NULL THEN usage_amount ELSE 0 END) AS total_tokens,
		sum(CASE WHEN token_type IS NOT NULL THEN cost_usd ELSE 0 END)
		/ NULLIF(sum(CASE WHEN token_type IS NOT NULL THEN usage_amount ELSE 0 END), 0) * 1000 AS cost_per_1k_tokens,
		count(DISTINCT customer_id) AS active_customers
		FROM unified_costs WHERE ` + inRange + ` AND ` + vars + `
		GROUP BY model, cloud_provider ORDER BY total_cost DESC`),
	"models/model-cost-trend": ts(`SELECT $__timeGroupAlias(date, '1d'), model AS metric, sum(cost_usd) AS daily_cost
		FROM unified_costs WHERE ` + inRange + ` AND ` + vars + `
		GROUP BY 1, 2 ORDER BY 1, 2`),
	"models/input-vs-output": q(`SELECT model,
		sum(CASE WHEN token_type = 'input' THEN cost_usd ELSE 0 END) AS input_cost,
		sum(CASE WHEN token_type = 'output' THEN cost_usd ELSE 0 END) AS output_cost,
		sum(CASE WHEN token_type IN ('cache_read', 'cache_write') THEN cost_usd ELSE 0 END) AS cache_cost,
		sum(CASE WHEN token_type = 'reasoning' THEN cost_usd ELSE 0 END) AS reasoning_cost,
		sum(CASE WHEN token_type IS NULL OR token_type NOT IN ('input', 'output', 'cache_read', 'cache_write', 'reasoning')
		THEN cost_usd ELSE 0 END) AS other_cost
		FROM unified_costs WHERE ` + inRange + ` AND model IS NOT NULL AND ` + vars + `
		GROUP BY model ORDER BY sum(cost_usd) DESC, model`),
	"models/model-efficiency": q(`SELECT model, sum(cost_usd) / NULLIF(sum(usage_amount), 0) * 1000 AS cost_per_1k
		FROM unified_costs WHERE date BETWEEN ` + toDay + ` - 6 AND ` + toDay + `
		AND token_type IS NOT NULL AND ` + vars + `
		GROUP BY model HAVING sum(usage_amount) > 100000 ORDER BY cost_per_1k`),
	// One series per customer, one cell per week: the heatmap's rows and columns.
	"customers/customer-heatmap": ts(`SELECT date_trunc('week', date)::date AS "time", customer_id AS metric,
		sum(cost_usd) AS weekly_cost
		FROM unified_costs WHERE ` + inRange + ` AND customer_id IS NOT NULL AND ` + vars + `
		GROUP BY 1, 2 ORDER BY 1, 2`),
	// The last 7 days may start in the previous month: the rows span both windows.
	"customers/top-spenders": q(`SELECT customer_id, sum(CASE WHEN ` + mtd + ` THEN cost_usd ELSE 0 END) AS mtd_cost,
		sum(CASE WHEN date >= ` + toDay + ` - 6 THEN cost_usd ELSE 0 END) AS last_7_days,
		count(DISTINCT CASE WHEN ` + mtd + ` THEN date END) AS active_days,
		string_agg(DISTINCT CASE WHEN ` + mtd + ` THEN model END, ', ' ORDER BY CASE WHEN ` + mtd + ` THEN model END) AS models_used
		FROM unified_costs WHERE date BETWEEN least(date_trunc('month', ` + toDay + `)::date, ` + toDay + ` - 6) AND ` + toDay + `
		AND customer_id IS NOT NULL AND ` + vars + `
		GROUP BY customer_id HAVING count(CASE WHEN ` + mtd + ` THEN 1 END) > 0 ORDER BY mtd_cost DESC LIMIT 20`),
	"customers/customer-growth": q(`SELECT $__time(date), count(DISTINCT customer_id) AS active_customers,
		sum(cost_usd) AS total_cost
		FROM unified_costs WHERE ` + inRange + ` AND ` + vars + `
		GROUP BY date ORDER BY date`),
	"anomalies/cost-anomalies": q(`WITH daily_stats AS (
		SELECT date, sum(cost_usd) AS daily_cost FROM unified_costs
		WHERE ` + inRange + ` AND ` + vars + ` GROUP BY date),
		moving_avg AS (
		SELECT date, daily_cost,
		avg(daily_cost) OVER (ORDER BY date ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS avg_7day,
		stddev(daily_cost) OVER (ORDER BY date ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS stddev_7day
		FROM daily_stats)
		SELECT $__time(date), daily_cost, avg_7day, avg_7day + 2 * stddev_7day AS upper_threshold,
		CASE WHEN avg_7day - 2 * stddev_7day < 0 THEN 0 ELSE avg_7day - 2 * stddev_7day END AS lower_threshold,
		CASE WHEN daily_cost > avg_7day + 2 * stddev_7day THEN 'High Anomaly'
		WHEN daily_cost < avg_7day - 2 * stddev_7day THEN 'Low Anomaly' ELSE 'Normal' END AS status
		FROM moving_avg ORDER BY date`),
	"anomalies/unusual-customers": q(`WITH customer_baseline AS (
		SELECT customer_id, avg(daily_cost) AS avg_daily, stddev(daily_cost) AS stddev_daily
		FROM (SELECT customer_id, date, sum(cost_usd) AS daily_cost FROM unified_costs
		WHERE date BETWEEN ` + toDay + ` - 30 AND ` + toDay + ` AND customer_id IS NOT NULL AND ` + vars + `
		GROUP BY customer_id, date) d
		GROUP BY customer_id),
		yesterday_cost AS (
		SELECT customer_id, sum(cost_usd) AS cost_on_day FROM unified_costs
		WHERE date = ` + toDay + ` - 1 AND customer_id IS NOT NULL AND ` + vars + ` GROUP BY customer_id)
		SELECT y.customer_id, y.cost_on_day, b.avg_daily,
		(y.cost_on_day - b.avg_daily) / b.avg_daily * 100 AS percent_change,
		CASE WHEN y.cost_on_day > b.avg_daily + 2 * b.stddev_daily THEN '🔴 High Alert'
		WHEN y.cost_on_day > b.avg_daily + b.stddev_daily THEN '🟡 Warning' ELSE '🟢 Normal' END AS alert_level
		FROM yesterday_cost y JOIN customer_baseline b ON y.customer_id = b.customer_id
		WHERE y.cost_on_day > b.avg_daily + b.stddev_daily ORDER BY percent_change DESC`),
}
