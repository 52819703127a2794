package chat_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/chat"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/demo"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/query"
)

// TestBudgetActions sets, raises and removes budgets through chat on a store of
// its own, and checks that what the answer confirms is what the store holds, and
// that a customer can change nothing.
func TestBudgetActions(t *testing.T) {
	db, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ds := demo.Generate(demo.Options{Seed: 3, End: today, Days: 20, Customers: 3})
	if err := demo.Load(context.Background(), db, ds); err != nil {
		t.Fatal(err)
	}
	now := today.Add(12 * time.Hour)
	e := chat.New(chat.Config{Query: query.NewService(db, func() time.Time { return now }), Store: db})
	id := ds.Customers[0].ID
	budget := func(id string) (float64, bool) {
		b, err := db.Budget(context.Background(), id)
		if cost.ErrorCode(err) == cost.CodeNotFound {
			return 0, false
		}
		if err != nil {
			t.Fatal(err)
		}
		return b.MonthlyUSD, true
	}
	org, orgSet := budget("")
	steps := []struct {
		as, q    string
		id       string
		want     float64
		wantSet  bool
		wantText string
	}{
		{"", "Set the monthly budget of " + id + " to $5,000", id, 5000, true, "$5,000.00"},
		{"", "Raise " + id + "'s budget by $500", id, 5500, true, "$5,500.00"},
		{id, "Set my budget to $10000", id, 5500, true, "Only an administrator"},
		{"", "set the budget to $100", "", org, orgSet, "Whose budget?"},
		{"", "Set the org budget to $90k", "", 90000, true, "$90,000.00"},
		{"", "Lower the budget of " + id + " by $1,000", id, 4500, true, "$4,500.00"},
		{"", "Drop " + id + "'s budget by $500", id, 4000, true, "$4,000.00"},              // Lowered, not removed.
		{"", "Raise " + id + "'s budget to $1,000", id, 4000, true, "nothing was changed"}, // Would lower it.
		{"", "What happens if we remove " + id + "'s budget?", id, 4000, true, "nothing was changed"},
		{"", "Remove the budget of " + id, id, 0, false, "removed"},
	}
	for _, s := range steps {
		a, err := e.Ask(context.Background(), principal(s.as), cost.ChatRequest{Message: s.q})
		if err != nil {
			t.Fatalf("%q: %v", s.q, err)
		}
		if !strings.Contains(a.Answer, s.wantText) {
			t.Errorf("%q: answer %q, want it to hold %q", s.q, a.Answer, s.wantText)
		}
		if got, ok := budget(s.id); ok != s.wantSet || got != s.want {
			t.Errorf("%q: budget of %q = %v (set %v), want %v (set %v)", s.q, s.id, got, ok, s.want, s.wantSet)
		}
		refused := strings.HasPrefix(s.q, "What happens")
		if refused && a.Understood {
			t.Errorf("%q: understood, want it refused", s.q)
		} else if !refused && (a.Interpretation == nil || a.Interpretation.Intent != "set_budget") {
			t.Errorf("%q: interpretation %+v", s.q, a.Interpretation)
		}
	}
}
