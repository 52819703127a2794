package chat_test

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/chat"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/demo"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/query"
	"github.com/llmcost/llmcost/internal/sqlbuild"
)

// largeRows is the default size of the large chat benchmark: a year at 100k cost
// lines a day, as in the query layer's panel benchmark.
const largeRows = 36_500_000

// largeCustomers is the number of customers the large dataset bills.
const largeCustomers = 1000

// largePattern builds one day's pattern of lines, as the query layer's benchmark
// does: 1,000 customers (1% unattributed), 8 models on 3 providers and 4 token
// types (one of them non-token charges), every column derived from a hash of the
// line number. Customer number c takes its id from bench_ids, so the names the
// question set uses (the demo's) are real customers of the data.
const largePattern = `
CREATE TEMP TABLE bench_pattern AS
SELECT ['AWS','AWS','AWS','GCP','GCP','Azure','Azure','AWS'][m + 1] AS cloud_provider,
	['Amazon Bedrock','Amazon Bedrock','Amazon Bedrock','Vertex AI','Vertex AI','Azure OpenAI','Azure OpenAI','Amazon Bedrock'][m + 1] AS service,
	['claude-3-5-sonnet','claude-3-haiku','llama-3-70b','gemini-1.5-pro','gemini-1.5-flash','gpt-4o','gpt-4o-mini','mistral-large'][m + 1] AS model,
	['claude','claude','llama','gemini','gemini','gpt','gpt','mistral'][m + 1] AS model_family,
	['input','output','cache_read',''][t + 1] AS token_type,
	u AS usage_amount, CASE WHEN t = 3 THEN 'hours' ELSE 'tokens' END AS usage_unit,
	CASE WHEN t = 3 THEN 0.05 ELSE u * [3.0,0.25,0.7,1.25,0.075,2.5,0.15,2.0][m + 1] * [1.0,4.0,0.1][t + 1] / 1e6 END AS cost_usd,
	coalesce(ids.id, '') AS customer_id,
	CAST(u // 1000 AS BIGINT) AS requests
FROM (SELECT i, CAST(h % 8 AS INTEGER) AS m, CAST((h // 8) % 4 AS INTEGER) AS t,
		CAST((h // 32) % 1010 AS INTEGER) AS c, CAST(1000 + (h // 32320) % 100000 AS DOUBLE) AS u
	FROM (SELECT i, hash(i) AS h FROM range(?) r(i))) p
LEFT JOIN bench_ids ids ON ids.n = p.c
ORDER BY i`

// largeDay appends the pattern for one day, its usage and cost scaled by a factor.
const largeDay = `
INSERT INTO cost_rows (date, cloud_provider, service, model, model_family, token_type, usage_amount,
	usage_unit, cost_usd, cost, currency, customer_id, source, source_partition, cost_source,
	data_status, requests, unpriced, ingested_at)
SELECT CAST(? AS DATE), cloud_provider, service, model, model_family, token_type, usage_amount * ?,
	usage_unit, cost_usd * ?, 0, 'USD', customer_id, 'bench', 'bench', 'billing_export', 'final',
	requests, false, TIMESTAMP '2026-01-01 00:00:00'
FROM bench_pattern`

// largeCustomerList is the demo's 200 customers (the question set's Acme, Globex,
// Initech, Hooli, Umbrella… first), numbered on to largeCustomers.
func largeCustomerList() []cost.Customer {
	cs := demo.Generate(demo.Options{Seed: 7, End: today, Days: demo.MinDays, Customers: demo.MaxCustomers}).Customers
	for i := len(cs); i < largeCustomers; i++ {
		cs = append(cs, cost.Customer{ID: fmt.Sprintf("cust_%03d", i+1), Name: fmt.Sprintf("Customer %d", i+1)})
	}
	return cs
}

// largePopulate fills cost_lines with rows lines over the 365 days before today
// (up to yesterday), each day's figures scaled by a weekday factor (weekends at
// 40%) and a deterministic per-day wobble, billed to customers.
func largePopulate(ctx context.Context, sqldb *sql.DB, rows int, customers []cost.Customer) error {
	tx, err := sqldb.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE bench_ids (n INTEGER, id VARCHAR)`); err != nil {
		return err
	}
	for n, c := range customers {
		if _, err := tx.ExecContext(ctx, `INSERT INTO bench_ids VALUES (?, ?)`, n, c.ID); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, largePattern, (rows+364)/365); err != nil {
		return err
	}
	for k := range 365 {
		day := today.AddDate(0, 0, k-365)
		f := 0.8 + float64((k*7919)%400)/1000
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			f *= 0.4
		}
		if _, err := tx.ExecContext(ctx, largeDay, day.Format(cost.DateLayout), f, f); err != nil {
			return err
		}
	}
	for _, t := range []string{"bench_pattern", "bench_ids"} {
		if _, err := tx.ExecContext(ctx, "DROP TABLE "+t); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// largeMemory is the large store's DuckDB memory limit: the server's default.
const largeMemory = "2GB"

// largeRowCount is LLMCOST_BENCH_ROWS, or largeRows.
func largeRowCount(b *testing.B) int {
	s := os.Getenv("LLMCOST_BENCH_ROWS")
	if s == "" {
		return largeRows
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 365 {
		b.Fatalf("LLMCOST_BENCH_ROWS=%q: want a number of rows of at least 365", s)
	}
	return n
}

// largeStore opens the large dataset. With LLMCOST_BENCH_STORE=DIR it is kept in
// DIR/chat-<rows>.duckdb between runs and built only when that file is absent or
// incomplete; without it, it is built in a temporary directory. Budgets and
// alert rules are put back to the built state, since questions change them.
func largeStore(b *testing.B) *duckdb.DB {
	rows := largeRowCount(b)
	dir := os.Getenv("LLMCOST_BENCH_STORE")
	if dir == "" {
		dir = b.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, fmt.Sprintf("chat-%d.duckdb", rows))
	ctx := context.Background()
	db := openLarge(b, path)
	if s, err := db.Setting(ctx, "bench_rows"); err != nil || s != strconv.Itoa(rows) {
		db.Close()
		for _, f := range []string{path, path + ".wal"} {
			if err := os.Remove(f); err != nil && !os.IsNotExist(err) {
				b.Fatal(err)
			}
		}
		db = openLarge(b, path)
		buildLarge(b, db, rows)
		// Reopened, so the benchmark starts as a server does: nothing in DuckDB's buffers.
		db.Close()
		db = openLarge(b, path)
	} else {
		fmt.Printf("reusing %s\n", path)
	}
	resetLarge(b, db, rows)
	return db
}

func openLarge(b *testing.B, path string) *duckdb.DB {
	db, err := duckdb.OpenWith(path, duckdb.Options{MemoryLimit: largeMemory})
	if err != nil {
		b.Fatal(err)
	}
	return db
}

// buildLarge fills an empty store with rows cost lines and marks it complete.
func buildLarge(b *testing.B, db *duckdb.DB, rows int) {
	ctx := context.Background()
	start, cpu := time.Now(), cpuTime()
	customers := largeCustomerList()
	for _, c := range customers {
		if err := db.SetCustomer(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
	if err := largePopulate(ctx, db.SQL(), rows, customers); err != nil {
		b.Fatal(err)
	}
	if err := db.RebuildSummaries(ctx); err != nil { // The lines were written around the store.
		b.Fatal(err)
	}
	if _, err := db.SQL().ExecContext(ctx, "CHECKPOINT"); err != nil {
		b.Fatal(err)
	}
	if err := db.SetSetting(ctx, "bench_rows", strconv.Itoa(rows)); err != nil {
		b.Fatal(err)
	}
	fmt.Printf("built %d cost lines for %d customers in %s (CPU %s)\n", rows, len(customers),
		time.Since(start).Round(time.Millisecond), (cpuTime() - cpu).Round(time.Millisecond))
}

// resetLarge deletes every budget and alert rule, then sets the budgets the
// question set expects: the organisation's a little above a typical month, the
// first eight customers' around theirs (a month is about rows/12 lines at some
// $0.08 a line, shared by 1,010 customer slots).
func resetLarge(b *testing.B, db *duckdb.DB, rows int) {
	ctx := context.Background()
	budgets, err := db.Budgets(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for _, bu := range budgets {
		if err := db.DeleteBudget(ctx, bu.CustomerID); err != nil {
			b.Fatal(err)
		}
	}
	rules, err := db.AlertRules(ctx, "")
	if err != nil {
		b.Fatal(err)
	}
	for _, r := range rules {
		if err := db.DeleteAlertRule(ctx, r.ID); err != nil {
			b.Fatal(err)
		}
	}
	month := float64(rows) / 12 * 0.08
	if err := db.SetBudget(ctx, cost.Budget{MonthlyUSD: month * 1.1}); err != nil {
		b.Fatal(err)
	}
	for i, c := range largeCustomerList()[:8] {
		if err := db.SetBudget(ctx, cost.Budget{CustomerID: c.ID, MonthlyUSD: month / 1010 * (0.6 + 0.2*float64(i))}); err != nil {
			b.Fatal(err)
		}
	}
}

// cpuTime is the process's user plus system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// recorder is the store under the query service: it keeps every aggregate query
// an answer ran, so the benchmark can run the same SQL straight on DuckDB.
type recorder struct {
	*duckdb.DB
	mu      sync.Mutex
	queries []cost.AggregateQuery
}

func (r *recorder) Aggregate(ctx context.Context, q *cost.AggregateQuery) (*cost.Frame, error) {
	r.mu.Lock()
	r.queries = append(r.queries, *q)
	r.mu.Unlock()
	return r.DB.Aggregate(ctx, q)
}

// take returns the queries recorded since the last take.
func (r *recorder) take() []cost.AggregateQuery {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.queries
	r.queries = nil
	return out
}

// callTimer is the query service under the engine: it times each call the
// engine makes to the query layer, by method.
type callTimer struct {
	cost.QueryService
	mu    sync.Mutex
	calls map[string][]time.Duration
}

func timeCall[T any](c *callTimer, name string, run func() (T, error)) (T, error) {
	start := time.Now()
	out, err := run()
	d := time.Since(start)
	c.mu.Lock()
	c.calls[name] = append(c.calls[name], d)
	c.mu.Unlock()
	return out, err
}

func (c *callTimer) Query(ctx context.Context, p cost.Principal, q cost.Query) (*cost.Result, error) {
	return timeCall(c, "Query", func() (*cost.Result, error) { return c.QueryService.Query(ctx, p, q) })
}

func (c *callTimer) Customers(ctx context.Context, p cost.Principal) ([]cost.Customer, error) {
	return timeCall(c, "Customers", func() ([]cost.Customer, error) { return c.QueryService.Customers(ctx, p) })
}

func (c *callTimer) Explain(ctx context.Context, p cost.Principal, req cost.ExplainRequest) (*cost.Explanation, error) {
	return timeCall(c, "Explain", func() (*cost.Explanation, error) { return c.QueryService.Explain(ctx, p, req) })
}

func (c *callTimer) Anomalies(ctx context.Context, p cost.Principal, req cost.AnomalyRequest) (*cost.AnomalyReport, error) {
	return timeCall(c, "Anomalies", func() (*cost.AnomalyReport, error) { return c.QueryService.Anomalies(ctx, p, req) })
}

func (c *callTimer) Forecast(ctx context.Context, p cost.Principal, id string) (*cost.Forecast, error) {
	return timeCall(c, "Forecast", func() (*cost.Forecast, error) { return c.QueryService.Forecast(ctx, p, id) })
}

func (c *callTimer) BudgetStatus(ctx context.Context, p cost.Principal, id string) (*cost.BudgetStatus, error) {
	return timeCall(c, "BudgetStatus", func() (*cost.BudgetStatus, error) { return c.QueryService.BudgetStatus(ctx, p, id) })
}

func (c *callTimer) BudgetStatuses(ctx context.Context, p cost.Principal) ([]cost.BudgetStatus, error) {
	return timeCall(c, "BudgetStatuses", func() ([]cost.BudgetStatus, error) { return c.QueryService.BudgetStatuses(ctx, p) })
}

// print prints, per query-layer method, how often the engine called it and how
// long the calls took.
func (c *callTimer) print() {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Println("query-layer calls: method, calls, p50, p95, max, total")
	for _, name := range slices.Sorted(maps.Keys(c.calls)) {
		ds := c.calls[name]
		var sum time.Duration
		for _, d := range ds {
			sum += d
		}
		fmt.Printf("  %-15s %4d %9s %9s %9s %9s\n", name, len(ds), ms(pct(ds, .5)), ms(pct(ds, .95)), ms(ds[len(ds)-1]),
			sum.Round(time.Millisecond))
	}
}

// direct runs the SQL of qs straight on DuckDB (the same statements and
// arguments the store runs, rows read and dropped) and returns the time taken.
func direct(b *testing.B, db *duckdb.DB, qs []cost.AggregateQuery) time.Duration {
	ctx := context.Background()
	start := time.Now()
	for _, q := range qs {
		text, args, err := sqlbuild.Build(sqlbuild.DuckDB, &q)
		if err != nil {
			b.Fatal(err)
		}
		rows, err := db.SQL().QueryContext(ctx, text, args...)
		if err != nil {
			b.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				b.Fatal(err)
			}
		}
		if err := rows.Close(); err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start)
}

// timed is one answer's latency beside the same SQL run straight on DuckDB.
type timed struct {
	q       question
	took    time.Duration
	sql     time.Duration
	queries int
	shape   string
	intent  string
}

func (t timed) ratio() float64 {
	if t.sql <= 0 {
		return 0
	}
	return float64(t.took) / float64(t.sql)
}

// shapes are the question kinds the benchmark reports on their own.
var benchShapes = map[string]string{"explain": "spike", "drivers": "driver", "anomalies": "anomaly"}

// BenchmarkLatencyLarge asks the whole question set (testdata/questions.txt, and
// the held-out set) once per iteration over a year of cost lines (36.5M by
// default, LLMCOST_BENCH_ROWS to shrink it, LLMCOST_BENCH_STORE to keep the
// store between runs) through the query service without its result cache, and
// runs the SQL each answer ran straight on DuckDB beside it. It reports p50, p95
// and max of one answer, the same of the direct SQL, the spike and driver
// questions on their own, and the first question after start: the store opened,
// the engine warmed as `llmcost serve` warms it, then one question.
func BenchmarkLatencyLarge(b *testing.B) {
	db := largeStore(b)
	b.Cleanup(func() { db.Close() })
	rec := &recorder{DB: db}
	now := today.Add(12 * time.Hour)
	ctx := context.Background()
	calls := &callTimer{QueryService: query.NewService(rec, func() time.Time { return now }), calls: map[string][]time.Duration{}}
	e := chat.New(chat.Config{Query: calls, Store: db})
	start, cpu := time.Now(), cpuTime()
	if err := e.Warm(ctx); err != nil {
		b.Fatal(err)
	}
	warm, warmCPU := time.Since(start), cpuTime()-cpu
	rec.take()
	qs := loadQuestions(b, "testdata/questions.txt")
	qs = append(qs, loadQuestions(b, "testdata/heldout.txt")...)
	first := askTimed(b, e, rec, db, qs[0], "first")
	fmt.Printf("first question after start (%q): %s, SQL on DuckDB %s; warm-up before it %s (CPU %s)\n",
		first.q.text, ms(first.took), ms(first.sql), ms(warm), ms(warmCPU))
	calls.mu.Lock()
	clear(calls.calls)
	calls.mu.Unlock()
	var all []timed
	pass := 0
	cpu = cpuTime()
	start = time.Now()
	for b.Loop() {
		pass++
		for i, q := range qs {
			conv := fmt.Sprintf("large%d-%s", pass, q.conv)
			if q.conv == "" {
				conv = fmt.Sprintf("large%d-q%d", pass, i)
			}
			all = append(all, askTimed(b, e, rec, db, q, conv))
		}
	}
	wall, used := time.Since(start), cpuTime()-cpu
	report(b, all, wall, used)
	calls.print()
}

// askTimed asks q, then runs the SQL the answer ran straight on DuckDB.
func askTimed(b *testing.B, e *chat.Engine, rec *recorder, db *duckdb.DB, q question, conv string) timed {
	rec.take()
	start := time.Now()
	a, err := e.Ask(context.Background(), principal(q.as), cost.ChatRequest{Message: q.text, ConversationID: conv})
	took := time.Since(start)
	if err != nil {
		b.Fatalf("line %d %q: %v", q.line, q.text, err)
	}
	ran := rec.take()
	t := timed{q: q, took: took, queries: len(ran), shape: benchShapes[q.want.kind]}
	if a.Interpretation != nil {
		t.intent = a.Interpretation.Intent
	}
	t.sql = direct(b, db, ran)
	return t
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

// pct returns the p-th percentile of ds (sorted in place).
func pct(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return ds[int(p*float64(len(ds)-1))]
}

// report prints the benchmark's figures and the slowest answers.
func report(b *testing.B, all []timed, wall, cpu time.Duration) {
	line := func(name string, ts []timed) {
		var took, sqlt []time.Duration
		for _, t := range ts {
			took, sqlt = append(took, t.took), append(sqlt, t.sql)
		}
		if len(ts) == 0 {
			return
		}
		fmt.Printf("%-10s %4d answers: p50 %s, p95 %s, max %s | same SQL on DuckDB: p50 %s, p95 %s, max %s\n",
			name, len(ts), ms(pct(took, .5)), ms(pct(took, .95)), ms(took[len(took)-1]),
			ms(pct(sqlt, .5)), ms(pct(sqlt, .95)), ms(sqlt[len(sqlt)-1]))
		if name == "all" {
			b.ReportMetric(float64(pct(took, .5).Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(pct(took, .95).Microseconds())/1000, "p95-ms")
			b.ReportMetric(float64(took[len(took)-1].Microseconds())/1000, "max-ms")
		}
	}
	line("all", all)
	var over []time.Duration
	for _, t := range all {
		over = append(over, max(t.took-t.sql, 0))
	}
	fmt.Printf("engine time beyond the same SQL on DuckDB: p50 %s, p95 %s, max %s\n",
		ms(pct(over, .5)), ms(pct(over, .95)), ms(over[len(over)-1]))
	for _, shape := range []string{"spike", "driver", "anomaly"} {
		var ts []timed
		for _, t := range all {
			if t.shape == shape {
				ts = append(ts, t)
			}
		}
		line(shape, ts)
	}
	fmt.Printf("asked in %s wall, %s CPU (load average %s)\n", wall.Round(time.Millisecond), cpu.Round(time.Millisecond), loadAverage())
	slices.SortFunc(all, func(x, y timed) int { return int(y.took - x.took) })
	fmt.Println("slowest answers: latency, same SQL on DuckDB, ratio, queries, intent, question")
	for _, t := range all[:min(15, len(all))] {
		fmt.Printf("  %9s %9s %5.2f %3d %-12s %q\n", ms(t.took), ms(t.sql), t.ratio(), t.queries, t.intent, t.q.text)
	}
}

// loadAverage is the first three fields of /proc/loadavg.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
