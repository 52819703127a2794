package demo_test

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/demo"
	"github.com/llmcost/llmcost/internal/duckdb"
)

// storeTotals reads cost, tokens and lines per provider from the unified_costs view.
func storeTotals(t *testing.T, db *duckdb.DB) map[string][3]float64 {
	t.Helper()
	rows, err := db.SQL().Query(`SELECT cloud_provider, SUM(cost_usd), SUM(usage_amount) FILTER (WHERE token_type IS NOT NULL), COUNT(*)
		FROM unified_costs GROUP BY cloud_provider`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string][3]float64{}
	for rows.Next() {
		var p string
		var v [3]float64
		if err := rows.Scan(&p, &v[0], &v[1], &v[2]); err != nil {
			t.Fatal(err)
		}
		got[p] = v
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestLoad(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	d := generate(t)
	if err := demo.Load(ctx, db, d); err != nil {
		t.Fatal(err)
	}
	want := map[string][3]float64{}
	for _, l := range slices.Concat(d.Lines, d.Gateway) {
		v := want[l.CloudProvider]
		v[0] += l.CostUSD
		if l.IsTokenLine() {
			v[1] += l.UsageAmount
		}
		v[2]++
		want[l.CloudProvider] = v
	}
	got := storeTotals(t, db)
	checkTotals(t, got, want)

	budgets, err := db.Budgets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(budgets) != len(d.Budgets) {
		t.Fatalf("%d budgets stored, want %d", len(budgets), len(d.Budgets))
	}
	for i, b := range budgets {
		if b.CustomerID != d.Budgets[i].CustomerID || b.MonthlyUSD != d.Budgets[i].MonthlyUSD {
			t.Errorf("budget %d = %s %v, want %s %v", i, b.CustomerID, b.MonthlyUSD, d.Budgets[i].CustomerID, d.Budgets[i].MonthlyUSD)
		}
	}
	customers, err := db.Customers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(customers) != len(d.Customers) {
		t.Errorf("%d customers stored, want %d", len(customers), len(d.Customers))
	}

	// Loading again replaces the same partitions: nothing changes.
	if err := demo.Load(ctx, db, d); err != nil {
		t.Fatal(err)
	}
	if again := storeTotals(t, db); !reflect.DeepEqual(again, got) {
		t.Errorf("after a second load: %v, want %v", again, got)
	}
}

func checkTotals(t *testing.T, got, want map[string][3]float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("providers %v, want %v", got, want)
	}
	for p, w := range want {
		g := got[p]
		if !closeTo(g[0], w[0]) || g[1] != w[1] || g[2] != w[2] {
			t.Errorf("%s: cost, tokens, lines = %v, want %v", p, g, w)
		}
	}
}

func TestBatches(t *testing.T) {
	t.Parallel()
	d := generate(t)
	bs := demo.Batches(d)
	if len(bs) != 3*6 { // Three providers × June to November.
		t.Errorf("%d batches, want 18", len(bs))
	}
	n := 0
	for _, b := range bs {
		for _, l := range b.Lines {
			if (cost.Partition{Source: l.Source, Key: l.SourcePartition}) != b.Replace[0] {
				t.Fatalf("line of %s in batch %v", l.SourcePartition, b.Replace)
			}
		}
		n += len(b.Lines)
	}
	if want := len(d.Lines) + len(d.Gateway); n != want {
		t.Errorf("batches hold %d lines, want %d", n, want)
	}
}
