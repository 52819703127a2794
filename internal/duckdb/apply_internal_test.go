package duckdb

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

func TestStagedDedupe(t *testing.T) {
	u := func(id, tokenType string, first bool) cost.EventUsage {
		return cost.EventUsage{EventID: id, TokenType: tokenType, First: first, Tokens: 1,
			Time: time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)}
	}
	tests := []struct {
		name        string
		in          []cost.EventUsage
		wantOccs    []int64
		wantKept    int
		wantDropped int
		wantIDs     int
	}{
		{"Distinct", []cost.EventUsage{u("a", "input", true), u("a", "output", false), u("b", "input", true)},
			[]int64{1, 1, 2}, 3, 0, 2},
		{"RepeatMarkedFirst", []cost.EventUsage{u("a", "input", true), u("a", "output", false), u("a", "input", true), u("a", "output", false)},
			[]int64{1, 1, 2, 2}, 2, 1, 1},
		{"RepeatWithoutFirst", []cost.EventUsage{u("a", "input", false), u("a", "output", false), u("a", "input", false)},
			[]int64{1, 1, 2}, 2, 1, 1},
		{"RepeatLater", []cost.EventUsage{u("a", "input", true), u("b", "input", true), u("a", "input", true), u("a", "output", false)},
			[]int64{1, 2, 3, 3}, 2, 1, 2},
		{"ThreeTimes", []cost.EventUsage{u("a", "input", true), u("a", "input", true), u("b", "input", true), u("a", "input", true)},
			[]int64{1, 2, 3, 4}, 2, 2, 2},
		{"Empty", nil, nil, 0, 0, 0},
	}
	db, err := Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var occ occurrences
			var occs []int64
			for i := range tt.in {
				occs = append(occs, occ.next(&tt.in[i]))
			}
			if !slices.Equal(occs, tt.wantOccs) {
				t.Errorf("occurrences=%v, want %v", occs, tt.wantOccs)
			}
			conn, err := db.db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			st := &stage{conn: conn}
			if err := st.create(ctx); err != nil {
				t.Fatal(err)
			}
			defer st.drop()
			if _, err := st.stageUsages(&cost.Batch{Events: tt.in, EventBatch: "b"}); err != nil {
				t.Fatal(err)
			}
			dropped, ids, err := st.dedupeStaged(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var kept int
			if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM stage_usage").Scan(&kept); err != nil {
				t.Fatal(err)
			}
			if kept != tt.wantKept || dropped != tt.wantDropped || ids != tt.wantIDs {
				t.Errorf("kept %d, dropped %d, ids %d; want %d, %d, %d",
					kept, dropped, ids, tt.wantKept, tt.wantDropped, tt.wantIDs)
			}
		})
	}
}

func TestCheckBatch(t *testing.T) {
	p := cost.Partition{Source: "unified", Key: "AWS/2026-10"}
	day := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	good := cost.LineItem{Date: day, Source: p.Source, SourcePartition: p.Key, CostUSD: 1}
	nan := math.NaN()
	with := func(f func(l *cost.LineItem)) []cost.LineItem {
		l := good
		f(&l)
		return []cost.LineItem{good, l}
	}
	tests := []struct {
		name string
		b    cost.Batch
		want string // Error code; "" for none.
	}{
		{"Good", cost.Batch{Replace: []cost.Partition{p}, Lines: []cost.LineItem{good}}, ""},
		{"UnlistedPartition", cost.Batch{Lines: []cost.LineItem{good}}, cost.CodeInvalid},
		{"NoDate", cost.Batch{Replace: []cost.Partition{p}, Lines: with(func(l *cost.LineItem) { l.Date = time.Time{} })}, cost.CodeInvalid},
		{"NaNCost", cost.Batch{Replace: []cost.Partition{p}, Lines: with(func(l *cost.LineItem) { l.CostUSD = nan })}, cost.CodeInvalid},
		{"InfUsage", cost.Batch{Replace: []cost.Partition{p}, Lines: with(func(l *cost.LineItem) { l.UsageAmount = math.Inf(1) })}, cost.CodeInvalid},
		{"NaNListCost", cost.Batch{Replace: []cost.Partition{p}, Lines: with(func(l *cost.LineItem) { l.ListCostUSD = &nan })}, cost.CodeInvalid},
		{"EventsWithoutBatch", cost.Batch{Events: []cost.EventUsage{{EventID: "e", Time: day}}}, cost.CodeInvalid},
		{"EventWithoutID", cost.Batch{Events: []cost.EventUsage{{Time: day}}, EventBatch: "b"}, cost.CodeInvalid},
		{"EventWithoutTime", cost.Batch{Events: []cost.EventUsage{{EventID: "e"}}, EventBatch: "b"}, cost.CodeInvalid},
		{"EventNaNCost", cost.Batch{Events: []cost.EventUsage{{EventID: "e", Time: day, CostUSD: nan}}, EventBatch: "b"}, cost.CodeInvalid},
		{"GoodEvent", cost.Batch{Events: []cost.EventUsage{{EventID: "e", Time: day}}, EventBatch: "b"}, ""},
		{"EventStreamAndEvents", cost.Batch{EventStream: noUsages, Events: []cost.EventUsage{{EventID: "e", Time: day}}}, cost.CodeInvalid},
		{"EventStreamAndBatch", cost.Batch{EventStream: noUsages, EventBatch: "b"}, cost.CodeInvalid},
		{"EventStream", cost.Batch{EventStream: noUsages}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.b.Validate()
			if got := cost.ErrorCode(err); got != tt.want {
				t.Errorf("code=%q, want %q (err %v)", got, tt.want, err)
			}
		})
	}
}

// noUsages is an event stream with no usages.
func noUsages(func(*cost.EventUsage) error) (string, error) { return "b", nil }

// isDefault reports whether a column value equals its column's default.
func isDefault(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case float64:
		return x == 0
	case int64:
		return x == 0
	case bool:
		return !x
	}
	return false
}

func TestMarkSetMatchesValues(t *testing.T) {
	list := 2.0
	day := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	full := cost.LineItem{Date: day, ChargePeriodStart: day, ChargePeriodEnd: day.Add(time.Hour),
		CloudProvider: "a", Service: "b", Model: "c", ModelFamily: "d", TokenType: "e", PricingTier: "f",
		UsageAmount: 1, UsageUnit: "g", CostUSD: 1, Cost: 1, Currency: "h", ListCostUSD: &list,
		CustomerID: "i", AccountID: "j", Project: "k", Region: "l", Tags: map[string]string{"m": "n"},
		Source: "o", SourcePartition: "p", CostSource: "q", DataStatus: "r", ChargeCategory: "s",
		Requests: 1, Unpriced: true}
	for _, l := range []cost.LineItem{full, {Date: day}, {Date: day, Model: "x", Requests: 3}} {
		set := make([]bool, len(lineColumns))
		markSet(&l, set)
		vals, err := lineValues(nil, &l)
		if err != nil {
			t.Fatal(err)
		}
		if len(vals) != len(lineColumns) {
			t.Fatalf("%d values for %d columns", len(vals), len(lineColumns))
		}
		for i, v := range vals {
			if want := i == 0 || !isDefault(v); set[i] != want {
				t.Errorf("column %s: set=%v, want %v", lineColumns[i], set[i], want)
			}
		}
	}
}
