package clickhouse_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/clickhouse"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/query"
)

// benchRows is the default benchmark size: a year at 100k cost lines a day.
const benchRows = 36_500_000

// Both engines get the same shape of data from their own hash of the line
// number: each of 365 days repeats one pattern of lines over 1,000 customers (1%
// unattributed), 8 models on 3 providers and 4 token types (one of them
// non-token charges), scaled by a weekday factor.

// duckBench fills DuckDB's cost_lines; ? = lines per day, first day.
const duckBench = `
INSERT INTO cost_lines (date, cloud_provider, service, model, model_family, token_type, usage_amount,
	usage_unit, cost_usd, currency, customer_id, source, source_partition, cost_source, data_status,
	requests, ingested_at)
SELECT CAST(? AS DATE) + CAST(k AS INTEGER) AS date,
	['AWS','AWS','AWS','GCP','GCP','Azure','Azure','AWS'][m + 1],
	['Amazon Bedrock','Amazon Bedrock','Amazon Bedrock','Vertex AI','Vertex AI','Azure OpenAI','Azure OpenAI','Amazon Bedrock'][m + 1],
	['claude-3-5-sonnet','claude-3-haiku','llama-3-70b','gemini-1.5-pro','gemini-1.5-flash','gpt-4o','gpt-4o-mini','mistral-large'][m + 1],
	['claude','claude','llama','gemini','gemini','gpt','gpt','mistral'][m + 1],
	['input','output','cache_read',''][t + 1], u * f, CASE WHEN t = 3 THEN 'hours' ELSE 'tokens' END,
	f * CASE WHEN t = 3 THEN 0.05 ELSE u * [3.0,0.25,0.7,1.25,0.075,2.5,0.15,2.0][m + 1] * [1.0,4.0,0.1][t + 1] / 1e6 END,
	'USD', CASE WHEN c >= 1000 THEN '' ELSE 'cust_' || lpad(CAST(c AS VARCHAR), 4, '0') END,
	'bench', 'bench', 'billing_export', 'final', CAST(u // 1000 AS BIGINT), TIMESTAMP '2026-01-01 00:00:00'
FROM (SELECT k, CAST(h % 8 AS INTEGER) AS m, CAST((h // 8) % 4 AS INTEGER) AS t,
		CAST((h // 32) % 1010 AS INTEGER) AS c, CAST(1000 + (h // 32320) % 100000 AS DOUBLE) AS u,
		(0.8 + ((k * 7919) % 400) / 1000.0) * CASE WHEN dayofweek(CAST(? AS DATE) + CAST(k AS INTEGER)) IN (0, 6) THEN 0.4 ELSE 1 END AS f
	FROM (SELECT i // ? AS k, hash(i % ?) AS h FROM range(?) r(i)))
ORDER BY date`

// chBench fills ClickHouse's cost_lines under version 1; ? = first day, lines per day.
const chBench = `
INSERT INTO cost_lines (date, cloud_provider, service, model, model_family, token_type, usage_amount,
	usage_unit, cost_usd, currency, customer_id, source, source_partition, cost_source, data_status,
	requests, version, ingested_at)
SELECT d, ['AWS','AWS','AWS','GCP','GCP','Azure','Azure','AWS'][m + 1],
	['Amazon Bedrock','Amazon Bedrock','Amazon Bedrock','Vertex AI','Vertex AI','Azure OpenAI','Azure OpenAI','Amazon Bedrock'][m + 1],
	['claude-3-5-sonnet','claude-3-haiku','llama-3-70b','gemini-1.5-pro','gemini-1.5-flash','gpt-4o','gpt-4o-mini','mistral-large'][m + 1],
	['claude','claude','llama','gemini','gemini','gpt','gpt','mistral'][m + 1],
	['input','output','cache_read',''][t + 1], u * f, if(t = 3, 'hours', 'tokens'),
	f * if(t = 3, 0.05, u * [3.0,0.25,0.7,1.25,0.075,2.5,0.15,2.0][m + 1] * [1.0,4.0,0.1][t + 1] / 1e6),
	'USD', if(c >= 1000, '', concat('cust_', substring(concat('000', toString(c)), length(toString(c)), 4))),
	'bench', 'bench', 'billing_export', 'final', toInt64(intDiv(u, 1000)), toUInt64(1), toDateTime('2026-01-01 00:00:00', 'UTC')
FROM (SELECT toDate(?) + k AS d, h % 8 AS m, intDiv(h, 8) % 4 AS t, intDiv(h, 32) % 1010 AS c,
		toFloat64(1000 + intDiv(h, 32320) % 100000) AS u,
		(0.8 + ((k * 7919) % 400) / 1000) * if(toDayOfWeek(d) >= 6, 0.4, 1) AS f
	FROM (SELECT intDiv(number, ?) AS k, cityHash64(number % ?) AS h FROM numbers(?)))`

// BenchmarkPanels loads the same generated year into DuckDB and ClickHouse
// and times every panel, and explain, through the query layer on both (median
// of benchReps runs). LLMCOST_BENCH_ROWS sets the size (default 36.5M); with
// LLMCOST_BENCH_STORE set to a directory, the DuckDB file is kept there and
// the ClickHouse data in database llmcost_bench_<rows>, both reused by later
// runs of the same size.
func BenchmarkPanels(b *testing.B) {
	addr := serverAddr(b)
	rows := benchRows
	if s := os.Getenv("LLMCOST_BENCH_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 365 {
			b.Fatalf("LLMCOST_BENCH_ROWS=%q: want a number of rows of at least 365", s)
		}
		rows = n
	}
	perDay := (rows + 364) / 365
	today := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	first := today.AddDate(0, 0, -365).Format(cost.DateLayout)
	ctx := context.Background()
	keep := os.Getenv("LLMCOST_BENCH_STORE")

	duck := benchDuckDB(b, keep, perDay, first)
	defer duck.Close()
	ch := benchClickHouse(b, addr, keep, perDay, first, today)
	defer ch.Close()

	now := func() time.Time { return today.Add(12 * time.Hour) }
	services := []struct {
		name  string
		store cost.Store
	}{{"duckdb", duck}, {"clickhouse", ch}}
	r := cost.DateRange{From: today.AddDate(0, 0, -30), To: today}
	type call struct {
		name string
		run  func(*query.Service) error
	}
	var calls []call
	for _, d := range cost.Dashboards {
		for _, p := range d.Panels {
			calls = append(calls, call{d.ID + "/" + p.ID, func(svc *query.Service) error {
				_, err := svc.Panel(ctx, cost.AdminPrincipal(), cost.PanelRequest{Dashboard: d.ID, Panel: p.ID, Range: r})
				return err
			}})
		}
	}
	spike := today.AddDate(0, 0, -1)
	calls = append(calls, call{"explain (yesterday)", func(svc *query.Service) error {
		_, err := svc.Explain(ctx, cost.AdminPrincipal(), cost.ExplainRequest{Range: cost.DateRange{From: spike, To: spike}})
		return err
	}})
	for _, s := range services {
		if err := s.store.SetBudget(ctx, cost.Budget{MonthlyUSD: 250000}); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		fmt.Printf("\nPanels through the query layer, %d cost lines, last 30 days (ms, median of %d)\n%-36s %10s %10s\n",
			perDay*365, benchReps, "panel", "duckdb", "clickhouse")
		for _, c := range calls {
			fmt.Printf("%-36s", c.name)
			for _, s := range services {
				svc := query.NewService(s.store, now)
				var walls []time.Duration
				for range benchReps {
					t0 := time.Now()
					if err := c.run(svc); err != nil {
						b.Fatalf("%s on %s: %v", c.name, s.name, err)
					}
					walls = append(walls, time.Since(t0))
				}
				slices.Sort(walls)
				fmt.Printf(" %10.1f", float64(walls[len(walls)/2].Microseconds())/1000)
			}
			fmt.Println()
		}
	}
}

// benchReps is how many runs each figure takes the median of.
const benchReps = 5

// benchDuckDB opens the DuckDB side, kept under dir when set.
func benchDuckDB(b *testing.B, dir string, perDay int, first string) *duckdb.DB {
	path := filepath.Join(b.TempDir(), "bench.duckdb")
	if dir != "" {
		path = filepath.Join(dir, fmt.Sprintf("ch-duckdb-%d.duckdb", perDay*365))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
	}
	duck, err := duckdb.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var n int
	if err := duck.SQL().QueryRowContext(ctx, "SELECT COUNT(*) FROM cost_lines").Scan(&n); err != nil {
		b.Fatal(err)
	}
	if n == perDay*365 {
		fmt.Printf("duckdb: reusing %d cost lines in %s\n", n, path)
		return duck
	}
	start := time.Now()
	if _, err := duck.SQL().ExecContext(ctx, duckBench, first, first, perDay, perDay, perDay*365); err != nil {
		b.Fatal(err)
	}
	fmt.Printf("duckdb: populated %d cost lines in %s\n", perDay*365, time.Since(start).Round(time.Millisecond))
	return duck
}

// benchClickHouse opens the ClickHouse side: a throwaway database, or
// llmcost_bench_<rows>, kept, when keep is set.
func benchClickHouse(b *testing.B, addr, keep string, perDay int, first string, today time.Time) *clickhouse.Store {
	if keep == "" {
		ch := openStore(b, addr, "")
		loadClickHouse(b, ch, perDay, first, today)
		return ch
	}
	meta, err := duckdb.Open("")
	if err != nil {
		b.Fatal(err)
	}
	ch, err := clickhouse.Open(context.Background(), clickhouse.Config{
		DSN: fmt.Sprintf("%s/llmcost_bench_%d", addr, perDay*365), Meta: meta})
	if err != nil {
		b.Fatal(err)
	}
	var n uint64
	if err := ch.Conn().QueryRow(context.Background(), "SELECT count() FROM cost_lines").Scan(&n); err != nil {
		b.Fatal(err)
	}
	if int(n) == perDay*365 {
		fmt.Printf("clickhouse: reusing %d cost lines\n", n)
		return ch
	}
	if err := ch.Conn().Exec(context.Background(), "TRUNCATE TABLE cost_lines"); err != nil {
		b.Fatal(err)
	}
	loadClickHouse(b, ch, perDay, first, today)
	return ch
}

// loadClickHouse generates the lines into ch and publishes their version.
func loadClickHouse(b *testing.B, ch *clickhouse.Store, perDay int, first string, today time.Time) {
	ctx := context.Background()
	start := time.Now()
	if err := ch.Conn().Exec(ctx, chBench, first, perDay, perDay, perDay*365); err != nil {
		b.Fatal(err)
	}
	publish, err := ch.Conn().PrepareBatch(ctx, "INSERT INTO part_versions (source, key, version, line_count, cost_usd, ingested_at)")
	if err != nil {
		b.Fatal(err)
	}
	if err := publish.Append("bench", "bench", uint64(1), int64(perDay*365), 0.0, today); err != nil {
		b.Fatal(err)
	}
	if err := publish.Send(); err != nil {
		b.Fatal(err)
	}
	fmt.Printf("clickhouse: populated %d cost lines in %s\n", perDay*365, time.Since(start).Round(time.Millisecond))
}
