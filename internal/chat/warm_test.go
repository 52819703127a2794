package chat_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/chat"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/demo"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/query"
)

// counting is a store that counts the queries run on it: lists of values and
// aggregates over all time, or nearly (the vocabulary's lists of names), apart
// from the rest.
type counting struct {
	*duckdb.DB
	mu            sync.Mutex
	vocab, answer int
}

func (c *counting) Aggregate(ctx context.Context, q *cost.AggregateQuery) (*cost.Frame, error) {
	c.mu.Lock()
	if q.From.Before(today.AddDate(-10, 0, 0)) {
		c.vocab++
	} else {
		c.answer++
	}
	c.mu.Unlock()
	return c.DB.Aggregate(ctx, q)
}

// Distinct counts as a list of names: the vocabulary lists values over all time.
func (c *counting) Distinct(ctx context.Context, d cost.Dimension, q *cost.AggregateQuery) ([]string, error) {
	c.mu.Lock()
	c.vocab++
	c.mu.Unlock()
	return c.DB.Distinct(ctx, d, q)
}

func (c *counting) take() (vocab, answer int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	vocab, answer = c.vocab, c.answer
	c.vocab, c.answer = 0, 0
	return vocab, answer
}

// TestFirstQuestionAfterWarm checks that the first question after start does no
// more work than the same question later: Warm loads the vocabulary (the names
// and customer list) once, questions asked while it loads wait for that load
// instead of starting their own, and a question reads no list again until the
// data version changes.
func TestFirstQuestionAfterWarm(t *testing.T) {
	db, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if err := demo.Load(ctx, db, demo.Generate(demo.Options{Seed: 3, End: today, Days: 20, Customers: 4})); err != nil {
		t.Fatal(err)
	}
	store := &counting{DB: db}
	now := today.Add(12 * time.Hour)
	newEngine := func() *chat.Engine {
		return chat.New(chat.Config{Query: query.NewService(store, func() time.Time { return now }), Store: store})
	}
	ask := func(e *chat.Engine, conv string) {
		t.Helper()
		a, err := e.Ask(ctx, cost.AdminPrincipal(), cost.ChatRequest{Message: "How much did Gemini cost last week?", ConversationID: conv})
		if err != nil || !a.Understood {
			t.Fatalf("ask: %v %+v", err, a)
		}
	}

	e := newEngine()
	if err := e.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	load, _ := store.take()
	if load == 0 {
		t.Fatal("Warm read no lists of names")
	}
	ask(e, "first")
	v1, a1 := store.take()
	ask(e, "second")
	v2, a2 := store.take()
	if v1 != 0 || v2 != 0 || a1 != a2 {
		t.Errorf("first question after Warm: %d list and %d answer queries; the same question later: %d and %d", v1, a1, v2, a2)
	}

	e = newEngine()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); e.Warm(ctx) }()
	for i := range 8 {
		wg.Add(1)
		go func() { defer wg.Done(); ask(e, fmt.Sprint("c", i)) }()
	}
	wg.Wait()
	if v, a := store.take(); v != load || a != 8*a1 {
		t.Errorf("Warm with 8 questions at once: %d list queries (one load is %d) and %d answer queries (want %d)", v, load, a, 8*a1)
	}

	if err := db.SetCustomer(ctx, cost.Customer{ID: "cust_new", Name: "New Co"}); err != nil {
		t.Fatal(err)
	}
	ask(e, "after")
	if v, _ := store.take(); v != load {
		t.Errorf("after the data version moved: %d list queries, want one load (%d)", v, load)
	}
}
