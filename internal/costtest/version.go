package costtest

import (
	"context"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
)

// testDataVersion checks that the data version stays put while nothing is
// written, and changes with every write a query answer can read: an ingest, a
// restatement, a budget set or deleted, a customer named.
func testDataVersion(t *testing.T, s cost.Store) {
	ctx := context.Background()
	version := func() string {
		t.Helper()
		v, err := s.DataVersion(ctx)
		if err != nil {
			t.Fatalf("DataVersion: %v", err)
		}
		return v
	}
	seen := map[string]string{}
	last := version()
	seen[last] = "open"
	if again := version(); again != last {
		t.Errorf("without writes the version moved from %q to %q", last, again)
	}
	lines := Lines(1)
	p := Partition(cost.ProviderAWS, Start)
	restated, _ := split(Lines(2), p)
	writes := []struct {
		name  string
		write func() error
	}{
		{"ingest", func() error { _, err := s.Apply(ctx, BatchOf(lines)); return err }},
		{"restatement", func() error { _, err := s.Apply(ctx, BatchOf(restated)); return err }},
		{"budget set", func() error { return s.SetBudget(ctx, cost.Budget{CustomerID: "cust_a", MonthlyUSD: 10}) }},
		{"budget changed", func() error { return s.SetBudget(ctx, cost.Budget{CustomerID: "cust_a", MonthlyUSD: 20}) }},
		{"budget deleted", func() error { return s.DeleteBudget(ctx, "cust_a") }},
		{"customer named", func() error { return s.SetCustomer(ctx, cost.Customer{ID: "cust_a", Name: "Acme"}) }},
	}
	for _, w := range writes {
		if err := w.write(); err != nil {
			t.Fatalf("%s: %v", w.name, err)
		}
		v := version()
		if prev, ok := seen[v]; ok {
			t.Errorf("after %s the version is %q, as after %s", w.name, v, prev)
		}
		seen[v] = w.name
	}
}
