package query_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/query"
)

// benchRows is the default benchmark size: a year at 100k cost lines a day.
const benchRows = 36_500_000

// benchPattern builds one day's pattern of lines: 1,000 customers (1%
// unattributed), 8 models on 3 providers and 4 token types (one of them non-token
// charges), every column derived from a hash of the line number, in the order
// ingest writes a day (cloud provider, then model).
const benchPattern = `
CREATE TEMP TABLE bench_pattern AS
SELECT ['AWS','AWS','AWS','GCP','GCP','Azure','Azure','AWS'][m + 1] AS cloud_provider,
	['Amazon Bedrock','Amazon Bedrock','Amazon Bedrock','Vertex AI','Vertex AI','Azure OpenAI','Azure OpenAI','Amazon Bedrock'][m + 1] AS service,
	['claude-3-5-sonnet','claude-3-haiku','llama-3-70b','gemini-1.5-pro','gemini-1.5-flash','gpt-4o','gpt-4o-mini','mistral-large'][m + 1] AS model,
	['claude','claude','llama','gemini','gemini','gpt','gpt','mistral'][m + 1] AS model_family,
	['input','output','cache_read',''][t + 1] AS token_type,
	u AS usage_amount, CASE WHEN t = 3 THEN 'hours' ELSE 'tokens' END AS usage_unit,
	CASE WHEN t = 3 THEN 0.05 ELSE u * [3.0,0.25,0.7,1.25,0.075,2.5,0.15,2.0][m + 1] * [1.0,4.0,0.1][t + 1] / 1e6 END AS cost_usd,
	CASE WHEN c >= 1000 THEN '' ELSE 'cust_' || lpad(CAST(c AS VARCHAR), 4, '0') END AS customer_id,
	CAST(u // 1000 AS BIGINT) AS requests
FROM (SELECT i, CAST(h % 8 AS INTEGER) AS m, CAST((h // 8) % 4 AS INTEGER) AS t,
		CAST((h // 32) % 1010 AS INTEGER) AS c, CAST(1000 + (h // 32320) % 100000 AS DOUBLE) AS u
	FROM (SELECT i, hash(i) AS h FROM range(?) r(i)))
ORDER BY cloud_provider, model, i`

// benchDay appends the pattern for one day, its usage and cost scaled by a
// factor; with spike set, customers whose id ends in 00 spend three times as much.
const benchDay = `
INSERT INTO cost_rows (date, cloud_provider, service, model, model_family, token_type, usage_amount,
	usage_unit, cost_usd, cost, currency, customer_id, source, source_partition, cost_source,
	data_status, requests, unpriced, ingested_at)
SELECT CAST(? AS DATE), cloud_provider, service, model, model_family, token_type, usage_amount * ?,
	usage_unit, cost_usd * ? * CASE WHEN ? AND right(customer_id, 2) = '00' THEN 3.0 ELSE 1.0 END, 0, 'USD', customer_id, 'bench', 'bench', 'billing_export', 'final',
	requests, false, TIMESTAMP '2026-01-01 00:00:00'
FROM bench_pattern`

// benchPopulate fills cost_lines with rows lines over the 365 days before today,
// in date order, each day's figures scaled by a weekday factor (weekends at 40%)
// and a deterministic per-day wobble; ten customers spike the day before today.
func benchPopulate(ctx context.Context, sqldb *sql.DB, rows int, today time.Time) error {
	db, err := sqldb.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer db.Rollback()
	if _, err := db.ExecContext(ctx, benchPattern, (rows+364)/365); err != nil {
		return err
	}
	for k := range 365 {
		day := today.AddDate(0, 0, k-365)
		f := 0.8 + float64((k*7919)%400)/1000
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			f *= 0.4
		}
		if _, err := db.ExecContext(ctx, benchDay, day.Format(cost.DateLayout), f, f, k == 364); err != nil {
			return err
		}
	}
	if _, err := db.ExecContext(ctx, `DROP TABLE bench_pattern`); err != nil {
		return err
	}
	return db.Commit()
}

// rawPanels are the hand-written DuckDB statements equivalent to each named panel
// over cost_lines, with placeholders: today, range from, month start, today − 7,
// today − 1 (as the arguments of benchArgs).
var rawPanels = map[string]string{
	"overview/total-cost-this-month": `SELECT SUM(cost_usd) AS total_cost FROM cost_lines WHERE date BETWEEN $3::DATE AND $1::DATE`,
	"overview/cost-by-provider": `SELECT cloud_provider, SUM(cost_usd) AS cost FROM cost_lines
		WHERE date BETWEEN $2::DATE AND $1::DATE GROUP BY cloud_provider ORDER BY cost DESC`,
	"overview/daily-cost-trend": `SELECT date, cloud_provider, SUM(cost_usd) AS daily_cost FROM cost_lines
		WHERE date BETWEEN $2::DATE AND $1::DATE GROUP BY date, cloud_provider ORDER BY date, cloud_provider`,
	"overview/top-customers": `SELECT customer_id, SUM(cost_usd) AS total_spend FROM cost_lines
		WHERE date BETWEEN $2::DATE AND $1::DATE AND customer_id <> '' GROUP BY customer_id ORDER BY total_spend DESC LIMIT 10`,
	"overview/budget-vs-actual": `SELECT SUM(cost_usd) AS actual, b.monthly_usd AS budget, SUM(cost_usd) / b.monthly_usd * 100 AS percent_used
		FROM cost_lines, (SELECT monthly_usd FROM budgets WHERE customer_id = '') b
		WHERE date BETWEEN $3::DATE AND $1::DATE GROUP BY b.monthly_usd`,
	"models/cost-per-model": `SELECT model, cloud_provider, SUM(cost_usd) AS total_cost,
		SUM(CASE WHEN token_type <> '' THEN usage_amount ELSE 0 END) AS total_tokens,
		SUM(CASE WHEN token_type <> '' THEN cost_usd ELSE 0 END) / NULLIF(SUM(CASE WHEN token_type <> '' THEN usage_amount ELSE 0 END), 0) * 1000 AS cost_per_1k_tokens,
		COUNT(DISTINCT NULLIF(customer_id, '')) AS active_customers
		FROM cost_lines WHERE date BETWEEN $2::DATE AND $1::DATE GROUP BY model, cloud_provider ORDER BY total_cost DESC`,
	"models/model-cost-trend": `SELECT date, model, SUM(cost_usd) AS daily_cost FROM cost_lines
		WHERE date BETWEEN $2::DATE AND $1::DATE GROUP BY date, model ORDER BY date, model`,
	"models/input-vs-output": `SELECT model, SUM(CASE WHEN token_type = 'input' THEN cost_usd ELSE 0 END) AS input_cost,
		SUM(CASE WHEN token_type = 'output' THEN cost_usd ELSE 0 END) AS output_cost,
		SUM(CASE WHEN token_type IN ('cache_read', 'cache_write') THEN cost_usd ELSE 0 END) AS cache_cost,
		SUM(CASE WHEN token_type = 'reasoning' THEN cost_usd ELSE 0 END) AS reasoning_cost,
		SUM(CASE WHEN token_type NOT IN ('input', 'output', 'cache_read', 'cache_write', 'reasoning') THEN cost_usd ELSE 0 END) AS other_cost
		FROM cost_lines WHERE date BETWEEN $2::DATE AND $1::DATE AND model <> ''
		GROUP BY model ORDER BY SUM(cost_usd) DESC`,
	"models/model-efficiency": `SELECT model, SUM(cost_usd) / NULLIF(SUM(usage_amount), 0) * 1000 AS cost_per_1k
		FROM cost_lines WHERE date BETWEEN $4::DATE AND $1::DATE AND token_type <> ''
		GROUP BY model HAVING SUM(usage_amount) > 100000 ORDER BY cost_per_1k`,
	"customers/customer-heatmap": `SELECT customer_id, date_trunc('week', date) AS week, SUM(cost_usd) AS weekly_cost
		FROM cost_lines WHERE date BETWEEN $2::DATE AND $1::DATE AND customer_id <> ''
		GROUP BY customer_id, week ORDER BY week, customer_id`,
	"customers/top-spenders": `SELECT customer_id, SUM(CASE WHEN date >= $3::DATE THEN cost_usd ELSE 0 END) AS mtd_cost,
		SUM(CASE WHEN date >= $4::DATE THEN cost_usd ELSE 0 END) AS last_7_days,
		COUNT(DISTINCT CASE WHEN date >= $3::DATE THEN date END) AS active_days,
		STRING_AGG(DISTINCT mtd_model, ', ' ORDER BY mtd_model) AS models_used
		FROM (SELECT *, CASE WHEN date >= $3::DATE THEN NULLIF(model, '') END AS mtd_model FROM cost_lines
		WHERE date BETWEEN least($3::DATE, $4::DATE) AND $1::DATE AND customer_id <> '')
		GROUP BY customer_id HAVING COUNT(CASE WHEN date >= $3::DATE THEN 1 END) > 0 ORDER BY mtd_cost DESC LIMIT 20`,
	"customers/customer-growth": `SELECT date, COUNT(DISTINCT NULLIF(customer_id, '')) AS active_customers, SUM(cost_usd) AS total_cost
		FROM cost_lines WHERE date BETWEEN $2::DATE AND $1::DATE GROUP BY date ORDER BY date`,
	"anomalies/cost-anomalies": `WITH daily_stats AS (
			SELECT date, SUM(cost_usd) AS daily_cost FROM cost_lines
			WHERE date BETWEEN $2::DATE AND $1::DATE GROUP BY date),
		moving_avg AS (
			SELECT date, daily_cost,
				AVG(daily_cost) OVER (ORDER BY date ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS avg_7day,
				STDDEV(daily_cost) OVER (ORDER BY date ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS stddev_7day
			FROM daily_stats)
		SELECT date, daily_cost, avg_7day, avg_7day + 2 * stddev_7day AS upper_threshold,
			avg_7day - 2 * stddev_7day AS lower_threshold,
			CASE WHEN daily_cost > avg_7day + 2 * stddev_7day THEN 'High Anomaly'
				WHEN daily_cost < avg_7day - 2 * stddev_7day THEN 'Low Anomaly' ELSE 'Normal' END AS status
		FROM moving_avg ORDER BY date`,
	"anomalies/unusual-customers": `WITH customer_baseline AS (
			SELECT customer_id, AVG(daily_cost) AS avg_daily, STDDEV(daily_cost) AS stddev_daily
			FROM (SELECT customer_id, date, SUM(cost_usd) AS daily_cost FROM cost_lines
				WHERE date BETWEEN $1::DATE - 30 AND $1::DATE AND customer_id <> '' GROUP BY customer_id, date)
			GROUP BY customer_id),
		yesterday_cost AS (
			SELECT customer_id, SUM(cost_usd) AS cost_yesterday FROM cost_lines
			WHERE date = $5::DATE AND customer_id <> '' GROUP BY customer_id)
		SELECT y.customer_id, y.cost_yesterday, b.avg_daily,
			(y.cost_yesterday - b.avg_daily) / b.avg_daily * 100 AS percent_change,
			CASE WHEN y.cost_yesterday > b.avg_daily + 2 * b.stddev_daily THEN 'High Alert'
				WHEN y.cost_yesterday > b.avg_daily + b.stddev_daily THEN 'Warning' ELSE 'Normal' END AS alert_level
		FROM yesterday_cost y JOIN customer_baseline b ON y.customer_id = b.customer_id
		WHERE y.cost_yesterday > b.avg_daily + b.stddev_daily ORDER BY percent_change DESC`,
}

func TestRawPanelsCoverEveryPanel(t *testing.T) {
	n := 0
	for _, d := range cost.Dashboards {
		for _, p := range d.Panels {
			if rawPanels[d.ID+"/"+p.ID] == "" {
				t.Errorf("no hand-written SQL for %s/%s", d.ID, p.ID)
			}
			n++
		}
	}
	if n != len(rawPanels) {
		t.Errorf("%d raw statements for %d panels", len(rawPanels), n)
	}
}

// TestRawPanelsAgree checks that each hand-written statement returns as many rows
// as the named panel on the test data, so the benchmark compares like with like.
func TestRawPanelsAgree(t *testing.T) {
	w := newWorld(t)
	r := last30
	for key, q := range rawPanels {
		dash, panel, _ := strings.Cut(key, "/")
		res := w.panel(t, dash, panel, cost.PanelRequest{Range: r})
		q, args := positional(q, benchArgs(testToday, r))
		n, err := countRows(context.Background(), w.db.SQL(), q, args...)
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		if n != len(res.Rows) {
			t.Errorf("%s: hand-written SQL returns %d rows, the panel %d", key, n, len(res.Rows))
		}
	}
}

func benchArgs(today time.Time, r cost.DateRange) []any {
	f := func(t time.Time) any { return t.Format(cost.DateLayout) }
	return []any{f(today), f(r.From), f(cost.MonthStart(today)), f(today.AddDate(0, 0, -6)), f(today.AddDate(0, 0, -1))}
}

var placeholderRe = regexp.MustCompile(`\$(\d)`)

// positional rewrites $N placeholders as ? with the arguments in order of use.
func positional(q string, args []any) (string, []any) {
	var out []any
	q = placeholderRe.ReplaceAllStringFunc(q, func(m string) string {
		out = append(out, args[m[1]-'1'])
		return "?"
	})
	return q, out
}

// countRows runs q (with ? placeholders) and reads every row.
func countRows(ctx context.Context, db *sql.DB, q string, args ...any) (int, error) {
	return scanCount(db.QueryContext(ctx, q, args...))
}

// scanCount reads every row of a query's answer, as countRows does.
func scanCount(rows *sql.Rows, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return 0, err
		}
		n++
	}
	return n, rows.Err()
}

// BenchmarkPanels times every named panel end to end through the Service and the
// equivalent hand-written SQL straight on DuckDB, alternating in one loop, and
// reports both and their ratio. LLMCOST_BENCH_ROWS sets the number of cost lines
// (default 36.5M: a year at 100k a day).
func BenchmarkPanels(b *testing.B) {
	rows := benchSize(b)
	today := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	db := openBench(b, rows, today)
	ctx := context.Background()
	svc := query.NewService(db, func() time.Time { return today.Add(12 * time.Hour) })
	r := cost.DateRange{From: today.AddDate(0, 0, -30), To: today}
	args := benchArgs(today, r)

	type line struct {
		panel         string
		service, raw  time.Duration
		ratio         float64
		svcRows, rawN int
	}
	var table []line
	for _, d := range cost.Dashboards {
		for _, p := range d.Panels {
			key := d.ID + "/" + p.ID
			var l line
			rq, rargs := positional(rawPanels[key], args)
			b.Run(key, func(b *testing.B) {
				var svcTime, rawTime time.Duration
				for b.Loop() {
					t0 := time.Now()
					res, err := svc.Panel(ctx, cost.AdminPrincipal(), cost.PanelRequest{Dashboard: d.ID, Panel: p.ID, Range: r})
					if err != nil {
						b.Fatal(err)
					}
					t1 := time.Now()
					n, err := countRows(ctx, db.SQL(), rq, rargs...)
					if err != nil {
						b.Fatal(err)
					}
					rawTime += time.Since(t1)
					svcTime += t1.Sub(t0)
					l = line{panel: key, svcRows: len(res.Rows), rawN: n}
				}
				n := float64(b.N)
				b.ReportMetric(float64(svcTime.Microseconds())/1000/n, "service-ms/op")
				b.ReportMetric(float64(rawTime.Microseconds())/1000/n, "sql-ms/op")
				b.ReportMetric(float64(svcTime)/float64(rawTime), "ratio")
				l.service, l.raw = svcTime/time.Duration(b.N), rawTime/time.Duration(b.N)
				l.ratio = float64(svcTime) / float64(rawTime)
			})
			if l.panel != "" {
				table = append(table, l)
			}
		}
	}
	fmt.Printf("\n%-32s %12s %12s %7s %6s\n", "panel", "service", "raw sql", "ratio", "rows")
	for _, l := range table {
		fmt.Printf("%-32s %12s %12s %6.2fx %6d\n", l.panel, l.service.Round(10*time.Microsecond),
			l.raw.Round(10*time.Microsecond), l.ratio, l.svcRows)
	}
}

// benchSize is the number of cost lines of the panel benchmarks:
// LLMCOST_BENCH_ROWS, default benchRows.
func benchSize(b *testing.B) int {
	s := os.Getenv("LLMCOST_BENCH_ROWS")
	if s == "" {
		return benchRows
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 365 {
		b.Fatalf("LLMCOST_BENCH_ROWS=%q: want a number of rows of at least 365", s)
	}
	return n
}

var benchStore struct {
	sync.Mutex
	db   *duckdb.DB
	rows int
}

// openBench returns a DuckDB store holding rows generated cost lines for the
// year before today (benchPopulate) and an organisation budget. The benchmarks
// of one run share it. With LLMCOST_BENCH_STORE set to a directory the store is
// kept there between runs and built only when absent (or of another size);
// otherwise it lives in a temporary directory TestMain removes.
func openBench(b *testing.B, rows int, today time.Time) *duckdb.DB {
	benchStore.Lock()
	defer benchStore.Unlock()
	if benchStore.db != nil && benchStore.rows == rows {
		return benchStore.db
	}
	dir := os.Getenv("LLMCOST_BENCH_STORE")
	if dir == "" {
		tmp, err := os.MkdirTemp("", "llmcost-bench-")
		if err != nil {
			b.Fatal(err)
		}
		dir, benchDir = tmp, tmp
	}
	db, err := openKept(dir, rows)
	if err != nil {
		b.Fatal(err)
	}
	if db == nil {
		if db, err = buildBench(dir, rows, today); err != nil {
			b.Fatal(err)
		}
	}
	benchStore.db, benchStore.rows = db, rows
	return db
}

// openKept opens the store kept in dir when it holds rows lines; it returns nil
// when there is none (or it is of another size, which it removes).
func openKept(dir string, rows int) (*duckdb.DB, error) {
	path := filepath.Join(dir, benchFile(rows))
	if _, err := os.Stat(path); err != nil {
		return nil, nil
	}
	db, err := duckdb.Open(path)
	if err != nil {
		return nil, err
	}
	var n int
	if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM cost_lines`).Scan(&n); err != nil || n < rows {
		db.Close()
		return nil, os.Remove(path)
	}
	fmt.Printf("reusing %d cost lines in %s\n", n, path)
	return db, nil
}

// benchFile names the store file of a benchmark size.
func benchFile(rows int) string { return fmt.Sprintf("bench-%d.duckdb", rows) }

func buildBench(dir string, rows int, today time.Time) (*duckdb.DB, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	db, err := duckdb.Open(filepath.Join(dir, benchFile(rows)))
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	start := time.Now()
	if err := benchPopulate(ctx, db.SQL(), rows, today); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.RebuildSummaries(ctx); err != nil { // The lines were written around the store.
		db.Close()
		return nil, err
	}
	if err := db.SetBudget(ctx, cost.Budget{MonthlyUSD: 250000}); err != nil {
		db.Close()
		return nil, err
	}
	if _, err := db.SQL().ExecContext(ctx, `CHECKPOINT`); err != nil {
		db.Close()
		return nil, err
	}
	fmt.Printf("populated %d cost lines in %s\n", rows, time.Since(start).Round(time.Millisecond))
	return db, nil
}

// benchDir is the shared benchmark store's temporary directory, removed after
// the run (empty when LLMCOST_BENCH_STORE keeps the store).
var benchDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if benchStore.db != nil {
		benchStore.db.Close()
	}
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}
