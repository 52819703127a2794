package chat

import (
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// TestLengthNote checks the warning added to comparisons of periods of
// different lengths, and that whole months compare without one.
func TestLengthNote(t *testing.T) {
	today := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	day := func(s string) time.Time { d, _ := cost.ParseDate(s); return d }
	r := func(from, to string) cost.DateRange { return cost.DateRange{From: day(from), To: day(to)} }
	tests := []struct {
		name      string
		cur, prev cost.DateRange
		want      string
	}{
		{"this week against last week", r("2026-11-23", "2026-11-26"), r("2026-11-16", "2026-11-22"),
			" The periods differ in length: 4 days against 7, and today is still accruing."},
		{"weeks of equal length", r("2026-11-16", "2026-11-22"), r("2026-11-09", "2026-11-15"), ""},
		{"October against September", r("2026-10-01", "2026-10-31"), r("2026-09-01", "2026-09-30"), ""},
		{"a day against two", r("2026-11-25", "2026-11-25"), r("2026-11-23", "2026-11-24"),
			" The periods differ in length: 1 day against 2."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := lengthNote(tt.cur, tt.prev, today); got != tt.want {
				t.Errorf("lengthNote = %q, want %q", got, tt.want)
			}
		})
	}
}
