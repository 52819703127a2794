package budgetcheck

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
)

func TestDecide(t *testing.T) {
	b := func(v float64) *float64 { return &v }
	for name, c := range map[string]struct {
		f           figures
		delta       float64
		pol         Policy
		allowed     bool
		warn        bool
		spent, proj float64
		percentUsed float64
		hasPercent  bool
	}{
		"no budget":              {f: figures{spent: 500, projected: 900}, allowed: true, spent: 500, proj: 900},
		"under warn":             {f: figures{spent: 50, projected: 90, budget: b(100)}, allowed: true, spent: 50, proj: 90, percentUsed: 50, hasPercent: true},
		"warn at 80":             {f: figures{spent: 70, projected: 95, budget: b(100)}, delta: 10, allowed: true, warn: true, spent: 80, proj: 105, percentUsed: 80, hasPercent: true},
		"block at 100":           {f: figures{spent: 90, projected: 120, budget: b(100)}, delta: 10, allowed: false, warn: true, spent: 100, proj: 130, percentUsed: 100, hasPercent: true},
		"warn policy over":       {f: figures{spent: 150, budget: b(100)}, pol: Policy{Action: ActionWarn}, allowed: true, warn: true, spent: 150, proj: 150, percentUsed: 150, hasPercent: true},
		"custom warn percent":    {f: figures{spent: 40, budget: b(100)}, pol: Policy{WarnPercent: 30}, allowed: true, warn: true, spent: 40, proj: 40, percentUsed: 40, hasPercent: true},
		"zero budget blocks":     {f: figures{budget: b(0)}, allowed: false, warn: true, percentUsed: 100, hasPercent: true},
		"projection below spend": {f: figures{spent: 10, projected: 5, budget: b(100)}, delta: 1, allowed: true, spent: 11, proj: 11, percentUsed: 11, hasPercent: true},
	} {
		t.Run(name, func(t *testing.T) {
			d := decide("c", "2026-11", c.f, c.delta, c.pol, time.Time{})
			if d.Allowed != c.allowed || (d.Warning != "") != c.warn || d.Spent != c.spent || d.Projected != c.proj {
				t.Errorf("decision=%+v, want allowed %v warn %v spent %v projected %v", d, c.allowed, c.warn, c.spent, c.proj)
			}
			if (d.PercentUsed != nil) != c.hasPercent || d.PercentUsed != nil && *d.PercentUsed != c.percentUsed {
				t.Errorf("percent used=%v, want %v", d.PercentUsed, c.percentUsed)
			}
			if !d.Allowed && d.Reason == "" {
				t.Error("a refusal without a reason")
			}
		})
	}
}

// fakeQuery answers the two reads a refresh makes.
type fakeQuery struct {
	cost.QueryService
	now      time.Time
	spent    map[string]float64
	statuses []cost.BudgetStatus
}

func (f *fakeQuery) Now() time.Time { return f.now }

func (f *fakeQuery) Query(_ context.Context, _ cost.Principal, q cost.Query) (*cost.Result, error) {
	res := &cost.Result{}
	for id, usd := range f.spent {
		res.Rows = append(res.Rows, []any{id, usd})
	}
	return res, nil
}

func (f *fakeQuery) BudgetStatuses(context.Context, cost.Principal) ([]cost.BudgetStatus, error) {
	return f.statuses, nil
}

func TestChecker_RefreshAndIngest(t *testing.T) {
	ctx := context.Background()
	store, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	q := &fakeQuery{now: time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC),
		spent:    map[string]float64{"a": 60, "b": 5},
		statuses: []cost.BudgetStatus{{CustomerID: "a", HasBudget: true, Budget: 100, Spent: 60, Projected: 80}}}
	c := New(q, store, nil)
	if err := c.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if d := c.Check("a"); !d.Allowed || d.Spent != 60 || d.Projected != 80 || *d.Budget != 100 {
		t.Errorf("a after refresh: %+v", d)
	}
	sum := &cost.IngestSummary{EventsInserted: 2}
	sum.AddSpend("a", q.now, 30)
	sum.AddSpend("a", q.now.AddDate(0, -1, 0), 1000) // Last month: not this month's spend.
	sum.AddSpend("b", q.now, 2)
	if err := c.Ingested(ctx, sum); err != nil {
		t.Fatal(err)
	}
	if d := c.Check("a"); d.Spent != 90 || d.Projected != 110 || d.Warning == "" || !d.Allowed {
		t.Errorf("a after 30 more: %+v, want spent 90, projected 110, warned", d)
	}
	if d := c.Check("b"); d.Spent != 7 || d.Budget != nil {
		t.Errorf("b: %+v, want spent 7 without budget", d)
	}
	// The store now holds the events; a refresh replaces the increments.
	q.spent["a"], q.statuses[0].Spent, q.statuses[0].Projected = 90, 90, 110
	if err := c.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if d := c.Check("a"); d.Spent != 90 {
		t.Errorf("a after refresh: spent %v, want 90 (not counted twice)", d.Spent)
	}
	if _, err := c.SetPolicy(ctx, "a", Policy{Action: ActionWarn, WarnPercent: 95}); err != nil {
		t.Fatal(err)
	}
	dup := &cost.IngestSummary{EventsDuplicate: 1}
	dup.AddSpend("a", q.now, 50)
	c.Ingested(ctx, dup)
	if d := c.Check("a"); d.Spent != 90 || d.Warning != "" || d.Policy.Action != ActionWarn {
		t.Errorf("a after a batch with duplicates: %+v, want unchanged spend 90 under the warn policy, no warning below 95%%", d)
	}
	select {
	case <-c.stale:
	default:
		t.Error("a batch with duplicates did not mark the figures stale")
	}
	// A new month starts from zero until refreshed.
	q.now = time.Date(2026, 12, 1, 0, 0, 1, 0, time.UTC)
	if d := c.Check("a"); d.Spent != 0 || d.Month != "2026-12" || !d.Allowed {
		t.Errorf("a in a new month before refresh: %+v", d)
	}
	// Policies persist in the store.
	c2 := New(q, store, nil)
	if p, err := c2.Policy(ctx, "a"); err != nil || p.Action != ActionWarn || p.WarnPercent != 95 {
		t.Errorf("stored policy=%+v, %v", p, err)
	}
	if _, err := c.SetPolicy(ctx, "a", Policy{Action: "deny"}); cost.ErrorCode(err) != cost.CodeInvalid {
		t.Errorf("bad action: %v, want CodeInvalid", err)
	}
}

// TestChecker_Concurrent checks, ingests and sets policies at once (run with
// -race); every increment is counted.
func TestChecker_Concurrent(t *testing.T) {
	ctx := context.Background()
	store, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	q := &fakeQuery{now: time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC), spent: map[string]float64{},
		statuses: []cost.BudgetStatus{{CustomerID: "a", HasBudget: true, Budget: 1e9}}}
	c := New(q, store, nil)
	if err := c.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				switch {
				case g == 0 && i%50 == 0:
					if _, err := c.SetPolicy(ctx, "a", Policy{Action: ActionWarn}); err != nil {
						t.Error(err)
					}
				case g%2 == 0:
					c.Check("a")
				default:
					sum := &cost.IngestSummary{}
					sum.AddSpend("a", q.now, 1)
					c.Ingested(ctx, sum)
				}
			}
		}(g)
	}
	wg.Wait()
	if got, want := c.Check("a").Spent, float64(4*200); got != want {
		t.Errorf("spent=%v, want %v (every increment)", got, want)
	}
}
