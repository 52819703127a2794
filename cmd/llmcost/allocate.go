package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/llmcost/llmcost/internal/allocation"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
)

const allocateUsage = `Usage: llmcost allocate [--data DIR] [--from DATE] [--to DATE] [--off]

Writes billed cost back to customers in proportion to their gateway event
tokens: for every model-day with both billing-export and event lines, the
unattributed billed cost moves to the customers whose events used the model,
and the events' estimates the bill covers are superseded, so each dollar counts once. Months
are recomputed whole; without --from and --to, every month with data. --off
removes the allocation lines instead (of every month that has some, or of
--from..--to). serve, ingest and sync do the same after each ingest when
LLMCOST_ALLOCATION=event-tokens (or --allocation event-tokens). See
docs/allocation.md.

Examples:
  llmcost allocate
  llmcost allocate --from 2026-10-01 --to 2026-10-31
  llmcost allocate --off
`

// allocationFlag adds --allocation to a command that ingests.
func allocationFlag(fs *flag.FlagSet, c *Config) {
	fs.StringVar(&c.Allocation, "allocation", c.Allocation,
		"write billed cost back to customers after each ingest: off or event-tokens (LLMCOST_ALLOCATION)")
}

// allocateFlags adds the allocate command's flags.
func (m *Main) allocateFlags(fs *flag.FlagSet) {
	fs.StringVar(&m.allocFrom, "from", "", "first day, YYYY-MM-DD (default: the first month with data)")
	fs.StringVar(&m.allocTo, "to", "", "last day, YYYY-MM-DD (default: the last month with data)")
	fs.BoolVar(&m.allocOff, "off", false, "remove the allocation lines instead of recomputing them")
}

// checkAllocateArgs checks the allocate command's dates.
func (m *Main) checkAllocateArgs() error {
	if len(m.Args) > 0 {
		return fmt.Errorf("allocate: unexpected argument %q", m.Args[0])
	}
	from, to, err := m.allocateRange()
	if err != nil {
		return err
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		return fmt.Errorf("allocate: --to %s is before --from %s", m.allocTo, m.allocFrom)
	}
	return nil
}

// allocateRange parses --from and --to; a zero time when absent.
func (m *Main) allocateRange() (from, to time.Time, err error) {
	parse := func(flag, v string) (time.Time, error) {
		if v == "" {
			return time.Time{}, nil
		}
		d, err := cost.ParseDate(v)
		if err != nil {
			return d, fmt.Errorf("allocate: --%s %q is not a YYYY-MM-DD date", flag, v)
		}
		return d, nil
	}
	if from, err = parse("from", m.allocFrom); err != nil {
		return
	}
	to, err = parse("to", m.allocTo)
	return
}

// runAllocate recomputes (or with --off removes) the allocation lines and
// prints what it did.
func (m *Main) runAllocate(ctx context.Context) error {
	db, err := m.openExistingStore()
	if err != nil {
		return err
	}
	store := m.costStore(db)
	from, to, _ := m.allocateRange()
	var sources []string // Every line: recompute where there is data.
	if m.allocOff {
		sources = allocationSources
	}
	if from.IsZero() || to.IsZero() {
		first, last, err := dataRange(ctx, store, sources)
		if err != nil {
			return err
		}
		if first.IsZero() {
			fmt.Fprintln(m.Stdout, "allocation: no data, nothing to do")
			if len(sources) == 0 {
				fmt.Fprintln(m.Stdout, m.noDataHint())
			}
			return nil
		}
		from, to = orDefault(from, first), orDefault(to, last)
	}
	run := m.allocator(db).Run
	if m.allocOff {
		run = m.allocator(db).Clear
	}
	res, err := run(ctx, from, to)
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, "allocation:", res)
	return nil
}

func orDefault(t, def time.Time) time.Time {
	if t.IsZero() {
		return def
	}
	return t
}

// allocationSources are the cost sources of the allocator's lines.
var allocationSources = []string{cost.SourceAllocation, cost.SourceSupersededEstimate}

// allocating reports whether billed cost is written back after each ingest.
func (m *Main) allocating() bool { return m.Config.Allocation == allocation.ModeEventTokens }

// allocator returns the one allocator of this process over the cost store, so
// that runs from every hook are serialised.
func (m *Main) allocator(db *duckdb.DB) *allocation.Allocator {
	if m.alloc == nil {
		m.alloc = &allocation.Allocator{Store: m.costStore(db), Now: m.Config.Clock(), Logger: m.Logger}
	}
	return m.alloc
}

// dataRange returns the first and last month with lines of the cost sources
// (nil = every line); zero times when there are none.
func dataRange(ctx context.Context, s cost.Store, sources []string) (first, last time.Time, err error) {
	q := &cost.AggregateQuery{Metrics: []cost.Metric{cost.MetricActiveDays}, GroupBy: []cost.Dimension{cost.DimMonth}}
	if len(sources) > 0 {
		q.Filters = []cost.Filter{{Dimension: cost.DimCostSource, Op: cost.OpIn, Values: sources}}
	}
	f, err := s.Aggregate(ctx, q)
	if err != nil {
		return first, last, fmt.Errorf("allocation: data range: %w", err)
	}
	var c coverage
	for _, row := range f.Rows {
		if v, ok := row[0].(string); ok {
			if d, err := cost.ParseDate(v); err == nil {
				c.add(d, cost.MonthEnd(d)) // The month's first day: it covers the month.
			}
		}
	}
	return c.from, c.to, nil
}

// coverage is the span of days some ingests covered.
type coverage struct{ from, to time.Time }

// add widens c to from..to; zero times are ignored.
func (c *coverage) add(from, to time.Time) {
	if from.IsZero() || to.IsZero() {
		return
	}
	if c.from.IsZero() || from.Before(c.from) {
		c.from = from
	}
	if to.After(c.to) {
		c.to = to
	}
}

// printAllocation prints a hook's allocation result, if any.
func printAllocation(w io.Writer, res *allocation.Result) {
	if res != nil {
		fmt.Fprintln(w, "allocation:", res)
	}
}

// allocateOnStart brings the allocation lines in line with the mode when serve
// starts: recomputed over every month with data when on, removed when off.
func (m *Main) allocateOnStart(ctx context.Context, db *duckdb.DB) error {
	store := m.costStore(db)
	if m.allocating() {
		first, last, err := dataRange(ctx, store, nil)
		if err != nil || first.IsZero() {
			return err
		}
		_, err = m.allocator(db).Run(ctx, first, last)
		return err
	}
	first, last, err := dataRange(ctx, store, allocationSources)
	if err != nil || first.IsZero() {
		return err
	}
	_, err = m.allocator(db).Clear(ctx, first, last)
	return err
}
