package chat_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/chat"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/demo"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/query"
)

// versioned is a store that reports a data version the test moves by hand.
type versioned struct {
	*duckdb.DB
	version int
}

func (v *versioned) DataVersion(context.Context) (string, error) { return strconv.Itoa(v.version), nil }

// TestVocabularyFollowsDataVersion checks that the names a question may mention
// are cached until the store's data version changes, and reloaded then.
func TestVocabularyFollowsDataVersion(t *testing.T) {
	db, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ds := demo.Generate(demo.Options{Seed: 5, End: today, Days: 10, Customers: 3})
	if err := demo.Load(context.Background(), db, ds); err != nil {
		t.Fatal(err)
	}
	store := &versioned{DB: db, version: 1}
	now := today.Add(12 * time.Hour)
	e := chat.New(chat.Config{Query: query.NewService(db, func() time.Time { return now }), Store: store,
		VocabularyTTL: time.Hour})
	if err := e.Warm(context.Background()); err != nil {
		t.Fatal(err)
	}
	ask := func() *cost.ChatAnswer {
		a, err := e.Ask(context.Background(), cost.AdminPrincipal(), cost.ChatRequest{Message: "How much did Zorblax Holdings spend last week?"})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	id := ds.Customers[0].ID
	if err := db.SetCustomer(context.Background(), cost.Customer{ID: id, Name: "Zorblax Holdings"}); err != nil {
		t.Fatal(err)
	}
	if a := ask(); a.Understood {
		t.Errorf("renamed customer known before the data version moved: %s", a.Answer)
	}
	store.version++
	a := ask()
	if !a.Understood || a.Interpretation == nil || len(a.Interpretation.Filters) != 1 || a.Interpretation.Filters[0].Values[0] != id {
		t.Errorf("after the data version moved: understood %v, interpretation %+v", a.Understood, a.Interpretation)
	}
}
