package duckdb

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// TestStmtCache: the query layer's statements are prepared once and kept up
// to maxStmts; past that the oldest are closed, also while other goroutines
// still run them, and every answer stays right.
func TestStmtCache(t *testing.T) {
	db, err := Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	day := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	var lines []cost.LineItem
	for i := range 400 {
		lines = append(lines, cost.LineItem{Date: day, CloudProvider: "AWS", Service: "s", CostUSD: 1,
			CustomerID: "c" + string(rune('a'+i%26)) + string(rune('a'+i/26)), CostSource: cost.SourceBillingExport,
			Source: "t", SourcePartition: "p"})
	}
	if _, err := db.Apply(ctx, &cost.Batch{Replace: []cost.Partition{{Source: "t", Key: "p"}}, Lines: lines}); err != nil {
		t.Fatal(err)
	}
	// Each limit is a statement of its own text.
	query := func(limit int) error {
		f, err := db.Aggregate(ctx, &cost.AggregateQuery{Metrics: []cost.Metric{cost.MetricCost},
			GroupBy: []cost.Dimension{cost.DimCustomer}, From: day, To: day, Limit: limit,
			OrderBy: []cost.Order{{By: string(cost.DimCustomer)}}})
		if err != nil {
			return err
		}
		if got, want := len(f.Rows), min(limit, len(lines)); got != want {
			t.Errorf("limit %d: %d rows, want %d", limit, got, want)
		}
		return nil
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for n := 1; n <= maxStmts+100; n++ {
				if err := query(1 + (n*7+g*13)%(maxStmts+100)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	db.stmts.mu.Lock()
	kept := len(db.stmts.stmts)
	db.stmts.mu.Unlock()
	if kept != maxStmts {
		t.Errorf("%d statements kept, want %d", kept, maxStmts)
	}
}
