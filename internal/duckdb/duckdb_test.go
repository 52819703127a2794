package duckdb_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/costtest"
	"github.com/llmcost/llmcost/internal/duckdb"
)

// MustOpen opens a store at path ("" = in memory) and closes it when the test ends.
func MustOpen(tb testing.TB, path string) *duckdb.DB {
	tb.Helper()
	db, err := duckdb.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func TestMetaSuite(t *testing.T) {
	costtest.MetaSuite(t, func(t *testing.T) cost.MetaStore {
		db, err := duckdb.Open("")
		if err != nil {
			t.Fatal(err)
		}
		return db
	})
}

func TestStoreSuite(t *testing.T) {
	t.Run("InMemory", func(t *testing.T) {
		costtest.StoreSuite(t, func(t *testing.T) cost.Store {
			db, err := duckdb.Open("")
			if err != nil {
				t.Fatal(err)
			}
			return db
		})
	})
	t.Run("File", func(t *testing.T) {
		costtest.StoreSuite(t, func(t *testing.T) cost.Store {
			db, err := duckdb.Open(filepath.Join(t.TempDir(), "llmcost.duckdb"))
			if err != nil {
				t.Fatal(err)
			}
			return db
		})
	})
}

func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "llmcost.duckdb")
	lines := costtest.Lines(11)
	db, err := duckdb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	costtest.MustApply(t, db, costtest.BatchOf(lines))
	if err := db.SetBudget(ctx, cost.Budget{CustomerID: "cust_a", MonthlyUSD: 42}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Apply(ctx, &cost.Batch{Events: costtest.Usages(), EventBatch: "b"}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = MustOpen(t, path)
	want := append(append([]cost.LineItem{}, lines...), costtest.EventLines(costtest.Usages(), "b", map[string]bool{})...)
	costtest.CheckAggregate(t, db, want, &cost.AggregateQuery{Metrics: cost.AllMetrics,
		GroupBy: []cost.Dimension{cost.DimMonth, cost.DimCostSource}})
	if b, err := db.Budget(ctx, "cust_a"); err != nil || b.MonthlyUSD != 42 {
		t.Errorf("budget after reopen: %+v, %v", b, err)
	}
	res, err := db.Apply(ctx, &cost.Batch{Events: costtest.Usages(), EventBatch: "b"})
	if err != nil {
		t.Fatal(err)
	}
	if res.EventsInserted != 0 {
		t.Errorf("after reopen, %d known events inserted again", res.EventsInserted)
	}
	var versions int
	if err := db.SQL().QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&versions); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("migration/*.sql")
	if versions != len(files) {
		t.Errorf("schema_migrations has %d rows, want %d (one per migration)", versions, len(files))
	}
}

func TestUnifiedCostsView(t *testing.T) {
	db := MustOpen(t, "")
	lines := costtest.Lines(12)
	costtest.MustApply(t, db, costtest.BatchOf(lines))
	rows, err := db.SQL().Query(`SELECT * FROM unified_costs LIMIT 1`)
	if err != nil {
		t.Fatal(err)
	}
	cols, err := rows.Columns()
	rows.Close()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"date", "cloud_provider", "service", "model", "token_type", "cost_usd", "usage_amount", "customer_id"}
	if !slices.Equal(cols, want) {
		t.Errorf("columns=%v, want %v", cols, want)
	}
	// The seed's "Top 10 customers" filter: unattributed cost shows as NULL.
	var nulls, unattributed int
	if err := db.SQL().QueryRow(`SELECT count(*) FROM unified_costs WHERE customer_id IS NULL`).Scan(&nulls); err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		if l.CustomerID == "" {
			unattributed++
		}
	}
	if nulls != unattributed {
		t.Errorf("%d NULL customer rows, want %d", nulls, unattributed)
	}
}

func TestDataVersionDiffersAcrossOpens(t *testing.T) {
	dir := t.TempDir() + "/llmcost.duckdb"
	var versions []string
	for range 2 {
		db, err := duckdb.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		v, err := db.DataVersion(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		versions = append(versions, v)
		db.Close()
	}
	if versions[0] == versions[1] {
		t.Errorf("two opens of the same file share data version %q", versions[0])
	}
}
