package demo

import (
	"context"
	"fmt"
	"slices"

	"github.com/llmcost/llmcost/internal/cost"
)

// Load writes d into s: the customers, one batch per provider × month partition
// (replacing that partition, so loading twice changes nothing), then the budgets.
func Load(ctx context.Context, s cost.Store, d *Dataset) error {
	for _, c := range d.Customers {
		if err := s.SetCustomer(ctx, c); err != nil {
			return fmt.Errorf("demo: customer %s: %w", c.ID, err)
		}
	}
	for _, b := range Batches(d) {
		if _, err := s.Apply(ctx, b); err != nil {
			return fmt.Errorf("demo: partition %s: %w", b.Replace[0].Key, err)
		}
	}
	for _, b := range d.Budgets {
		if err := s.SetBudget(ctx, b); err != nil {
			return fmt.Errorf("demo: budget %q: %w", b.CustomerID, err)
		}
	}
	return nil
}

// Batches groups d's lines, bills and gateway estimates, into one batch per
// partition, in order of first appearance.
func Batches(d *Dataset) []*cost.Batch {
	var out []*cost.Batch
	index := map[cost.Partition]*cost.Batch{}
	for _, l := range slices.Concat(d.Lines, d.Gateway) {
		p := cost.Partition{Source: l.Source, Key: l.SourcePartition}
		b := index[p]
		if b == nil {
			b = &cost.Batch{Replace: []cost.Partition{p}}
			index[p] = b
			out = append(out, b)
		}
		b.Lines = append(b.Lines, l)
	}
	return out
}
