package sync_test

import (
	"context"
	"math"
	"reflect"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
	billsync "github.com/llmcost/llmcost/internal/sync"
)

// streamed is a real store that refuses batches carrying a slice of lines, and
// counts the Apply calls and streamed lines it receives.
type streamed struct {
	cost.Store
	applies, lines int
}

func (s *streamed) Apply(ctx context.Context, b *cost.Batch) (*cost.ApplyResult, error) {
	s.applies++
	if len(b.Lines) > 0 || b.Stream == nil {
		return nil, cost.Errorf(cost.CodeInternal, "batch carries %d buffered lines and no stream", len(b.Lines))
	}
	stream := b.Stream
	b.Stream = func(emit func(*cost.LineItem) error) error {
		return stream(func(l *cost.LineItem) error {
			s.lines++
			return emit(l)
		})
	}
	return s.Store.Apply(ctx, b)
}

// wantApplies checks, then resets, the store's counts.
func (s *streamed) wantApplies(t *testing.T, applies, lines int) {
	t.Helper()
	if s.applies != applies || s.lines != lines {
		t.Fatalf("store got %d applies streaming %d lines, want %d streaming %d", s.applies, s.lines, applies, lines)
	}
	s.applies, s.lines = 0, 0
}

// wantPartitions checks the stored cost by source partition.
func (h *harness) wantPartitions(want map[string]float64) {
	h.t.Helper()
	got := map[string]float64{}
	err := h.store.Lines(context.Background(), cost.LineFilter{}, func(l *cost.LineItem) error {
		got[l.SourcePartition] += l.CostUSD
		return nil
	})
	if err != nil {
		h.t.Fatal(err)
	}
	for k, v := range got {
		got[k] = math.Round(v*100) / 100
	}
	if !reflect.DeepEqual(got, want) {
		h.t.Fatalf("cost by partition: got %v, want %v", got, want)
	}
}

// testRestatedScope restates October with a delivery that no longer covers
// payer B: B's October lines go, A's are the new figures, and September (another
// delivery) is untouched. Every delivery reaches the store as one streamed Apply.
func testRestatedScope(t *testing.T, b backend) {
	h := newHarness(t, b, billsync.KindAWS, "scope/")
	h.src.Format = ""
	store := &streamed{Store: h.store}
	h.syncer.Store = store
	const a, bb, in = "111111111111", "222222222222", "USE1-Claude4.6Sonnet-input-tokens"
	oct, sep := "scope/llm/20261001-20261101/", "scope/llm/20260901-20261001/"
	b.put(t, oct+"a1/llm-1.csv", curHeader+payerRow(a, "2026-10", 1, in, 1000, 3)+payerRow(a, "2026-10", 2, in, 1000, 3))
	b.put(t, oct+"a1/llm-2.csv", curHeader+payerRow(bb, "2026-10", 1, in, 2000, 6))
	b.put(t, oct+"llm-Manifest.json", legacyManifest("a1", "20261001", "20261101", oct+"a1/llm-1.csv", oct+"a1/llm-2.csv"))
	b.put(t, sep+"s1/llm-1.csv", curHeader+payerRow(a, "2026-09", 5, in, 1000, 2)+payerRow(bb, "2026-09", 5, in, 1000, 4))
	b.put(t, sep+"llm-Manifest.json", legacyManifest("s1", "20260901", "20261001", sep+"s1/llm-1.csv"))
	got, _ := h.sync()
	h.wantStatus(got, "llm/2026-10", billsync.StatusApplied)
	h.wantStatus(got, "llm/2026-09", billsync.StatusApplied)
	store.wantApplies(t, 2, 5)
	h.wantPartitions(map[string]float64{a + "/2026-10": 6, bb + "/2026-10": 6, a + "/2026-09": 2, bb + "/2026-09": 4})

	b.put(t, oct+"a2/llm-1.csv", curHeader+payerRow(a, "2026-10", 1, in, 1500, 4.5))
	b.put(t, oct+"llm-Manifest.json", legacyManifest("a2", "20261001", "20261101", oct+"a2/llm-1.csv"))
	got, _ = h.sync()
	d := h.wantStatus(got, "llm/2026-10", billsync.StatusApplied)
	h.wantStatus(got, "llm/2026-09", billsync.StatusUnchanged)
	store.wantApplies(t, 1, 1)
	if d.Summary.PartitionsReplaced != 2 || len(d.Summary.Partitions) != 2 {
		t.Fatalf("summary: %d partitions replaced of %v, want both of October's", d.Summary.PartitionsReplaced, d.Summary.Partitions)
	}
	h.wantPartitions(map[string]float64{a + "/2026-10": 4.5, a + "/2026-09": 2, bb + "/2026-09": 4})

	// The state now records only A's October: the next delivery replaces that alone.
	b.put(t, oct+"a3/llm-1.csv", curHeader+payerRow(a, "2026-10", 1, in, 1000, 3))
	b.put(t, oct+"llm-Manifest.json", legacyManifest("a3", "20261001", "20261101", oct+"a3/llm-1.csv"))
	got, _ = h.sync()
	if d := h.wantStatus(got, "llm/2026-10", billsync.StatusApplied); len(d.Summary.Partitions) != 1 {
		t.Fatalf("summary partitions %v, want only %s/2026-10", d.Summary.Partitions, a)
	}
	h.wantPartitions(map[string]float64{a + "/2026-10": 3, a + "/2026-09": 2, bb + "/2026-09": 4})

	// A record written before partitions were kept still reads; the delivery's own partitions are replaced.
	if err := h.store.SetSetting(context.Background(), "sync/test/llm/2026-10",
		`{"id":"a0","fingerprint":"0","files":1,"lines":1,"applied_at":"2026-11-01T00:00:00Z"}`); err != nil {
		t.Fatal(err)
	}
	got, _ = h.sync()
	h.wantStatus(got, "llm/2026-10", billsync.StatusApplied)
	h.wantPartitions(map[string]float64{a + "/2026-10": 3, a + "/2026-09": 2, bb + "/2026-09": 4})
}
