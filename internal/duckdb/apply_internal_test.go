package duckdb

import (
	"slices"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
)

func TestDedupeUsages(t *testing.T) {
	u := func(id, tokenType string, first bool) cost.EventUsage {
		return cost.EventUsage{EventID: id, TokenType: tokenType, First: first, Tokens: 1}
	}
	tests := []struct {
		name        string
		in          []cost.EventUsage
		wantKept    int
		wantDropped int
		wantIDs     []string
	}{
		{"Distinct", []cost.EventUsage{u("a", "input", true), u("a", "output", false), u("b", "input", true)}, 3, 0, []string{"a", "b"}},
		{"RepeatMarkedFirst", []cost.EventUsage{u("a", "input", true), u("a", "output", false), u("a", "input", true), u("a", "output", false)}, 2, 1, []string{"a"}},
		{"RepeatWithoutFirst", []cost.EventUsage{u("a", "input", false), u("a", "output", false), u("a", "input", false)}, 2, 1, []string{"a"}},
		{"RepeatLater", []cost.EventUsage{u("a", "input", true), u("b", "input", true), u("a", "input", true), u("a", "output", false)}, 2, 1, []string{"a", "b"}},
		{"Empty", nil, 0, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kept, dropped, ids := dedupeUsages(tt.in)
			if got, want := len(kept), tt.wantKept; got != want {
				t.Errorf("kept %d, want %d", got, want)
			}
			if got, want := dropped, tt.wantDropped; got != want {
				t.Errorf("dropped %d, want %d", got, want)
			}
			if !slices.Equal(ids, tt.wantIDs) {
				t.Errorf("ids=%v, want %v", ids, tt.wantIDs)
			}
		})
	}
}
