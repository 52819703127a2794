package chat_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/chat"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/demo"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/query"
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
INSERT INTO cost_lines (date, cloud_provider, service, model, model_family, token_type, usage_amount,
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

// largeEngine builds the large dataset in a DuckDB file and returns an engine over
// it. LLMCOST_BENCH_ROWS sets the number of cost lines (default 36.5M).
func largeEngine(b *testing.B) *chat.Engine {
	rows := largeRows
	if s := os.Getenv("LLMCOST_BENCH_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 365 {
			b.Fatalf("LLMCOST_BENCH_ROWS=%q: want a number of rows of at least 365", s)
		}
		rows = n
	}
	db, err := duckdb.Open(filepath.Join(b.TempDir(), "chat-bench.duckdb"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	ctx := context.Background()
	start := time.Now()
	customers := largeCustomerList()
	for _, c := range customers {
		if err := db.SetCustomer(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
	if err := largePopulate(ctx, db.SQL(), rows, customers); err != nil {
		b.Fatal(err)
	}
	// Budgets scaled to the data: the organisation's a little above a typical
	// month, the first eight customers' around theirs (a month is about
	// rows/12 lines at some $0.08 a line, shared by 1,010 customer slots).
	month := float64(rows) / 12 * 0.08
	if err := db.SetBudget(ctx, cost.Budget{MonthlyUSD: month * 1.1}); err != nil {
		b.Fatal(err)
	}
	for i, c := range customers[:8] {
		if err := db.SetBudget(ctx, cost.Budget{CustomerID: c.ID, MonthlyUSD: month / 1010 * (0.6 + 0.2*float64(i))}); err != nil {
			b.Fatal(err)
		}
	}
	var n int64
	if err := db.SQL().QueryRowContext(ctx, "SELECT count(*) FROM cost_lines").Scan(&n); err != nil {
		b.Fatal(err)
	}
	fmt.Printf("populated %d cost lines for %d customers in %s\n", n, len(customers), time.Since(start).Round(time.Millisecond))
	now := today.Add(12 * time.Hour)
	qs := query.NewService(db, func() time.Time { return now })
	return chat.New(chat.Config{Query: qs, Store: db})
}

// BenchmarkLatencyLarge asks the whole question set (testdata/questions.txt) once
// per iteration over a year of cost lines (36.5M by default, LLMCOST_BENCH_ROWS
// to shrink it) and reports the p50 and p95 latency of one answer.
func BenchmarkLatencyLarge(b *testing.B) {
	e := largeEngine(b)
	qs := loadQuestions(b, "testdata/questions.txt")
	ctx := context.Background()
	var lat []time.Duration
	pass := 0
	for b.Loop() {
		pass++
		for i, q := range qs {
			conv := fmt.Sprintf("large%d-%s", pass, q.conv)
			if q.conv == "" {
				conv = fmt.Sprintf("large%d-q%d", pass, i)
			}
			start := time.Now()
			if _, err := e.Ask(ctx, principal(q.as), cost.ChatRequest{Message: q.text, ConversationID: conv}); err != nil {
				b.Fatalf("line %d %q: %v", q.line, q.text, err)
			}
			lat = append(lat, time.Since(start))
		}
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[int(p*float64(len(lat)-1))] }
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(pct(0.50)), "p50-ms")
	b.ReportMetric(ms(pct(0.95)), "p95-ms")
	fmt.Printf("chat latency over %d answers (%d questions): p50 %s, p95 %s, max %s\n",
		len(lat), len(qs), pct(0.50).Round(10*time.Microsecond), pct(0.95).Round(10*time.Microsecond), lat[len(lat)-1].Round(10*time.Microsecond))
}
