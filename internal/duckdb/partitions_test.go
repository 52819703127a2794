package duckdb_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/costtest"
)

// partitionRow is one row of the partitions table.
type partitionRow struct {
	lines    int64
	cost     float64
	ingested time.Time
}

// TestPartitionsRecorded checks the partitions table after line batches, a
// replacement and event batches, and that the store clock stamps ingestion.
func TestPartitionsRecorded(t *testing.T) {
	db := MustOpen(t, "")
	now := time.Date(2026, 11, 2, 8, 30, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	ctx := context.Background()
	lines := costtest.Lines(31)
	costtest.MustApply(t, db, costtest.BatchOf(lines))
	p := costtest.Partition(cost.ProviderAzure, costtest.Start)
	costtest.MustApply(t, db, &cost.Batch{Replace: []cost.Partition{p}})
	costtest.MustApply(t, db, &cost.Batch{Events: costtest.Usages(), EventBatch: "b1"})
	costtest.MustApply(t, db, &cost.Batch{Events: costtest.MoreUsages(), EventBatch: "b1"})

	want := map[cost.Partition]*partitionRow{}
	for _, l := range lines {
		k := cost.Partition{Source: l.Source, Key: l.SourcePartition}
		if k == p {
			continue
		}
		if want[k] == nil {
			want[k] = &partitionRow{ingested: now}
		}
		want[k].lines++
		want[k].cost += l.CostUSD
	}
	want[p] = &partitionRow{ingested: now}
	ev := &partitionRow{ingested: now}
	seen := map[string]bool{}
	for _, l := range append(costtest.EventLines(costtest.Usages(), "b1", seen), costtest.EventLines(costtest.MoreUsages(), "b1", seen)...) {
		ev.cost += l.CostUSD
	}
	if err := db.SQL().QueryRow(`SELECT count(*) FROM cost_lines WHERE source = 'events'`).Scan(&ev.lines); err != nil {
		t.Fatal(err)
	}
	want[cost.Partition{Source: "events", Key: "b1"}] = ev

	rows, err := db.SQL().QueryContext(ctx, `SELECT source, key, line_count, cost_usd, ingested_at FROM partitions`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var k cost.Partition
		var got partitionRow
		if err := rows.Scan(&k.Source, &k.Key, &got.lines, &got.cost, &got.ingested); err != nil {
			t.Fatal(err)
		}
		n++
		w := want[k]
		if w == nil {
			t.Errorf("unexpected partition %v", k)
			continue
		}
		if got.lines != w.lines || math.Abs(got.cost-w.cost) > 1e-6 || !got.ingested.Equal(w.ingested) {
			t.Errorf("partition %v = %+v, want %+v", k, got, *w)
		}
	}
	if n != len(want) {
		t.Errorf("%d partitions, want %d", n, len(want))
	}
	fresh, err := db.LatestData(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fresh {
		if !f.IngestedAt.Equal(now) {
			t.Errorf("%s ingested at %v, want %v", f.CloudProvider, f.IngestedAt, now)
		}
	}
}
