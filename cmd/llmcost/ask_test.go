package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
)

func TestPrintAnswerShowsInterpretation(t *testing.T) {
	tests := []struct {
		name string
		ans  cost.ChatAnswer
		want []string
	}{
		{"Answered", cost.ChatAnswer{Answer: "We spent $10.00 last week.", Understood: true,
			Interpretation: &cost.ChatInterpretation{Intent: "total", Line: "Total cost · last week, Mon Nov 16 – Sun Nov 22"}},
			[]string{"We spent $10.00 last week.\n(Total cost · last week, Mon Nov 16 – Sun Nov 22)\n"}},
		{"Refused", cost.ChatAnswer{Answer: "I didn't understand “revenue”.", Suggestions: []string{"How much did we spend yesterday?"},
			Interpretation: &cost.ChatInterpretation{Line: "Not understood: “revenue”", NotUnderstood: "revenue"}},
			[]string{"(Not understood: “revenue”)", "Try:\n  How much did we spend yesterday?"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			printAnswer(&b, &tt.ans)
			for _, w := range tt.want {
				if got := b.String(); !strings.Contains(got, w) {
					t.Errorf("printed %q, want it to hold %q", got, w)
				}
			}
		})
	}
}
