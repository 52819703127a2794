package costtest

import (
	"context"
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
)

// EventStreamOf returns a batch whose usages come from an EventStream over us,
// which returns batch as the event batch id once every usage is emitted.
func EventStreamOf(us []cost.EventUsage, batch string) *cost.Batch {
	return &cost.Batch{EventStream: func(emit func(*cost.EventUsage) error) (string, error) {
		for i := range us {
			u := us[i]
			if err := emit(&u); err != nil {
				return "", err
			}
		}
		return batch, nil
	}}
}

// testEventStreamSameAsSlice applies the same usages as a stream and as a slice
// to two fresh stores, then streams an overlapping batch and the first one
// again, checking results, figures and the event lines' partitions.
func testEventStreamSameAsSlice(t *testing.T, open func(t *testing.T) cost.Store) {
	streamed, sliced := open(t), open(t)
	us := Usages()
	got := MustApply(t, streamed, EventStreamOf(us, "batch-1"))
	want := MustApply(t, sliced, &cost.Batch{Events: us, EventBatch: "batch-1"})
	if *got != *want {
		t.Errorf("stream ApplyResult=%+v, slice %+v", *got, *want)
	}
	seen := map[string]bool{}
	lines := EventLines(us, "batch-1", seen)
	// Usages holds five events, e2 twice.
	first := cost.ApplyResult{LinesWritten: rollupKeys(lines), EventsInserted: 5, EventsDuplicate: 1}
	if *got != first {
		t.Errorf("ApplyResult=%+v, want %+v", *got, first)
	}
	steps := []struct {
		name                string
		us                  []cost.EventUsage
		batch               string
		inserted, duplicate int
	}{
		{"Overlapping", MoreUsages(), "batch-2", 1, 1}, // e5 seen, e6 new.
		{"Again", us, "batch-1", 0, 6},                 // Five seen, plus e2's repeat.
	}
	for _, st := range steps {
		added := EventLines(st.us, st.batch, seen)
		res := MustApply(t, streamed, EventStreamOf(st.us, st.batch))
		want := cost.ApplyResult{LinesWritten: rollupKeys(added), EventsInserted: st.inserted, EventsDuplicate: st.duplicate}
		if *res != want {
			t.Errorf("%s: ApplyResult=%+v, want %+v", st.name, *res, want)
		}
		lines = append(lines, added...)
	}
	for _, q := range broad() {
		CheckAggregate(t, streamed, lines, q)
	}
	CheckAggregate(t, streamed, lines, &cost.AggregateQuery{
		Metrics: []cost.Metric{cost.MetricRequests, cost.MetricCost, cost.MetricTokens},
		GroupBy: []cost.Dimension{cost.DimCostSource, cost.DimCustomer}})
	checkEventPartitions(t, streamed, lines)
}

// checkEventPartitions checks that the store's event lines fall in the
// partitions, and add up to the costs per partition, of want.
func checkEventPartitions(t *testing.T, s cost.Store, want []cost.LineItem) {
	t.Helper()
	sum := func(ls []cost.LineItem) map[string]float64 {
		out := map[string]float64{}
		for _, l := range ls {
			if l.Source == "events" {
				out[l.SourcePartition] += l.CostUSD
			}
		}
		return out
	}
	got, exp := sum(snapshot(t, s)), sum(want)
	if len(got) != len(exp) {
		t.Fatalf("event partitions %v, want %v", got, exp)
	}
	for p, c := range exp {
		if g, ok := got[p]; !ok || math.Abs(g-c) > 1e-9*math.Max(1, c) {
			t.Errorf("event partition %q costs %v, want %v", p, g, c)
		}
	}
}

// testEventStreamAtomic checks that an event stream failing midway (by its own
// error, an invalid usage, or no batch id) leaves the store exactly as it was,
// with none of its events recorded.
func testEventStreamAtomic(t *testing.T, s cost.Store) {
	base := Lines(7)
	MustApply(t, s, BatchOf(base))
	more := MoreUsages()
	MustApply(t, s, EventStreamOf(more, "batch-0"))
	before := snapshot(t, s)
	us := Usages()
	half := us[:len(us)/2]
	boom := errors.New("read failed")
	withBad := func(f func(u *cost.EventUsage)) []cost.EventUsage {
		out := append([]cost.EventUsage{}, half...)
		bad := us[len(half)]
		f(&bad)
		return append(out, bad)
	}
	invalid := func(err error) bool { return cost.ErrorCode(err) == cost.CodeInvalid }
	bad := []struct {
		name string
		b    *cost.Batch
		ok   func(error) bool
	}{
		{"StreamError", &cost.Batch{EventStream: func(emit func(*cost.EventUsage) error) (string, error) {
			for i := range half {
				if err := emit(&half[i]); err != nil {
					return "", err
				}
			}
			return "", boom
		}}, func(err error) bool { return errors.Is(err, boom) }},
		{"NaNCost", EventStreamOf(withBad(func(u *cost.EventUsage) { u.CostUSD = math.NaN() }), "batch-1"), invalid},
		{"NoEventID", EventStreamOf(withBad(func(u *cost.EventUsage) { u.EventID = "" }), "batch-1"), invalid},
		{"NoBatchID", EventStreamOf(us, ""), invalid},
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
	// The failed streams recorded no event: all of Usages' events but e5 (in
	// batch-0) are new.
	seen := map[string]bool{}
	want := append(append([]cost.LineItem{}, base...), EventLines(more, "batch-0", seen)...)
	added := EventLines(us, "batch-1", seen)
	res := MustApply(t, s, EventStreamOf(us, "batch-1"))
	wantRes := cost.ApplyResult{LinesWritten: rollupKeys(added), EventsInserted: 4, EventsDuplicate: 2}
	if *res != wantRes {
		t.Errorf("after failed streams: ApplyResult=%+v, want %+v", *res, wantRes)
	}
	want = append(want, added...)
	for _, q := range broad() {
		CheckAggregate(t, s, want, q)
	}
	checkEventPartitions(t, s, want)
}
