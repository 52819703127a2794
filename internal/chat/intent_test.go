package chat

import (
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// testVocab is a vocabulary with the parser's keywords and one model family.
func testVocab() *vocab {
	v := newVocab()
	v.add(entity{Dim: cost.DimModelFamily, Value: "gemini", Op: cost.OpEq, Words: []string{"gemini"}})
	return v
}

// TestIntentRules asks, for every rule of the intent grammar, a question that
// rule must be the first to recognise.
func TestIntentRules(t *testing.T) {
	today := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		rule, q, want string
	}{
		{"alert", "Alert me if daily spend goes over $500", intentAlert},
		{"help", "what can you do?", intentHelp},
		{"next period", "What will we spend next month?", intentNextPeriod},
		{"set budget", "Set the org budget to $90k", intentSetBudget},
		{"over budget", "Which customers are over budget?", intentOverBudget},
		{"budget left", "How much budget is left?", intentRemaining},
		{"exhausted", "Will the money be exhausted?", intentForecast},
		{"budget", "Are we on track?", intentBudget},
		{"forecast", "What's the forecast for this month?", intentForecast},
		{"against the average customer", "How do we compare to the average customer?", intentVsAverage},
		{"weekends", "How much did we spend on weekends?", intentWeekends},
		{"why", "Why did costs go up last week?", intentExplain},
		{"unusual", "Any unusual days last month?", intentAnomalies},
		{"unusual", "Was there a spike yesterday?", intentExplain},
		{"compare", "Compare this month with last month", intentCompare},
		{"cheapest day", "What was the cheapest day last week?", intentLowDay},
		{"which day", "Which day cost the most this month?", intentTopDay},
		{"per 1K tokens", "What is our cost per 1K tokens?", intentPer1K},
		{"share", "What share of spend is Gemini?", intentShare},
		{"average", "What's our average daily spend?", intentAverage},
		{"how many customers", "How many customers do we have?", intentTotal},
		{"top", "Which model is most expensive?", intentTop},
		{"by a dimension", "Cost by provider last week", intentBreakdown},
		{"tokens", "How many tokens did we use yesterday?", intentTokens},
		{"requests", "How many requests did we make yesterday?", intentRequests},
		{"total", "How much did we spend yesterday?", intentTotal},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.rule] = true
		p := read(tt.q, today, testVocab())
		first := ""
		for _, r := range intentRules {
			if r.ask(p) != "" {
				first = r.name
				break
			}
		}
		if got := p.intent(); got != tt.want || first != tt.rule {
			t.Errorf("%q: intent %q by rule %q, want %q by rule %q", tt.q, got, first, tt.want, tt.rule)
		}
	}
	for _, r := range intentRules {
		if !seen[r.name] {
			t.Errorf("rule %q has no test", r.name)
		}
	}
}
