package chat_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/chat"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/demo"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/query"
)

// today is the fixed clock of the tests: Thursday, November 26, 2026.
var today = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

// fixture is a DuckDB store loaded with a generated dataset, and an engine over it.
type fixture struct {
	db     *duckdb.DB
	data   *demo.Dataset
	query  *query.Service
	engine *chat.Engine
}

var (
	fixtureOnce sync.Once
	shared      *fixture
	fixtureErr  error
)

// setup returns the shared fixture (the dataset is read-only; alert rules written
// by tests are distinct).
func setup(t testing.TB) *fixture {
	t.Helper()
	fixtureOnce.Do(func() {
		db, err := duckdb.Open("")
		if err != nil {
			fixtureErr = err
			return
		}
		ds := demo.Generate(demo.Options{Seed: 7, End: today, Days: 150, Customers: 12})
		if err := demo.Load(context.Background(), db, ds); err != nil {
			fixtureErr = err
			return
		}
		now := today.Add(12 * time.Hour)
		qs := query.NewService(db, func() time.Time { return now })
		shared = &fixture{db: db, data: ds, query: qs, engine: chat.New(chat.Config{Query: qs, Store: db})}
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return shared
}

func principal(as string) cost.Principal {
	if as == "" {
		return cost.AdminPrincipal()
	}
	return cost.CustomerPrincipal(as)
}
