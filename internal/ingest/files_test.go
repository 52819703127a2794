package ingest_test

import (
	"context"
	"errors"
	"io"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/billing"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/ingest"
)

// streamedOnly is a real store that refuses batches carrying a slice of lines,
// and counts the Apply calls and streamed lines it receives.
type streamedOnly struct {
	cost.Store
	applies, lines int
}

func (s *streamedOnly) Apply(ctx context.Context, b *cost.Batch) (*cost.ApplyResult, error) {
	s.applies++
	if len(b.Lines) > 0 || b.Stream == nil {
		return nil, cost.Errorf(cost.CodeInternal, "batch carries %d buffered lines and no stream", len(b.Lines))
	}
	stream := b.Stream
	b.Stream = func(emit func(*cost.LineItem) error) error {
		return stream(func(l *cost.LineItem) error {
			s.lines++
			return emit(l)
		})
	}
	return s.Store.Apply(ctx, b)
}

// osFile is an ingest.File reading path from disk.
func osFile(path string) ingest.File {
	return ingest.File{Name: path, Open: func(context.Context) (io.ReadCloser, error) { return os.Open(path) }}
}

// exportLines returns every stored line, in the store's export order.
func exportLines(t *testing.T, db *duckdb.DB) []cost.LineItem {
	t.Helper()
	var out []cost.LineItem
	if err := db.Lines(context.Background(), cost.LineFilter{}, func(l *cost.LineItem) error {
		out = append(out, *l)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// Two files are written as one streamed Apply into an empty store, and the
// summary adds up what each file holds. unified_oct.csv: 4 token lines, 10+20+5+7 = $42, 2026-09-30 to
// 2026-10-02, partitions GCP/2026-10, AWS/2026-10, AWS/2026-09.
// unified_aug.csv: 3 token lines, 3.5+6+1.25 = $10.75, 2026-08-02 to 2026-08-03,
// partitions Azure/2026-08, GCP/2026-08.
func TestIngestFilesSumsFiles(t *testing.T) {
	in, db := newIngester(t)
	store := &streamedOnly{Store: db}
	in.Store = store
	sum, err := in.IngestFiles(context.Background(), "unified",
		[]ingest.File{osFile("testdata/unified_oct.csv"), osFile("testdata/unified_aug.csv")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if store.applies != 1 || store.lines != 7 {
		t.Errorf("store got %d applies streaming %d lines, want 1 streaming 7", store.applies, store.lines)
	}
	u := func(key string) cost.Partition { return cost.Partition{Source: billing.SourceUnified, Key: key} }
	want := &cost.IngestSummary{Format: "unified", Rows: 7, LinesWritten: 7, TokenLines: 7,
		Partitions: []cost.Partition{u("GCP/2026-10"), u("AWS/2026-10"), u("AWS/2026-09"), u("Azure/2026-08"), u("GCP/2026-08")},
		CostUSD:    52.75, From: day("2026-08-02"), To: day("2026-10-02")}
	sum.CostUSD = math.Round(sum.CostUSD*100) / 100
	if !reflect.DeepEqual(sum, want) {
		t.Errorf("summary:\n got %+v\nwant %+v", sum, want)
	}
	if got := exportLines(t, db); len(got) != 7 {
		t.Errorf("store holds %d lines, want 7", len(got))
	}
	if got := totals(t, db, "cloud_provider", ""); !reflect.DeepEqual(got, map[string]float64{"GCP": 31.25, "AWS": 12, "Azure": 9.5}) {
		t.Errorf("cost by provider: got %v, want GCP 31.25, AWS 12, Azure 9.5", got)
	}
}

// A partition in replace is emptied even when no line of the files names it.
func TestIngestFilesReplacesListedPartitions(t *testing.T) {
	in, db := newIngester(t)
	ingestFile(t, in, "unified", "testdata/unified_gcp_restated.csv") // GCP/2026-10: 11 + 1.5.
	gone := cost.Partition{Source: billing.SourceUnified, Key: "GCP/2026-10"}
	sum, err := in.IngestFiles(context.Background(), "unified", []ingest.File{osFile("testdata/unified_aug.csv")},
		[]cost.Partition{gone})
	if err != nil {
		t.Fatal(err)
	}
	// Only GCP/2026-10 held lines before; the files' partitions come first.
	if sum.PartitionsReplaced != 1 || len(sum.Partitions) != 3 || sum.Partitions[2] != gone {
		t.Errorf("summary: %d partitions replaced, %v; want 1, and 3 listed ending with %v", sum.PartitionsReplaced, sum.Partitions, gone)
	}
	if got := totals(t, db, "cloud_provider", ""); !reflect.DeepEqual(got, map[string]float64{"GCP": 1.25, "Azure": 9.5}) {
		t.Errorf("cost by provider: got %v, want only August's GCP 1.25, Azure 9.5", got)
	}
}

// A file that cannot be read or parsed, anywhere in the list, writes nothing.
func TestIngestFilesFailureWritesNothing(t *testing.T) {
	broken := ingest.File{Name: "s3://bills/part-2.csv", Open: func(context.Context) (io.ReadCloser, error) {
		return nil, errors.New("connection reset")
	}}
	tests := []struct {
		name    string
		second  ingest.File
		message string
	}{
		{"parse", osFile("testdata/unified_bad_last.csv"),
			`invalid: testdata/unified_bad_last.csv: line 4, column "cost_usd": "9.9.9" is not a number (cost_usd)`},
		{"open", broken, "s3://bills/part-2.csv: connection reset"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, db := newIngester(t)
			ingestFile(t, in, "unified", "testdata/unified_oct.csv")
			before := exportLines(t, db)
			_, err := in.IngestFiles(context.Background(), "unified", []ingest.File{osFile("testdata/unified_aug.csv"), tt.second},
				[]cost.Partition{{Source: billing.SourceUnified, Key: "GCP/2026-10"}})
			if err == nil || err.Error() != tt.message {
				t.Fatalf("error: got %v, want %s", err, tt.message)
			}
			if after := exportLines(t, db); !reflect.DeepEqual(after, before) {
				t.Errorf("store changed:\nbefore %+v\n after %+v", before, after)
			}
		})
	}
}

// Each warning names the file it comes from, once.
func TestIngestFilesWarningsNameTheirFile(t *testing.T) {
	in, _ := newIngester(t)
	eur := billingTestdata + "focus_eur.csv"
	sum, err := in.IngestFiles(context.Background(), "focus", []ingest.File{osFile("testdata/focus12.csv"), osFile(eur)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Warnings) != 1 || !strings.HasPrefix(sum.Warnings[0], eur+": ") ||
		strings.Count(sum.Warnings[0], eur) != 1 || !strings.Contains(sum.Warnings[0], "EUR") {
		t.Errorf("warnings: got %q, want one about EUR costs starting %q", sum.Warnings, eur+": ")
	}
}

// Event files are not billing deliveries.
func TestIngestFilesRejectsEvents(t *testing.T) {
	in, _ := newIngester(t)
	_, err := in.IngestFiles(context.Background(), "events", []ingest.File{osFile("testdata/events_more.ndjson")}, nil)
	if cost.ErrorCode(err) != cost.CodeInvalid {
		t.Fatalf("got %v, want an invalid error", err)
	}
}
