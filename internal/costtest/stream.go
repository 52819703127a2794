package costtest

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// StreamOf returns a batch whose lines come from a Stream over lines, with no
// partitions listed: the store replaces those the lines name.
func StreamOf(lines []cost.LineItem) *cost.Batch {
	return &cost.Batch{Stream: func(emit func(*cost.LineItem) error) error {
		for i := range lines {
			l := lines[i]
			if err := emit(&l); err != nil {
				return err
			}
		}
		return nil
	}}
}

// testStreamSameAsSlice applies the same lines as a stream and as a slice to two
// fresh stores and checks that both report and hold the same figures.
func testStreamSameAsSlice(t *testing.T, open func(t *testing.T) cost.Store) {
	lines := Lines(6)
	streamed, sliced := open(t), open(t)
	got := MustApply(t, streamed, StreamOf(lines))
	want := MustApply(t, sliced, BatchOf(lines))
	if *got != *want {
		t.Errorf("stream ApplyResult=%+v, slice %+v", *got, *want)
	}
	if got.LinesWritten != len(lines) {
		t.Errorf("LinesWritten=%d, want %d", got.LinesWritten, len(lines))
	}
	for _, q := range broad() {
		CheckAggregate(t, streamed, lines, q)
	}
	if a, b := snapshot(t, streamed), snapshot(t, sliced); len(a) != len(b) {
		t.Errorf("stream store holds %d lines, slice store %d", len(a), len(b))
	}
	// Streaming the same lines again replaces them: the figures do not double.
	res := MustApply(t, streamed, StreamOf(lines))
	wantAgain := cost.ApplyResult{LinesWritten: len(lines), LinesDeleted: len(lines),
		PartitionsReplaced: len(PartitionsOf(lines))}
	if *res != wantAgain {
		t.Errorf("second stream ApplyResult=%+v, want %+v", *res, wantAgain)
	}
	for _, q := range broad() {
		CheckAggregate(t, streamed, lines, q)
	}
}

// testStreamReplaces streams new lines for one partition, not listed in
// Replace, and checks that they replace that partition's old lines only.
func testStreamReplaces(t *testing.T, s cost.Store) {
	old := Lines(1)
	MustApply(t, s, BatchOf(old))
	p := Partition(cost.ProviderAWS, Start.AddDate(0, 0, Days-1))
	oldP, others := split(old, p)
	newP, _ := split(Lines(2), p)
	newP = newP[:len(newP)/2]

	res := MustApply(t, s, StreamOf(newP))
	want := cost.ApplyResult{LinesWritten: len(newP), LinesDeleted: len(oldP), PartitionsReplaced: 1}
	if *res != want {
		t.Errorf("ApplyResult=%+v, want %+v", *res, want)
	}
	now := append(append([]cost.LineItem{}, others...), newP...)
	for _, q := range broad() {
		CheckAggregate(t, s, now, q)
	}
}

// testStreamAtomic checks that a stream failing midway, by its own error or by
// an invalid line, leaves the store exactly as it was.
func testStreamAtomic(t *testing.T, s cost.Store) {
	lines := Lines(4)
	MustApply(t, s, BatchOf(lines))
	before := snapshot(t, s)
	replacement := Lines(5)
	half := replacement[:len(replacement)/2]
	boom := errors.New("read failed")
	undated := append(append([]cost.LineItem{}, half...), half[0])
	undated[len(undated)-1].Date = time.Time{}
	bad := []struct {
		name string
		b    *cost.Batch
		ok   func(error) bool
	}{
		{"StreamError", &cost.Batch{Replace: PartitionsOf(lines), Stream: func(emit func(*cost.LineItem) error) error {
			for i := range half {
				if err := emit(&half[i]); err != nil {
					return err
				}
			}
			return boom
		}}, func(err error) bool { return errors.Is(err, boom) }},
		{"InvalidLine", StreamOf(undated), func(err error) bool { return cost.ErrorCode(err) == cost.CodeInvalid }},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Apply(context.Background(), tt.b)
			if err == nil || !tt.ok(err) {
				t.Fatalf("err=%v, want the stream's failure", err)
			}
			if after := snapshot(t, s); !reflect.DeepEqual(after, before) {
				t.Fatalf("store changed: %d lines, want %d", len(after), len(before))
			}
		})
	}
	// The store still works, and the failed streams published nothing.
	MustApply(t, s, StreamOf(replacement))
	if got := snapshot(t, s); len(got) != len(replacement)+countOutside(lines, PartitionsOf(replacement)) {
		t.Errorf("after a good stream: %d lines, want %d", len(got), len(replacement)+countOutside(lines, PartitionsOf(replacement)))
	}
}

// countOutside counts the lines not in any of parts.
func countOutside(lines []cost.LineItem, parts []cost.Partition) int {
	in := map[cost.Partition]bool{}
	for _, p := range parts {
		in[p] = true
	}
	n := 0
	for _, l := range lines {
		if !in[cost.Partition{Source: l.Source, Key: l.SourcePartition}] {
			n++
		}
	}
	return n
}
