package duckdb_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
)

// Migration 3 moves Microsoft lines stored under keys without the subscription
// to the keys the readers now give them, and recounts the partitions; migration
// 4 then moves the lines to cost_rows, read through the view cost_lines, and
// migration 5 records each partition's providers' newest days from them.
func TestMigrateMicrosoftScopes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "l.duckdb")
	db, err := duckdb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 9, 2, 0, 0, 0, 0, time.UTC)
	line := func(source, provider, key, account string, usd float64) cost.LineItem {
		return cost.LineItem{Date: day, CloudProvider: provider, AccountID: account, CostUSD: usd,
			Source: source, SourcePartition: key, CostSource: cost.SourceBillingExport}
	}
	old := []cost.LineItem{
		line("azure-cost", "Azure", "B-1/2026-09", "sub-a", 1),
		line("azure-cost", "Azure", "B-1/2026-09", "sub-b", 2),
		line("azure-cost", "Azure", "sub-c/2026-09", "sub-c", 4),     // No billing account: unchanged.
		line("azure-cost", "Azure", "B-2/sub-d/2026-09", "sub-d", 8), // Already new.
		line("focus", "Azure", "Azure/E-1/2026-09", "sub-e", 16),     // Microsoft FOCUS.
		line("focus", "Azure", "Azure/E-2/2026-09", "E-2", 32),       // No sub-account: unchanged.
		line("focus", "AWS", "AWS/123/2026-09", "456", 64),           // Not Microsoft: unchanged.
		line("aws-cur", "AWS", "123/2026-09", "456", 128),            // Other sources: unchanged.
	}
	ctx := context.Background()
	if _, err := db.Apply(ctx, &cost.Batch{Replace: partitionsOf(old), Lines: old}); err != nil {
		t.Fatal(err)
	}
	// Back to the schema of version 2: lines in a table named cost_lines.
	for _, q := range []string{"DELETE FROM schema_migrations WHERE version >= 3",
		"DROP VIEW cost_lines", "DROP TABLE cost_rows_basic", "ALTER TABLE cost_rows RENAME TO cost_lines",
		"DROP TABLE partition_latest"} {
		if _, err := db.SQL().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	if db, err = duckdb.Open(path); err != nil { // Applies migrations 3 to 5 again.
		t.Fatal(err)
	}
	defer db.Close()
	got := map[string]float64{}
	rows, err := db.SQL().Query("SELECT source || ' ' || key, cost_usd FROM partitions ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var v float64
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatal(err)
		}
		got[k] = v
	}
	want := map[string]float64{
		"azure-cost B-1/sub-a/2026-09": 1, "azure-cost B-1/sub-b/2026-09": 2, "azure-cost sub-c/2026-09": 4,
		"azure-cost B-2/sub-d/2026-09": 8, "focus Azure/E-1/sub-e/2026-09": 16, "focus Azure/E-2/2026-09": 32,
		"focus AWS/123/2026-09": 64, "aws-cur 123/2026-09": 128,
	}
	if len(got) != len(want) {
		t.Errorf("partitions %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("partition %s holds $%v, want $%v (all: %v)", k, got[k], v, got)
		}
	}
	var lines int
	if err := db.SQL().QueryRow("SELECT count(*) FROM cost_lines WHERE source_partition = 'B-1/sub-a/2026-09'").Scan(&lines); err != nil || lines != 1 {
		t.Errorf("lines moved to B-1/sub-a/2026-09: %d (%v), want 1", lines, err)
	}
	fresh, err := db.LatestData(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(fresh) != 2 || fresh[0].CloudProvider != "AWS" || fresh[1].CloudProvider != "Azure" ||
		!fresh[0].LatestDate.Equal(day) || !fresh[1].LatestDate.Equal(day) || fresh[0].IngestedAt.IsZero() {
		t.Errorf("latest data after migrating: %+v, want AWS and Azure through %s", fresh, day)
	}
}

// partitionsOf lists the distinct partitions of lines.
func partitionsOf(lines []cost.LineItem) []cost.Partition {
	seen := map[cost.Partition]bool{}
	var out []cost.Partition
	for _, l := range lines {
		p := cost.Partition{Source: l.Source, Key: l.SourcePartition}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}
