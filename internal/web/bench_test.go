package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/alert"
	"github.com/llmcost/llmcost/internal/auth"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/httpapi"
	"github.com/llmcost/llmcost/internal/query"
	"github.com/llmcost/llmcost/internal/web"
)

// benchPopulate fills cost_lines with rows lines spread evenly over the 365 days
// before today: 1,000 customers (1% unattributed), 8 models on 3 providers and 3
// token types, each column derived from a hash of the row number.
const benchPopulate = `
INSERT INTO cost_rows (date, cloud_provider, service, model, model_family, token_type, usage_amount,
	usage_unit, cost_usd, cost, currency, customer_id, source, source_partition, cost_source,
	data_status, requests, unpriced, ingested_at)
SELECT date,
	['AWS','AWS','AWS','GCP','GCP','Azure','Azure','AWS'][m + 1],
	['Amazon Bedrock','Amazon Bedrock','Amazon Bedrock','Vertex AI','Vertex AI','Azure OpenAI','Azure OpenAI','Amazon Bedrock'][m + 1],
	['claude-3-5-sonnet','claude-3-haiku','llama-3-70b','gemini-1.5-pro','gemini-1.5-flash','gpt-4o','gpt-4o-mini','mistral-large'][m + 1],
	['claude','claude','llama','gemini','gemini','gpt','gpt','mistral'][m + 1],
	['input','output','cache_read'][t + 1],
	u, 'tokens',
	u * [3.0,0.25,0.7,1.25,0.075,2.5,0.15,2.0][m + 1] * [1.0,4.0,0.1][t + 1] / 1e6,
	0, 'USD',
	CASE WHEN c >= 1000 THEN '' ELSE 'cust_' || lpad(CAST(c AS VARCHAR), 4, '0') END,
	'bench', strftime(date, '%Y-%m'), 'billing_export', 'final', u // 1000, false, TIMESTAMP '2026-01-01 00:00:00'
FROM (
	SELECT CAST(? AS DATE) + CAST(i // ? AS INTEGER) AS date,
		CAST(h % 8 AS INTEGER) AS m,
		CAST((h // 8) % 3 AS INTEGER) AS t,
		CAST((h // 24) % 1010 AS INTEGER) AS c,
		CAST(1000 + (h // 24240) % 100000 AS DOUBLE) AS u
	FROM (SELECT i, hash(i) AS h FROM range(?) r(i))
)`

// BenchmarkDashboardRender times, in headless Chromium, navigation to each
// dashboard until every panel has rendered, on a year of cost lines
// (LLMCOST_BENCH_ROWS, default 36.5M: 100k a day), served as serve does (the
// result cache and encoded answers): right after a data change, when every
// answer is computed again, and repeated (answers revalidated).
func BenchmarkDashboardRender(b *testing.B) {
	rows := 36_500_000
	if s := os.Getenv("LLMCOST_BENCH_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 365 {
			b.Fatalf("LLMCOST_BENCH_ROWS=%q: want a number of rows of at least 365", s)
		}
		rows = n
	}
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	db, err := duckdb.Open(filepath.Join(b.TempDir(), "bench.duckdb"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	start := time.Now()
	if _, err := db.SQL().ExecContext(ctx, benchPopulate, cost.Day(now).AddDate(0, 0, -365).Format(cost.DateLayout),
		(rows+364)/365, rows); err != nil {
		b.Fatal(err)
	}
	if err := db.RebuildSummaries(ctx); err != nil { // The lines were written around the store.
		b.Fatal(err)
	}
	if err := db.SetBudget(ctx, cost.Budget{MonthlyUSD: 250000}); err != nil {
		b.Fatal(err)
	}
	fmt.Printf("populated %d cost lines in %s\n", rows, time.Since(start).Round(time.Millisecond))
	kr, err := auth.OpenKeyring(auth.Options{Dir: b.TempDir(), AdminToken: adminToken})
	if err != nil {
		b.Fatal(err)
	}
	// As serve wires it: the result cache, and the server's encoded answers.
	q := query.NewCached(query.NewService(db, clock), 0, nil)
	alerts := alert.New(alert.Config{Query: q, Store: db, Alerts: db})
	defer alerts.Close()
	srv := httpapi.NewServer(httpapi.Config{Addr: "127.0.0.1:0", Store: db, Query: q, Alerts: alerts,
		Keyring: kr, UI: web.Handler(), Logger: slog.New(slog.DiscardHandler), Now: clock})
	if err := srv.Open(); err != nil {
		b.Fatal(err)
	}
	defer srv.Close()

	br := newBrowser(b, 1440, 1000)
	br.signIn(b, srv.URL(), "/d/overview", adminToken)
	budget := 250000.0
	for _, d := range cost.Dashboards {
		// After a data change (a budget set, as an ingest would), every
		// answer is computed again; a repeat is revalidated.
		b.Run(d.ID+"/after-change", func(b *testing.B) {
			var elapsed time.Duration
			for b.Loop() {
				budget++
				if err := db.SetBudget(ctx, cost.Budget{MonthlyUSD: budget}); err != nil {
					b.Fatal(err)
				}
				t0 := time.Now()
				br.open(b, srv.URL(), "/d/"+d.ID)
				elapsed += time.Since(t0)
			}
			b.ReportMetric(float64(elapsed.Milliseconds())/float64(b.N), "ms/render")
		})
		b.Run(d.ID+"/repeat", func(b *testing.B) {
			for b.Loop() {
				br.open(b, srv.URL(), "/d/"+d.ID)
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/render")
		})
	}
	br.checkClean(b, "benchmark")
}
