package ingest_test

import (
	"context"
	"os"
	"testing"

	"github.com/llmcost/llmcost/internal/billing"
	"github.com/llmcost/llmcost/internal/cost"
)

// streamOnly is a real store that refuses batches carrying a slice of lines, so
// that an ingest which buffers a whole file fails. It counts the streamed lines.
type streamOnly struct {
	cost.Store
	streams, lines int
}

func (s *streamOnly) Apply(ctx context.Context, b *cost.Batch) (*cost.ApplyResult, error) {
	if len(b.Lines) > 0 {
		return nil, cost.Errorf(cost.CodeInternal, "batch carries %d buffered lines", len(b.Lines))
	}
	if b.Stream != nil {
		s.streams++
		stream := b.Stream
		b.Stream = func(emit func(*cost.LineItem) error) error {
			return stream(func(l *cost.LineItem) error {
				s.lines++
				return emit(l)
			})
		}
	}
	return s.Store.Apply(ctx, b)
}

// Line formats reach the store as a stream, never as a slice of the file's lines.
func TestIngestStreamsLineFormats(t *testing.T) {
	tests := []struct {
		format, path string
		lines        int // Lines in the fixture, counted by hand; 0 = only check > 0.
	}{
		{"unified", "testdata/unified_oct.csv", 4},
		{"focus", "testdata/focus12.csv", 0},
		{"focus", "testdata/focus12.csv.gz", 0},
		{"aws-cur", billingTestdata + "aws_cur2.csv", 0},
		{"gcp-billing", billingTestdata + "gcp_billing.csv", 0},
		{"azure-cost", billingTestdata + "azure_mca.csv", 0},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			in, db := newIngester(t)
			m, err := billing.LoadMapping(billingTestdata + "mapping.json")
			if err != nil {
				t.Fatal(err)
			}
			in.Mapping = m
			store := &streamOnly{Store: db}
			in.Store = store
			f, err := os.Open(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			sum, err := in.Ingest(context.Background(), tt.format, tt.path, f)
			if err != nil {
				t.Fatal(err)
			}
			if store.streams != 1 {
				t.Errorf("streams=%d, want 1", store.streams)
			}
			if store.lines == 0 || tt.lines != 0 && store.lines != tt.lines {
				t.Errorf("streamed %d lines, want %d", store.lines, tt.lines)
			}
			if sum.LinesWritten != store.lines || len(sum.Partitions) == 0 {
				t.Errorf("summary %+v, streamed %d lines", sum, store.lines)
			}
			var n int
			if err := db.SQL().QueryRow("SELECT count(*) FROM cost_lines").Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != store.lines {
				t.Errorf("store holds %d lines, streamed %d", n, store.lines)
			}
		})
	}
}
