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
			[]string{"I didn't understand “revenue”.\n\nTry:\n  How much did we spend yesterday?\n(Not understood: “revenue”)\n"}},
		{"RefusedWithLeadIn", cost.ChatAnswer{Answer: "Part of that question is a word I don't know. I can answer, for example:",
			Suggestions:    []string{"How much did I spend this month?", "Am I over budget this month?"},
			Interpretation: &cost.ChatInterpretation{Line: "Not understood"}},
			[]string{"I can answer, for example:\n  How much did I spend this month?\n  Am I over budget this month?\n(Not understood)\n"}},
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
