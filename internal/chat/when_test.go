package chat

import (
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
)

// TestFindWhen checks period reading against ranges written out by hand for
// today = Thursday 2026-11-26.
func TestFindWhen(t *testing.T) {
	today, _ := cost.ParseDate("2026-11-26")
	tests := []struct {
		text     string
		from, to string
	}{
		{"how much yesterday", "2026-11-25", "2026-11-25"},
		{"spend today", "2026-11-26", "2026-11-26"},
		{"this week", "2026-11-23", "2026-11-26"},
		{"last week", "2026-11-16", "2026-11-22"},
		{"in the past week", "2026-11-19", "2026-11-26"},
		{"last 30 days", "2026-10-27", "2026-11-26"},
		{"past two weeks", "2026-11-12", "2026-11-26"},
		{"last 3 months", "2026-08-26", "2026-11-26"},
		{"this month", "2026-11-01", "2026-11-26"},
		{"month to date", "2026-11-01", "2026-11-26"},
		{"last month", "2026-10-01", "2026-10-31"},
		{"in october", "2026-10-01", "2026-10-31"},
		{"in december", "2025-12-01", "2025-12-31"},
		{"march 2026", "2026-03-01", "2026-03-31"},
		{"in november", "2026-11-01", "2026-11-26"},
		{"in q3", "2026-07-01", "2026-09-30"},
		{"q4 2025", "2025-10-01", "2025-12-31"},
		{"third quarter", "2026-07-01", "2026-09-30"},
		{"last quarter", "2026-07-01", "2026-09-30"},
		{"this year", "2026-01-01", "2026-11-26"},
		{"last year", "2025-01-01", "2025-12-31"},
		{"on 2026-11-03", "2026-11-03", "2026-11-03"},
		{"on 11/03", "2026-11-03", "2026-11-03"},
		{"on 12/25", "2025-12-25", "2025-12-25"},
		{"on nov 3", "2026-11-03", "2026-11-03"},
		{"on the 3rd of november", "2026-11-03", "2026-11-03"},
		{"from nov 1 to nov 15", "2026-11-01", "2026-11-15"},
		{"between 2026-10-01 and 2026-10-15", "2026-10-01", "2026-10-15"},
		{"since nov 20", "2026-11-20", "2026-11-26"},
		{"on tuesday", "2026-11-24", "2026-11-24"},
		{"on thursday", "2026-11-19", "2026-11-19"},
		{"last friday", "2026-11-20", "2026-11-20"},
		{"since monday", "2026-11-23", "2026-11-26"},
		{"last weekend", "2026-11-21", "2026-11-22"},
		{"day before yesterday", "2026-11-24", "2026-11-24"},
		{"in 2025", "2025-01-01", "2025-12-31"},
		{"in week 47", "2026-11-16", "2026-11-22"},
		{"week 1 2026", "2025-12-29", "2026-01-04"},
	}
	for _, tt := range tests {
		w, _ := findWhen(normalize(tt.text), today)
		if w == nil {
			t.Errorf("%q: no period found", tt.text)
			continue
		}
		if got, want := w.Range.String(), tt.from+".."+tt.to; got != want {
			t.Errorf("%q = %s, want %s", tt.text, got, want)
		}
	}
	for _, text := range []string{"how much did we spend", "may i ask about costs", "which model is the best"} {
		if w, _ := findWhen(normalize(text), today); w != nil {
			t.Errorf("%q: found period %s, want none", text, w.Range)
		}
	}
}

func TestCorrect(t *testing.T) {
	known := map[string]bool{"yesterday": true, "gemini": true, "claude": true, "spend": true, "spent": true, "budget": true,
		"month": true, "most": true}
	tests := []struct{ in, want string }{
		{"yesterdy", "yesterday"}, {"gemni", "gemini"}, {"cluade", "claude"}, {"budgte", "budget"},
		{"spend", "spend"}, {"xyzzy", "xyzzy"}, {"lst", "last"}, {"gpt", "gpt"},
		// Several neighbours: taken when they all ask what was spent, else left alone.
		{"spen", "spend"}, {"mont", "mont"},
	}
	for _, tt := range tests {
		if got := correct([]string{tt.in}, known)[0]; got != tt.want {
			t.Errorf("correct(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
