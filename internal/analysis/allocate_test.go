package analysis

import (
	"maps"
	"testing"
)

func TestSplit(t *testing.T) {
	events := EventTokens{
		"input":  {"a": 600, "b": 300, "": 100},
		"output": {"a": 100, "c": 100},
	}
	tests := []struct {
		name      string
		usd       float64
		tokens    float64
		tokenType string
		ev        EventTokens
		want      map[string]Share
	}{
		// T = 1000 input tokens = billed tokens: a 600/1000, b 300/1000; "" keeps 100/1000.
		{name: "SameType", usd: 10, tokens: 1000, tokenType: "input", ev: events,
			want: map[string]Share{"a": {USD: 6, Tokens: 600}, "b": {USD: 3, Tokens: 300}}},
		// Billed 2000 tokens, events saw 1000: denominator 2000.
		{name: "BilledMoreThanSeen", usd: 20, tokens: 2000, tokenType: "input", ev: events,
			want: map[string]Share{"a": {USD: 6, Tokens: 600}, "b": {USD: 3, Tokens: 300}}},
		// Billed 500 tokens, events saw 1000: denominator 1000.
		{name: "SeenMoreThanBilled", usd: 5, tokens: 500, tokenType: "input", ev: events,
			want: map[string]Share{"a": {USD: 3, Tokens: 300}, "b": {USD: 1.5, Tokens: 150}}},
		// Provisioned hours: over all 1200 event tokens (a 700, b 300, c 100, "" 100), no tokens moved.
		{name: "NonTokenCharge", usd: 12, tokens: 0, tokenType: "", ev: events,
			want: map[string]Share{"a": {USD: 7}, "b": {USD: 3}, "c": {USD: 1}}},
		// Cache reads the events do not report: over the input side's 1000 tokens, no tokens moved.
		{name: "TypeEventsLack", usd: 24, tokens: 5000, tokenType: "cache_read", ev: events,
			want: map[string]Share{"a": {USD: 14.4}, "b": {USD: 7.2}}},
		// Output billed, events report input only: over every event token (a 3, b 1).
		{name: "SideEventsLack", usd: 10, tokens: 50, tokenType: "output", ev: EventTokens{"input": {"a": 3, "b": 1}},
			want: map[string]Share{"a": {USD: 7.5}, "b": {USD: 2.5}}},
		{name: "Credit", usd: -3, tokens: 0, tokenType: "", ev: EventTokens{"input": {"a": 2, "b": 1}},
			want: map[string]Share{"a": {USD: -2}, "b": {USD: -1}}},
		{name: "OnlyUnattributedEvents", usd: 50, tokens: 10, tokenType: "input", ev: EventTokens{"input": {"": 7}},
			want: map[string]Share{}},
		{name: "NoEvents", usd: 50, tokens: 10, tokenType: "input", ev: nil, want: map[string]Share{}},
		{name: "IgnoresNonPositive", usd: 20, tokens: 0, tokenType: "", ev: EventTokens{"input": {"a": 1, "b": 0, "c": -5}},
			want: map[string]Share{"a": {USD: 20}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Split(tt.usd, tt.tokens, tt.tokenType, tt.ev)
			if !maps.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRoundShares(t *testing.T) {
	tests := []struct {
		name             string
		billed           float64
		exact            map[string]float64
		want             map[string]float64
		wantUnattributed float64
	}{
		{name: "Whole", billed: 100, exact: map[string]float64{"a": 60, "b": 30},
			want: map[string]float64{"a": 60, "b": 30}, wantUnattributed: 10},
		{name: "CentsLeftOver", billed: 10, exact: map[string]float64{"a": 10.0 / 3, "b": 10.0 / 3, "c": 10.0 / 3},
			want: map[string]float64{"a": 3.33, "b": 3.33, "c": 3.33}, wantUnattributed: 0.01},
		{name: "AlmostWhole", billed: 6, exact: map[string]float64{"a": 5.999999999999}, want: map[string]float64{"a": 6}},
		{name: "Credit", billed: -9, exact: map[string]float64{"a": -6.005, "b": -2.995},
			want: map[string]float64{"a": -6, "b": -2.99}, wantUnattributed: -0.01},
		{name: "Nothing", billed: 50, exact: nil, want: map[string]float64{}, wantUnattributed: 50},
		{name: "DropsZeroAndUnattributed", billed: 5, exact: map[string]float64{"a": 0.001, "": 2},
			want: map[string]float64{}, wantUnattributed: 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := RoundShares(tt.billed, tt.exact)
			if !maps.Equal(got.Shares, tt.want) {
				t.Errorf("shares: got %v, want %v", got.Shares, tt.want)
			}
			if got.Unattributed != tt.wantUnattributed {
				t.Errorf("unattributed: got %v, want %v", got.Unattributed, tt.wantUnattributed)
			}
		})
	}
}

func TestTokenSide(t *testing.T) {
	for tokenType, want := range map[string]string{
		"input": SideInput, "cache_read": SideInput, "cache_write": SideInput,
		"output": SideOutput, "reasoning": SideOutput, "": "", "hours": "",
	} {
		if got := TokenSide(tokenType); got != want {
			t.Errorf("TokenSide(%q) = %q, want %q", tokenType, got, want)
		}
	}
}
