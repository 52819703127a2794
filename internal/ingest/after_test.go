package ingest_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/ingest"
)

// TestAfter checks the after-steps' one policy on every ingest path: they run
// in order once data is written; a failing step leaves the data written and
// becomes a warning, and the next step still runs; none runs when the ingest
// fails.
func TestAfter(t *testing.T) {
	const csv = "date,cloud_provider,service,model,token_type,cost_usd,usage_amount,customer_id\n" +
		"2026-10-01,AWS,Amazon Bedrock,claude-3-5-sonnet,input,2.5,1000,cust_a\n" +
		"2026-10-03,AWS,Amazon Bedrock,claude-3-5-sonnet,output,1.5,100,cust_a\n"
	event := cost.Event{ID: "e1", Timestamp: time.Date(2026, 10, 2, 9, 0, 0, 0, time.UTC), Provider: "aws",
		Model: "claude-3-5-sonnet", CustomerID: "cust_a", InputTokens: 10}
	paths := []struct {
		name             string
		ingest           func(*ingest.Ingester) (*cost.IngestSummary, error)
		wantFrom, wantTo string
	}{
		{"Ingest", func(in *ingest.Ingester) (*cost.IngestSummary, error) {
			return in.Ingest(context.Background(), "unified", "a.csv", strings.NewReader(csv))
		}, "2026-10-01", "2026-10-03"},
		{"IngestFiles", func(in *ingest.Ingester) (*cost.IngestSummary, error) {
			return in.IngestFiles(context.Background(), "unified", []ingest.File{{Name: "a.csv",
				Open: func(context.Context) (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(csv)), nil }}}, nil)
		}, "2026-10-01", "2026-10-03"},
		{"IngestEvents", func(in *ingest.Ingester) (*cost.IngestSummary, error) {
			return in.IngestEvents(context.Background(), "otlp", []cost.Event{event})
		}, "2026-10-02", "2026-10-02"},
	}
	for _, p := range paths {
		t.Run(p.name, func(t *testing.T) {
			in, db := newIngester(t)
			var ran []string
			in.After = []ingest.Step{
				{Name: "first", Failure: "The first step failed", Run: func(_ context.Context, sum *cost.IngestSummary) error {
					ran = append(ran, "first "+sum.From.Format(cost.DateLayout)+".."+sum.To.Format(cost.DateLayout))
					return cost.Errorf(cost.CodeUnavailable, "Try later.")
				}},
				{Name: "second", Run: func(context.Context, *cost.IngestSummary) error {
					ran = append(ran, "second")
					return errors.New("internal detail")
				}, Failure: "The second step failed"},
			}
			sum, err := p.ingest(in)
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{"first " + p.wantFrom + ".." + p.wantTo, "second"}; strings.Join(ran, "|") != strings.Join(want, "|") {
				t.Errorf("steps ran %q, want %q", ran, want)
			}
			warns := strings.Join(sum.Warnings, "|")
			if !strings.Contains(warns, "The first step failed: Try later.") ||
				!strings.Contains(warns, "The second step failed: Internal error.") || strings.Contains(warns, "internal detail") {
				t.Errorf("warnings %q, want both failures, without internal details", sum.Warnings)
			}
			var n int
			if err := db.Lines(context.Background(), cost.LineFilter{}, func(*cost.LineItem) error { n++; return nil }); err != nil || n == 0 {
				t.Errorf("%d lines stored (%v): the failing steps undid the ingest", n, err)
			}
		})
	}
	t.Run("NotAfterAFailedIngest", func(t *testing.T) {
		in, _ := newIngester(t)
		ran := false
		in.After = []ingest.Step{{Name: "x", Run: func(context.Context, *cost.IngestSummary) error { ran = true; return nil }}}
		if _, err := in.Ingest(context.Background(), "unified", "bad.csv", strings.NewReader("date,cost_usd\nnot a date,1\n")); err == nil {
			t.Fatal("a bad file was ingested")
		}
		if ran {
			t.Error("a step ran after a failed ingest")
		}
	})
}
