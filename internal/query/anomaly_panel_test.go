package query_test

import (
	"context"
	"database/sql"
	"math"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
)

// The seed's anomaly SQL, run verbatim on the unified_costs view with
// CURRENT_DATE() bound as a parameter: an independent oracle for the panels.
const seedCostAnomalies = `
WITH daily_stats AS (
  SELECT date, SUM(cost_usd) as daily_cost
  FROM unified_costs
  WHERE date >= CAST(? AS DATE) - INTERVAL 30 DAY AND date <= CAST(? AS DATE)
  GROUP BY date
),
moving_avg AS (
  SELECT date, daily_cost,
    AVG(daily_cost) OVER (ORDER BY date ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) as avg_7day,
    STDDEV(daily_cost) OVER (ORDER BY date ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) as stddev_7day
  FROM daily_stats
)
SELECT strftime(date, '%Y-%m-%d'), daily_cost, avg_7day,
  avg_7day + (2 * stddev_7day) as upper_threshold,
  avg_7day - (2 * stddev_7day) as lower_threshold,
  CASE
    WHEN daily_cost > avg_7day + (2 * stddev_7day) THEN 'High Anomaly'
    WHEN daily_cost < avg_7day - (2 * stddev_7day) THEN 'Low Anomaly'
    ELSE 'Normal'
  END as status
FROM moving_avg
ORDER BY date`

const seedUnusualCustomers = `
WITH customer_baseline AS (
  SELECT customer_id, AVG(daily_cost) as avg_daily, STDDEV(daily_cost) as stddev_daily
  FROM (
    SELECT customer_id, date, SUM(cost_usd) as daily_cost
    FROM unified_costs
    WHERE date >= CAST(? AS DATE) - INTERVAL 30 DAY AND date <= CAST(? AS DATE)
    GROUP BY customer_id, date
  )
  GROUP BY customer_id
),
yesterday_cost AS (
  SELECT customer_id, SUM(cost_usd) as cost_yesterday
  FROM unified_costs
  WHERE date = CAST(? AS DATE) - 1
  GROUP BY customer_id
)
SELECT y.customer_id, y.cost_yesterday, b.avg_daily,
  ((y.cost_yesterday - b.avg_daily) / b.avg_daily * 100) as percent_change,
  CASE
    WHEN y.cost_yesterday > b.avg_daily + (2 * b.stddev_daily) THEN '🔴 High Alert'
    WHEN y.cost_yesterday > b.avg_daily + b.stddev_daily THEN '🟡 Warning'
    ELSE '🟢 Normal'
  END as alert_level
FROM yesterday_cost y
JOIN customer_baseline b ON y.customer_id = b.customer_id
WHERE y.cost_yesterday > b.avg_daily + b.stddev_daily
ORDER BY percent_change DESC`

func seedRows(t *testing.T, db *sql.DB, q string, args ...any) [][]any {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// sameValue compares a panel value with the seed SQL's: equal strings, or numbers
// within rounding, or both NULL.
func sameValue(got, want any) bool {
	switch w := want.(type) {
	case nil:
		return got == nil
	case float64:
		g, ok := got.(float64)
		return ok && math.Abs(g-w) <= 1e-6*math.Max(1, math.Abs(w))
	}
	return got == want
}

func TestAnomalyPanelsMatchSeedSQL(t *testing.T) { bothWays(t, testAnomalyPanelsMatchSeedSQL) }

func testAnomalyPanelsMatchSeedSQL(t *testing.T, w *world) {
	for _, today := range []string{"2026-11-20", "2026-11-12", "2026-10-03"} {
		r := cost.DateRange{From: d(today).AddDate(0, 0, -30), To: d(today)}
		res := w.panel(t, "anomalies", "cost-anomalies", cost.PanelRequest{Range: r})
		checkColumns(t, res, "date", "daily_cost", "avg_7day", "upper_threshold", "lower_threshold", "status")
		want := seedRows(t, w.db.SQL(), seedCostAnomalies, today, today)
		// The panel clamps the lower threshold at $0. (It also leaves flagged
		// days out of later windows; these ranges have no flagged total.)
		for _, row := range want {
			if v, ok := row[4].(float64); ok && v < 0 {
				row[4] = 0.0
			}
		}
		compareRows(t, "cost-anomalies "+today, res.Rows, want)

		res = w.panel(t, "anomalies", "unusual-customers", cost.PanelRequest{Range: r})
		checkColumns(t, res, "customer_id", "cost_on_day", "avg_daily", "percent_change", "alert_level")
		want = seedRows(t, w.db.SQL(), seedUnusualCustomers, today, today, today)
		compareRows(t, "unusual-customers "+today, res.Rows, want)
		if today == "2026-11-20" && (len(res.Rows) == 0 || res.Rows[0][0] != "cust_c" || res.Rows[0][4] != "🔴 High Alert") {
			t.Errorf("unusual-customers %s = %v, want cust_c's spike first as a high alert", today, res.Rows)
		}
	}
}

func compareRows(t *testing.T, name string, got, want [][]any) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows, want %d\n got %v\nwant %v", name, len(got), len(want), got, want)
	}
	for i := range want {
		for j := range want[i] {
			if !sameValue(got[i][j], want[i][j]) {
				t.Errorf("%s row %d col %d = %v (%T), want %v (%T)", name, i, j, got[i][j], got[i][j], want[i][j], want[i][j])
			}
		}
	}
}
