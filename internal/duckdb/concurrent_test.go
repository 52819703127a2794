package duckdb_test

import (
	"context"
	"math"
	"sync"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/costtest"
)

// total returns the summed cost of lines.
func total(lines []cost.LineItem) float64 {
	var s float64
	for _, l := range lines {
		s += l.CostUSD
	}
	return s
}

// TestReadersSeeWholeBatches applies two versions of the same partitions in turn
// while readers sum the cost: every read must see one version entirely.
func TestReadersSeeWholeBatches(t *testing.T) {
	db := MustOpen(t, "")
	ctx := context.Background()
	a, b := costtest.Lines(21), costtest.Lines(22)
	costtest.MustApply(t, db, costtest.BatchOf(a))
	valid := []float64{total(a), total(b)}
	q := &cost.AggregateQuery{Metrics: []cost.Metric{cost.MetricCost}}

	done := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				f, err := db.Aggregate(ctx, q)
				if err != nil {
					errs <- err
					return
				}
				got := f.Rows[0][0].(float64)
				if math.Abs(got-valid[0]) > 1e-6 && math.Abs(got-valid[1]) > 1e-6 {
					t.Errorf("read total %v, want %v or %v", got, valid[0], valid[1])
					return
				}
			}
		}()
	}
	for i := range 6 {
		lines := []([]cost.LineItem){a, b}[i%2]
		costtest.MustApply(t, db, costtest.BatchOf(lines))
	}
	close(done)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestConcurrentApply applies batches from several goroutines; all succeed and
// the result is as if they ran one after another.
func TestConcurrentApply(t *testing.T) {
	db := MustOpen(t, "")
	all := costtest.Lines(23)
	parts := costtest.PartitionsOf(all)
	var wg sync.WaitGroup
	for _, p := range parts {
		var lines []cost.LineItem
		for _, l := range all {
			if l.Source == p.Source && l.SourcePartition == p.Key {
				lines = append(lines, l)
			}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := db.Apply(context.Background(), costtest.BatchOf(lines)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	costtest.CheckAggregate(t, db, all, &cost.AggregateQuery{Metrics: cost.AllMetrics,
		GroupBy: []cost.Dimension{cost.DimDate, cost.DimCloudProvider}})
}
