package analysis

import (
	"maps"
	"testing"
)

func TestAllocate(t *testing.T) {
	tests := []struct {
		name             string
		billed           float64
		tokens           map[string]float64
		want             map[string]float64
		wantUnattributed float64
	}{
		{name: "Proportional", billed: 100, tokens: map[string]float64{"a": 600, "b": 300, "": 100},
			want: map[string]float64{"a": 60, "b": 30}, wantUnattributed: 10},
		{name: "CentsLeftOver", billed: 10, tokens: map[string]float64{"a": 1, "b": 1, "c": 1},
			want: map[string]float64{"a": 3.33, "b": 3.33, "c": 3.33}, wantUnattributed: 0.01},
		{name: "NoTokens", billed: 50, tokens: nil, want: map[string]float64{}, wantUnattributed: 50},
		{name: "OnlyUnattributedTokens", billed: 50, tokens: map[string]float64{"": 7}, want: map[string]float64{}, wantUnattributed: 50},
		{name: "IgnoresNonPositive", billed: 20, tokens: map[string]float64{"a": 1, "b": 0, "c": -5},
			want: map[string]float64{"a": 20}, wantUnattributed: 0},
		{name: "Credit", billed: -9, tokens: map[string]float64{"a": 2, "b": 1},
			want: map[string]float64{"a": -6, "b": -3}, wantUnattributed: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Allocate(tt.billed, tt.tokens)
			if !maps.Equal(got.Shares, tt.want) {
				t.Errorf("shares: got %v, want %v", got.Shares, tt.want)
			}
			if got.Unattributed != tt.wantUnattributed {
				t.Errorf("unattributed: got %v, want %v", got.Unattributed, tt.wantUnattributed)
			}
		})
	}
}
