package main

import (
	"context"
	"io"

	"github.com/llmcost/llmcost/internal/alert"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/ingest"
	"github.com/llmcost/llmcost/internal/query"
)

// afterSteps returns what follows every local ingest, whichever command or
// request made it (ingest.Step has the one failure policy): allocation of the
// days it covered, when LLMCOST_ALLOCATION is on, its result printed to report
// when not nil; then alert evaluation by evaluate.
func (m *Main) afterSteps(db *duckdb.DB, evaluate func(context.Context) error, report io.Writer) []ingest.Step {
	var steps []ingest.Step
	if m.allocating() {
		steps = append(steps, ingest.Step{Name: "allocation", Failure: "The billed cost of these months could not be allocated",
			Run: func(ctx context.Context, sum *cost.IngestSummary) error {
				if sum.From.IsZero() {
					return nil
				}
				res, err := m.allocator(db).Run(ctx, sum.From, sum.To)
				if err == nil && report != nil {
					printAllocation(report, res)
				}
				return err
			}})
	}
	return append(steps, ingest.Step{Name: "alerts", Failure: "The alert rules could not be evaluated",
		Run: func(ctx context.Context, _ *cost.IngestSummary) error { return evaluate(ctx) }})
}

// triggerAlerts asks serve's engine to evaluate soon, without waiting.
func triggerAlerts(e *alert.Engine) func(context.Context) error {
	return func(context.Context) error { e.Trigger(); return nil }
}

// evaluateAlerts evaluates the rules once, for a command that ingested into
// the data directory, and waits for the notifications to be delivered. The
// engine is made on first use and closed with Main.
func (m *Main) evaluateAlerts(ctx context.Context) error {
	if m.cliAlerts == nil {
		e, err := m.newAlerts(query.NewService(m.costStore(m.Store), m.Config.Clock()), m.Store)
		if err != nil {
			return err
		}
		m.cliAlerts = e
		m.onClose(e.Close)
	}
	err := m.cliAlerts.Evaluate(ctx)
	m.cliAlerts.Wait()
	return err
}
