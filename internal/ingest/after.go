package ingest

import (
	"context"

	"github.com/llmcost/llmcost/internal/cost"
)

// Step is work that follows every ingest that wrote data, whatever its path (an
// upload, the ingest command, a sync delivery, OTLP events): allocation over
// the days it covered, alert evaluation. Run receives the ingest's summary
// (File, From..To, Partitions, Spend).
type Step struct {
	// Name names the step in logs, e.g. "allocation".
	Name string
	// Failure starts the summary's warning when Run fails, e.g. "The billed
	// cost of these months could not be allocated".
	Failure string
	Run     func(ctx context.Context, sum *cost.IngestSummary) error
}

// after runs the Ingester's steps, in order, once its store has applied an
// ingest. The one failure policy: what was applied stays applied, so a
// failing step does not fail the ingest; its error is logged and added to the
// summary's warnings, and the steps after it still run. No step runs after an
// ingest that failed.
func (in *Ingester) after(ctx context.Context, sum *cost.IngestSummary) {
	for _, s := range in.After {
		if err := s.Run(ctx, sum); err != nil {
			if in.Logger != nil {
				in.Logger.Warn("after ingest", "step", s.Name, "file", sum.File, "error", err)
			}
			sum.Warnings = append(sum.Warnings, s.Failure+": "+cost.ErrorMessage(err))
		}
	}
}
