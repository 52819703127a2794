package clickhouse_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/clickhouse"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/costtest"
	"github.com/llmcost/llmcost/internal/duckdb"
)

// An apply's event staging tables are dropped when it ends, whether it
// succeeded or its stream failed.
func TestEventStagingDropped(t *testing.T) {
	s := openStore(t, serverAddr(t), "")
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	costtest.MustApply(t, s, costtest.EventStreamOf(costtest.Usages(), "batch-1"))
	boom := errors.New("read failed")
	failing := &cost.Batch{EventStream: func(emit func(*cost.EventUsage) error) (string, error) {
		us := costtest.MoreUsages()
		if err := emit(&us[0]); err != nil {
			return "", err
		}
		return "", boom
	}}
	if _, err := s.Apply(ctx, failing); !errors.Is(err, boom) {
		t.Fatalf("err=%v, want %v", err, boom)
	}
	var n uint64
	if err := s.Conn().QueryRow(ctx, `SELECT count() FROM system.tables
		WHERE database = ? AND name LIKE 'stage%'`, s.Database()).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d staging tables left", n)
	}
}

// A stream longer than one insert block is staged whole: 60,000 events of two
// usages each, then the first event again.
func TestEventStreamAcrossBlocks(t *testing.T) {
	s := openStore(t, serverAddr(t), "")
	t.Cleanup(func() { s.Close() })
	const n = 60_000
	at := costtest.Start.Add(10 * time.Hour)
	b := &cost.Batch{EventStream: func(emit func(*cost.EventUsage) error) (string, error) {
		for i := range n + 1 {
			id := fmt.Sprint("ev-", i%n)
			for j, tt := range []string{cost.TokenInput, cost.TokenOutput} {
				u := cost.EventUsage{EventID: id, Time: at, Provider: cost.ProviderOpenAI, Model: "gpt-4o",
					CustomerID: "cust_a", TokenType: tt, Tokens: int64(j + 1), CostUSD: 0.001 * float64(j+1),
					CostSource: cost.SourceEventEstimate, First: j == 0}
				if err := emit(&u); err != nil {
					return "", err
				}
			}
		}
		return "big", nil
	}}
	res := costtest.MustApply(t, s, b)
	want := cost.ApplyResult{LinesWritten: 2, EventsInserted: n, EventsDuplicate: 1}
	if *res != want {
		t.Errorf("ApplyResult=%+v, want %+v", *res, want)
	}
	got, err := s.Aggregate(context.Background(), &cost.AggregateQuery{
		Metrics: []cost.Metric{cost.MetricCost, cost.MetricTokens, cost.MetricRequests}})
	if err != nil {
		t.Fatal(err)
	}
	// Each event: 1 input token at $0.001, 2 output tokens at $0.002, one request.
	wantRow := []any{n * 0.003, float64(n * 3), float64(n)}
	if len(got.Rows) != 1 || len(got.Rows[0]) != 3 {
		t.Fatalf("rows %v, want %v", got.Rows, wantRow)
	}
	for i, w := range wantRow {
		if g := toFloat(got.Rows[0][i]); math.Abs(g-w.(float64)) > 1e-6 {
			t.Errorf("%s=%v, want %v", got.Columns[i], got.Rows[0][i], w)
		}
	}
}

// toFloat returns a numeric cell as a float64.
func toFloat(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int64:
		return float64(x)
	case uint64:
		return float64(x)
	}
	return math.NaN()
}

// Open drops event staging tables an apply left behind (its process died) once
// they are old enough, and nothing else.
func TestOpenDropsStaleStaging(t *testing.T) {
	addr := serverAddr(t)
	s := openStore(t, addr, "")
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	for _, name := range []string{"stage_usage_1", "stage_fresh_1", "stage_usage_keep"} {
		if err := s.Conn().Exec(ctx, "CREATE TABLE "+name+" (x UInt8) ENGINE = Log"); err != nil {
			t.Fatal(err)
		}
	}
	tables := func() []string {
		rows, err := s.Conn().Query(ctx, `SELECT name FROM system.tables
			WHERE database = ? AND name LIKE 'stage%' ORDER BY name`, s.Database())
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				t.Fatal(err)
			}
			out = append(out, n)
		}
		return out
	}
	reopen := func() {
		meta, err := duckdb.Open("")
		if err != nil {
			t.Fatal(err)
		}
		again, err := clickhouse.Open(ctx, clickhouse.Config{DSN: addr + "/" + s.Database(), Meta: meta})
		if err != nil {
			t.Fatal(err)
		}
		again.Close()
	}
	reopen() // Fresh tables are left alone: another process may be using them.
	if got, want := fmt.Sprint(tables()), "[stage_fresh_1 stage_usage_1 stage_usage_keep]"; got != want {
		t.Errorf("after opening: %s, want %s", got, want)
	}
	defer clickhouse.SetStaleStaging(-time.Hour)() // Everything counts as old.
	reopen()
	if got, want := fmt.Sprint(tables()), "[stage_usage_keep]"; got != want {
		t.Errorf("after opening with stale tables: %s, want %s", got, want)
	}
}
