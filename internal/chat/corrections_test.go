package chat_test

import (
	"context"
	"strings"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
)

// TestLineNamesCorrections checks that the interpretation line names every typo
// the question was read with, so a wrong correction shows, and nothing else.
func TestLineNamesCorrections(t *testing.T) {
	f := setup(t)
	tests := []struct {
		question string
		want     string // "" = the line names no correction.
	}{
		{"brek down cost by provder for the last 30 days", " · read “brek” as “break”, “provder” as “provider”"},
		{"What did gemni cost last week?", " · read “gemni” as “gemini”"},
		{"lst wk spend", ""}, // Short forms are not typos.
		{"How much did we spend last week?", ""},
	}
	for _, tt := range tests {
		a, err := f.engine.Ask(context.Background(), cost.AdminPrincipal(), cost.ChatRequest{Message: tt.question})
		if err != nil {
			t.Fatal(err)
		}
		line := a.Interpretation.Line
		switch {
		case !a.Understood:
			t.Errorf("%q: not understood", tt.question)
		case tt.want == "" && strings.Contains(line, " · read "):
			t.Errorf("%q: line %q names a correction", tt.question, line)
		case tt.want != "" && !strings.HasSuffix(line, tt.want):
			t.Errorf("%q: line %q, want it to end %q", tt.question, line, tt.want)
		}
	}
}
