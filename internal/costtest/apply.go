package costtest

import (
	"context"
	"reflect"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
)

// broad are queries that together expose any difference in stored lines.
func broad() []*cost.AggregateQuery {
	from, to := span()
	return []*cost.AggregateQuery{
		{Metrics: cost.AllMetrics, GroupBy: []cost.Dimension{cost.DimDate, cost.DimCloudProvider, cost.DimCustomer}, From: from, To: to},
		{Metrics: cost.AllMetrics, GroupBy: []cost.Dimension{cost.DimModel, cost.DimTokenType, cost.DimCostSource}},
	}
}

// inPartition reports whether l belongs to p.
func inPartition(l cost.LineItem, p cost.Partition) bool {
	return l.Source == p.Source && l.SourcePartition == p.Key
}

// split returns the lines of p and the others.
func split(lines []cost.LineItem, p cost.Partition) (in, out []cost.LineItem) {
	for _, l := range lines {
		if inPartition(l, p) {
			in = append(in, l)
		} else {
			out = append(out, l)
		}
	}
	return in, out
}

func testReplace(t *testing.T, s cost.Store) {
	old := Lines(1)
	MustApply(t, s, BatchOf(old))
	p := Partition(cost.ProviderAWS, Start.AddDate(0, 0, Days-1))
	oldP, others := split(old, p)
	newP, _ := split(Lines(2), p)
	newP = newP[:len(newP)/2]

	res := MustApply(t, s, BatchOf(newP))
	want := cost.ApplyResult{LinesWritten: len(newP), LinesDeleted: len(oldP), PartitionsReplaced: 1}
	if *res != want {
		t.Errorf("ApplyResult=%+v, want %+v", *res, want)
	}
	now := append(append([]cost.LineItem{}, others...), newP...)
	for _, q := range broad() {
		CheckAggregate(t, s, now, q)
	}

	// Replacing a partition with no lines empties it and leaves the others alone.
	res = MustApply(t, s, &cost.Batch{Replace: []cost.Partition{p}})
	want = cost.ApplyResult{LinesDeleted: len(newP), PartitionsReplaced: 1}
	if *res != want {
		t.Errorf("empty replace: ApplyResult=%+v, want %+v", *res, want)
	}
	for _, q := range broad() {
		CheckAggregate(t, s, others, q)
	}
}

func testIdempotent(t *testing.T, s cost.Store) {
	lines := Lines(3)
	b := BatchOf(lines)
	MustApply(t, s, b)
	res := MustApply(t, s, b)
	want := cost.ApplyResult{LinesWritten: len(lines), LinesDeleted: len(lines), PartitionsReplaced: len(b.Replace)}
	if *res != want {
		t.Errorf("second ApplyResult=%+v, want %+v", *res, want)
	}
	for _, q := range broad() {
		CheckAggregate(t, s, lines, q)
	}
}

// snapshot returns every stored line, in export order.
func snapshot(t *testing.T, s cost.Store) []cost.LineItem {
	t.Helper()
	var out []cost.LineItem
	if err := s.Lines(context.Background(), cost.LineFilter{}, func(l *cost.LineItem) error {
		out = append(out, *l)
		return nil
	}); err != nil {
		t.Fatalf("Lines: %v", err)
	}
	return out
}

func testAtomic(t *testing.T, s cost.Store) {
	lines := Lines(4)
	MustApply(t, s, BatchOf(lines))
	before := snapshot(t, s)
	p := Partition(cost.ProviderGCP, Start)
	replacement, _ := split(Lines(5), p)
	stray := replacement[0]
	stray.SourcePartition = "GCP/1999-01"
	events := Usages()

	bad := []struct {
		name string
		b    *cost.Batch
	}{
		{"UnlistedPartition", &cost.Batch{Replace: []cost.Partition{p},
			Lines: append(append([]cost.LineItem{}, replacement...), stray), Events: events, EventBatch: "bad"}},
		{"EventWithoutID", &cost.Batch{Replace: []cost.Partition{p}, Lines: replacement,
			Events: append(append([]cost.EventUsage{}, events...), cost.EventUsage{Time: Start, TokenType: cost.TokenInput}), EventBatch: "bad"}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Apply(context.Background(), tt.b)
			if got, want := cost.ErrorCode(err), cost.CodeInvalid; got != want {
				t.Fatalf("code=%q, want %q (err %v)", got, want, err)
			}
			if after := snapshot(t, s); !reflect.DeepEqual(after, before) {
				t.Fatalf("store changed: %d lines, want %d", len(after), len(before))
			}
		})
	}
	// None of the failed batches' events were recorded as seen.
	res := MustApply(t, s, &cost.Batch{Events: events, EventBatch: "good"})
	if got, want := res.EventsInserted, EventCount(events); got != want {
		t.Errorf("EventsInserted=%d, want %d", got, want)
	}
}
