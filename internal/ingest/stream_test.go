package ingest_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/llmcost/llmcost/internal/billing"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/ingest"
)

// streamOnly is a real store that refuses batches carrying a slice of lines or
// of event usages, so that an ingest which buffers a whole file fails. It counts
// the streamed lines and usages, and keeps the event batch id a stream returned.
type streamOnly struct {
	cost.Store
	streams, lines       int
	eventStreams, usages int
	eventBatch           string
}

func (s *streamOnly) Apply(ctx context.Context, b *cost.Batch) (*cost.ApplyResult, error) {
	if len(b.Lines) > 0 {
		return nil, cost.Errorf(cost.CodeInternal, "batch carries %d buffered lines", len(b.Lines))
	}
	if len(b.Events) > 0 {
		return nil, cost.Errorf(cost.CodeInternal, "batch carries %d buffered event usages", len(b.Events))
	}
	if b.EventStream != nil {
		s.eventStreams++
		stream := b.EventStream
		b.EventStream = func(emit func(*cost.EventUsage) error) (string, error) {
			batch, err := stream(func(u *cost.EventUsage) error {
				s.usages++
				return emit(u)
			})
			s.eventBatch = batch
			return batch, err
		}
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

// Event files reach the store as a stream of usages, never as a slice; the
// batch id the stream returns is the SHA-256 of the decompressed content, and
// names the partition of the rolled-up lines.
func TestIngestStreamsEvents(t *testing.T) {
	const path = "testdata/events_prices.ndjson"
	content, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(content)
	wantBatch := ingest.EventBatchPrefix + hex.EncodeToString(h[:])
	var zipped bytes.Buffer
	zw := newGzip(&zipped)
	zw.Write(content)
	zw.Close()
	for _, tt := range []struct {
		name string
		body []byte
	}{{"Plain", content}, {"Gzip", zipped.Bytes()}} {
		t.Run(tt.name, func(t *testing.T) {
			in, db := newIngester(t)
			store := &streamOnly{Store: db}
			in.Store = store
			sum, err := in.Ingest(context.Background(), "events", path, bytes.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			// Four events of two token types each: e1, e2 input and output; e3
			// input and cache read; e4 input and output.
			if store.eventStreams != 1 || store.usages != 8 || store.eventBatch != wantBatch {
				t.Errorf("%d streams of %d usages, batch %q; want 1 of 8, %q",
					store.eventStreams, store.usages, store.eventBatch, wantBatch)
			}
			if sum.Rows != 4 || sum.EventsInserted != 4 || sum.TokenLines != 8 ||
				len(sum.Partitions) != 1 || sum.Partitions[0].Key != wantBatch {
				t.Errorf("summary %+v", sum)
			}
			assertTotals(t, totals(t, db, "source_partition", "source = 'events'"), map[string]float64{wantBatch: 19})
		})
	}
}

// An events file that turns bad partway writes nothing, and the error names
// the line.
func TestIngestEventStreamFailsAtomically(t *testing.T) {
	in, db := newIngester(t)
	body := `{"id":"a1","timestamp":"2024-11-01T12:00:00Z","model":"gpt-4o","customer_id":"c","input_tokens":1000}
{"id":"a2","timestamp":"2024-11-01T12:00:00Z","model":"gpt-4o","customer_id":"c","input_tokens":1000}
{"id":"a3","timestamp":"not a time","model":"gpt-4o","input_tokens":1}
`
	_, err := in.Ingest(context.Background(), "events", "bad.ndjson", strings.NewReader(body))
	if cost.ErrorCode(err) != cost.CodeInvalid || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("err=%v, want invalid naming line 3", err)
	}
	var lines, events int
	if err := db.SQL().QueryRow(`SELECT (SELECT count(*) FROM cost_lines), (SELECT count(*) FROM events)`).Scan(&lines, &events); err != nil {
		t.Fatal(err)
	}
	if lines != 0 || events != 0 {
		t.Errorf("store holds %d lines and %d events, want none", lines, events)
	}
}
