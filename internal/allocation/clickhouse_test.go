package allocation_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/llmcost/llmcost/internal/clickhouse"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
)

// newCHEnv returns an env over a new database test_<random> on the ClickHouse
// server named by LLMCOST_TEST_CLICKHOUSE, dropped when the test ends. Without
// the variable the test is skipped, except under CI, where it fails.
func newCHEnv(t *testing.T) *env {
	t.Helper()
	addr := os.Getenv("LLMCOST_TEST_CLICKHOUSE")
	if addr == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("LLMCOST_TEST_CLICKHOUSE is not set; CI must run the ClickHouse tests")
		}
		t.Skip("LLMCOST_TEST_CLICKHOUSE is not set")
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	db := "test_" + hex.EncodeToString(b[:])
	meta, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	s, err := clickhouse.Open(context.Background(), clickhouse.Config{DSN: addr + "/" + db, Meta: meta})
	if err != nil {
		meta.Close()
		t.Fatalf("clickhouse.Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Conn().Exec(context.Background(), "DROP DATABASE IF EXISTS "+db); err != nil {
			t.Errorf("drop %s: %v", db, err)
		}
		s.Close()
	})
	return envOver(t, s)
}

// TestRun_ClickHouse runs, reruns and clears the allocation on the ClickHouse
// store, with the figures of TestRun_SplitsByEventTokens.
func TestRun_ClickHouse(t *testing.T) {
	e := newCHEnv(t)
	e.bill(billed(cost.TokenInput, "", 1_000_000, 10), billed(cost.TokenInput, "cust_c", 500_000, 5))
	e.gateway()
	allocated := map[string]float64{"cust_a": 8, "cust_b": 3, "cust_c": 5, "": 1}
	for range 2 {
		if r := e.run(); r.ModelDays != 1 || r.LinesWritten != 6 {
			t.Errorf("run: %+v, want 1 model-day and 6 lines", r)
		}
		assertSums(t, "cost by customer", e.sums(cost.MetricCost, cost.DimCustomer), allocated)
	}
	assertSums(t, "tokens by customer", e.sums(cost.MetricTokens, cost.DimCustomer),
		map[string]float64{"cust_a": 601_000, "cust_b": 300_000, "cust_c": 500_000, "": 100_000})
	if _, err := e.alloc.Clear(t.Context(), month.From, month.To); err != nil {
		t.Fatal(err)
	}
	assertSums(t, "cost by customer after clear", e.sums(cost.MetricCost, cost.DimCustomer),
		map[string]float64{"cust_a": 3.8, "cust_b": 0.9, "cust_c": 5, "": 10.3})
}
