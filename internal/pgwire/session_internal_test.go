package pgwire

import (
	"context"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
)

// TestAdminConnectionNeverReturnsToPool leaves state on an admin session's
// connection the way a checker gap would, and checks the pool never sees it:
// with one pooled connection, a reused connection would show it at once.
func TestAdminConnectionNeverReturnsToPool(t *testing.T) {
	ctx := context.Background()
	db, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	pool := db.SQL()
	pool.SetMaxOpenConns(1)
	pool.SetMaxIdleConns(1)
	ss, err := openSession(ctx, pool, cost.Principal{Admin: true}, DefaultQueryMemory,
		resultLimits{rows: 10, bytes: 1 << 20, valueSize: 1 << 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"CREATE TEMP VIEW leaked AS SELECT 1", "CREATE TEMP TABLE cost_lines2 (x INT)",
		"SET search_path = 'temp'"} {
		if _, err := ss.conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := ss.close(); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := pool.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_views() WHERE temporary AND NOT internal`).Scan(&n); err != nil || n != 0 {
		t.Errorf("temporary views on the pool = %d, %v; want 0", n, err)
	}
	if err := pool.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables() WHERE temporary`).Scan(&n); err != nil || n != 0 {
		t.Errorf("temporary tables on the pool = %d, %v; want 0", n, err)
	}
	var path string
	if err := pool.QueryRowContext(ctx, `SELECT current_setting('search_path')`).Scan(&path); err != nil || path == "temp" {
		t.Errorf("search_path on the pool = %q, %v; want the default", path, err)
	}
}

// TestSandboxHoldsOnlyItsCustomer checks a sandbox's tables hold one
// customer's rows and that it reads no file and changes no setting.
func TestSandboxHoldsOnlyItsCustomer(t *testing.T) {
	ctx := context.Background()
	db, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.SQL().Exec(`INSERT INTO cost_rows (date, customer_id, cost_usd, ingested_at) VALUES
		(DATE '2026-11-01', 'a', 1, now()), (DATE '2026-11-01', 'b', 2, now())`); err != nil {
		t.Fatal(err)
	}
	sb, err := openSandbox(ctx, db.SQL(), "a", "64MB")
	if err != nil {
		t.Fatal(err)
	}
	defer sb.close()
	if err := sb.refresh(ctx); err != nil {
		t.Fatal(err)
	}
	var ids string
	if err := sb.conn.QueryRowContext(ctx, "SELECT string_agg(DISTINCT customer_id, ',') FROM unified_costs").Scan(&ids); err != nil || ids != "a" {
		t.Errorf("customers in the sandbox = %q, %v; want a", ids, err)
	}
	for _, q := range []string{"SELECT * FROM read_text('/etc/passwd')", "SET enable_external_access = true",
		"SET memory_limit = '10GB'", "INSTALL httpfs", "SELECT * FROM '/etc/passwd'"} {
		if _, err := sb.conn.ExecContext(ctx, q); err == nil {
			t.Errorf("%s: accepted in the sandbox", q)
		}
	}
}
