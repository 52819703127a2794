package duckdb_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
)

// benchLines makes n lines spread over a year, in one partition per provider-month.
func benchLines(n int) *cost.Batch {
	providers := []string{cost.ProviderAWS, cost.ProviderGCP, cost.ProviderAzure}
	models := []string{"claude-3-5-sonnet", "gemini-1.5-pro", "gpt-4o", "llama-3-70b"}
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	perDay := n/365 + 1
	b := &cost.Batch{Lines: make([]cost.LineItem, n)}
	seen := map[cost.Partition]bool{}
	for i := range b.Lines {
		day := start.AddDate(0, 0, i/perDay)
		p := providers[i%len(providers)]
		m := models[(i/3)%len(models)]
		part := cost.Partition{Source: "unified", Key: p + "/" + day.Format("2006-01")}
		if !seen[part] {
			seen[part] = true
			b.Replace = append(b.Replace, part)
		}
		b.Lines[i] = cost.LineItem{
			Date: day, CloudProvider: p, Service: "svc-" + p, Model: m, ModelFamily: cost.ModelFamily(m),
			TokenType: cost.TokenTypes[i%len(cost.TokenTypes)], PricingTier: "standard",
			UsageAmount: float64(1000 + i%7919), UsageUnit: "tokens", CostUSD: float64(i%1000) / 100,
			Currency: "USD", CustomerID: fmt.Sprintf("cust_%04d", i%1000), AccountID: "acct",
			Source: part.Source, SourcePartition: part.Key, CostSource: cost.SourceBillingExport,
			DataStatus: cost.StatusFinal, Requests: int64(i % 13),
		}
	}
	return b
}

// BenchmarkApply writes 1M lines into a file-backed store (replacing the same
// partitions on each iteration) and reports lines per second.
func BenchmarkApply(b *testing.B) {
	const n = 1_000_000
	batch := benchLines(n)
	db, err := duckdb.Open(filepath.Join(b.TempDir(), "bench.duckdb"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, err := db.Apply(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkApplyEvents applies batches of 10,000 new events (two token types each)
// to a store that already knows 1M event ids, and reports events per second.
func BenchmarkApplyEvents(b *testing.B) {
	const known, perBatch = 1_000_000, 10_000
	db, err := duckdb.Open(filepath.Join(b.TempDir(), "bench.duckdb"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := db.SQL().ExecContext(ctx, `INSERT INTO events
		SELECT 'old-' || i, 'old', TIMESTAMP '2025-01-01' + INTERVAL (i) SECOND, now() FROM range(?) t(i)`, known); err != nil {
		b.Fatal(err)
	}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	batch := 0
	for b.Loop() {
		b.StopTimer()
		var us []cost.EventUsage
		for i := range perBatch {
			id := fmt.Sprintf("b%d-e%d", batch, i)
			at := start.Add(time.Duration(batch*perBatch+i) * time.Second)
			for j, tt := range []string{cost.TokenInput, cost.TokenOutput} {
				us = append(us, cost.EventUsage{EventID: id, Time: at, Provider: cost.ProviderOpenAI,
					Model: "gpt-4o", CustomerID: fmt.Sprintf("cust_%03d", i%300), TokenType: tt,
					Tokens: int64(100 + i%900), CostUSD: 0.001, CostSource: cost.SourceEventEstimate, First: j == 0})
			}
		}
		batch++
		b.StartTimer()
		res, err := db.Apply(ctx, &cost.Batch{Events: us, EventBatch: fmt.Sprint("batch-", batch)})
		if err != nil {
			b.Fatal(err)
		}
		if res.EventsInserted != perBatch {
			b.Fatalf("inserted %d events, want %d", res.EventsInserted, perBatch)
		}
	}
	b.ReportMetric(float64(perBatch)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
