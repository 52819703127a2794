package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/llmcost/llmcost/internal/billing"
	"github.com/llmcost/llmcost/internal/cost"
)

// runExport writes the selected cost lines as a unified CSV.
func (m *Main) runExport(ctx context.Context) error {
	f, err := m.exportFilter()
	if err != nil {
		return err
	}
	db, err := m.openExistingStore()
	if err != nil {
		return err
	}
	if empty, err := storeIsEmpty(ctx, m.costStore(db)); err != nil {
		return err
	} else if empty {
		fmt.Fprintln(m.Stderr, m.noDataHint())
	}
	var out io.Writer = m.Stdout
	if m.Output != "" && m.Output != "-" {
		file, err := os.Create(m.Output)
		if err != nil {
			return err
		}
		defer file.Close()
		out = file
	}
	bw := bufio.NewWriterSize(out, 1<<16)
	uw := billing.NewUnifiedWriter(bw)
	if err := m.costStore(db).Lines(ctx, f, func(l *cost.LineItem) error { return uw.Write(l) }); err != nil {
		return err
	}
	if err := uw.Flush(); err != nil {
		return err
	}
	return bw.Flush()
}

func (m *Main) exportFilter() (cost.LineFilter, error) {
	var f cost.LineFilter
	var err error
	if m.exportFrom != "" {
		if f.From, err = cost.ParseDate(m.exportFrom); err != nil {
			return f, cost.FieldErrorf("from", "--from %q is not a YYYY-MM-DD date.", m.exportFrom)
		}
	}
	if m.exportTo != "" {
		if f.To, err = cost.ParseDate(m.exportTo); err != nil {
			return f, cost.FieldErrorf("to", "--to %q is not a YYYY-MM-DD date.", m.exportTo)
		}
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		return f, cost.FieldErrorf("to", "--to %s is before --from %s.", m.exportTo, m.exportFrom)
	}
	if m.Customer != "" {
		f.CustomerID = &m.Customer
	}
	return f, nil
}
