package clickhouse_test

import (
	"context"
	"errors"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/costtest"
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
