// Package ingest loads billing files and usage events into a cost.Store: it
// detects gzip and Parquet, parses with the billing readers, attributes lines to
// customers from tags, prices events from the catalog, and writes each file's
// lines with one atomic Store.Apply that replaces the partitions the file covers.
// Line formats, Parquet included, are streamed through the store
// (cost.Batch.Stream), and so are event files (cost.Batch.EventStream), so
// memory does not grow with the file.
// A file that fails to parse anywhere writes nothing.
package ingest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/llmcost/llmcost/internal/billing"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/pricing"
)

// Format names accepted by Ingest.
const (
	FormatUnified = "unified"
	FormatFOCUS   = "focus"
	FormatEvents  = "events"
	FormatAWSCUR  = "aws-cur"
	FormatGCP     = "gcp-billing"
	FormatAzure   = "azure-cost"
)

// Formats lists the formats Ingest accepts.
var Formats = []string{FormatUnified, FormatFOCUS, FormatEvents, FormatAWSCUR, FormatGCP, FormatAzure}

// DefaultCustomerKeys are the tag keys read for customer attribution.
var DefaultCustomerKeys = []string{"customer_id", "customer", "tenant"}

// progressEvery is how many rows pass between progress reports.
const progressEvery = 100_000

// Ingester ingests files into Store. The zero value of each optional field is a
// working default.
type Ingester struct {
	Store cost.Store
	// Catalog prices events without a cost; nil uses pricing.Default().
	Catalog *pricing.Catalog
	// Logger receives one summary record per file; nil logs nothing.
	Logger *slog.Logger
	// Progress receives rows/s and the share of the file read every 100k rows
	// (rewritten in place when it is a terminal; while DuckDB reads a file
	// itself, the time elapsed) and a final line; nil = quiet.
	Progress io.Writer
	// CustomerKeys are the tag keys, in order, whose value attributes a line to a
	// customer when the line has none (matched case-insensitively). Default
	// DefaultCustomerKeys.
	CustomerKeys []string
	// Now is the clock that decides whether a line's month is closed (final) or
	// still open (provisional). Default time.Now.
	Now func() time.Time
	// Mapping extends the native export normalisation (aws-cur, gcp-billing,
	// azure-cost) with meter and customer rules; see billing.LoadMapping. nil =
	// built-in rules only.
	Mapping *billing.Mapping
	// Rates convert costs that a file gives only in its billing currency (no USD
	// column) to USD, at the rate of the line's month; see pricing.LoadRates.
	// nil = such lines keep cost_usd 0, with a warning.
	Rates *pricing.Rates
	// After runs after every ingest that wrote data (Ingest, IngestFiles,
	// IngestEvents); see Step for the failure policy.
	After []Step

	once       sync.Once
	catalog    *pricing.Catalog
	catalogErr error
}

// Ingest reads one file of the given format (plain or gzip) named name, and
// writes it to the store. Bad input returns a CodeInvalid *cost.Error naming the
// file, line and column, and nothing is written.
func (in *Ingester) Ingest(ctx context.Context, format, name string, r io.Reader) (*cost.IngestSummary, error) {
	format = strings.ToLower(strings.TrimSpace(format))
	if !slices.Contains(Formats, format) {
		return nil, cost.FieldErrorf("format", "Unknown format %q; use one of %s.", format, strings.Join(Formats, ", "))
	}
	if name == "" {
		name = "input"
	}
	src, err := openInput(name, r, format == FormatEvents, limitFor(format))
	if err != nil {
		return nil, cost.Errorf(cost.CodeInvalid, "%s: %v", name, err)
	}
	run := &run{in: in, ctx: ctx, name: name, src: src, start: time.Now(), total: inputSize(r), prog: newProgress(in.Progress),
		sum: &cost.IngestSummary{File: name, Format: format}, warnings: map[string]int{}, models: map[string]string{}}
	if done, cleanup, err := run.loadByStore(format); cleanup != nil {
		defer cleanup()
		if err != nil {
			return nil, err
		}
		if done {
			run.finish(&run.loadRes.ApplyResult)
			in.after(ctx, run.sum)
			return run.sum, nil
		}
	}
	var batch *cost.Batch
	if format == FormatEvents {
		batch, err = run.events()
	} else {
		batch, err = run.lines(format)
	}
	if err != nil {
		return nil, err
	}
	if batch.Stream == nil && batch.EventStream == nil {
		run.prog.line("%s: %d rows parsed, writing", name, run.sum.Rows)
	}
	res, err := in.Store.Apply(ctx, batch)
	if err != nil {
		return nil, err
	}
	run.finish(res)
	in.after(ctx, run.sum)
	return run.sum, nil
}

// loadByStore has a store that reads files itself read a unified or FOCUS
// CSV file. cleanup is nil when the store does not read this file itself;
// done is false when the store left it to the line-by-line reader.
func (r *run) loadByStore(format string) (done bool, cleanup func(), err error) {
	switch ld := r.in.Store.(type) {
	case focusLoader:
		if format == FormatFOCUS && !r.src.isParquet() {
			return r.loadFOCUS(ld)
		}
		if format == FormatUnified {
			return r.loadUnified(ld)
		}
	case fileLoader:
		if format == FormatUnified {
			return r.loadUnified(ld)
		}
	}
	return false, nil, nil
}

// pricingCatalog returns the configured catalog or the default one.
func (in *Ingester) pricingCatalog() (*pricing.Catalog, error) {
	if in.Catalog != nil {
		return in.Catalog, nil
	}
	in.once.Do(func() { in.catalog, in.catalogErr = pricing.Default() })
	return in.catalog, in.catalogErr
}

func (in *Ingester) now() time.Time {
	if in.Now == nil {
		return time.Now().UTC()
	}
	return in.Now().UTC()
}

// customerFromTags returns the first non-empty tag value for the customer keys.
func (in *Ingester) customerFromTags(tags map[string]string) string {
	if len(tags) == 0 {
		return ""
	}
	keys := in.CustomerKeys
	if len(keys) == 0 {
		keys = DefaultCustomerKeys
	}
	for _, k := range keys {
		if v := strings.TrimSpace(tags[k]); v != "" {
			return v
		}
		for tk, v := range tags {
			if strings.EqualFold(strings.TrimSpace(tk), k) && strings.TrimSpace(v) != "" {
				return strings.TrimSpace(v)
			}
		}
	}
	return ""
}

// run is the state of one Ingest call.
type run struct {
	in       *Ingester
	ctx      context.Context
	name     string
	src      *input
	start    time.Time
	sum      *cost.IngestSummary
	warnings map[string]int
	warnList []string
	unpriced map[string]bool
	models   map[string]string // Raw → canonical event model.
	prices   map[priceKey]priceResult
	loadRes  *cost.LoadResult // What the store reports when it read the file itself.
	total    int64            // The file's size when known (a local file), else 0.
	prog     *progress
}

// inputSize returns the size of r when it is a file, else 0.
func inputSize(r io.Reader) int64 {
	if f, ok := r.(interface{ Stat() (os.FileInfo, error) }); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			return st.Size()
		}
	}
	return 0
}

// warn records a warning once, counting repeats.
func (r *run) warn(msg string) {
	if r.warnings[msg] == 0 {
		r.warnList = append(r.warnList, msg)
	}
	r.warnings[msg]++
}

// row counts one input row, printing progress and checking for cancellation.
func (r *run) row() error {
	r.sum.Rows++
	if r.sum.Rows%10_000 == 0 {
		if err := r.ctx.Err(); err != nil {
			return err
		}
	}
	if r.sum.Rows%progressEvery == 0 {
		r.prog.update("%s: %s", r.name, rateAndShare(r.sum.Rows, r.start, r.src.bytes(), r.total))
	}
	return nil
}

// finish completes the summary from the store's result, and reports it.
func (r *run) finish(res *cost.ApplyResult) {
	s := r.sum
	s.LinesWritten, s.PartitionsReplaced = res.LinesWritten, res.PartitionsReplaced
	s.EventsInserted, s.EventsDuplicate = res.EventsInserted, res.EventsDuplicate
	for m := range r.unpriced {
		s.UnpricedModels = append(s.UnpricedModels, m)
	}
	slices.Sort(s.UnpricedModels)
	for _, w := range r.warnList {
		if n := r.warnings[w]; n > 1 {
			w = fmt.Sprintf("%s (%d times)", w, n)
		}
		s.Warnings = append(s.Warnings, w)
	}
	elapsed := time.Since(r.start)
	mb := float64(r.src.bytes()) / 1e6
	if r.in.Progress != nil {
		r.prog.line("%s: %d rows, %d lines written, %d partitions replaced in %s (%.1f MB/s)",
			r.name, s.Rows, s.LinesWritten, s.PartitionsReplaced, elapsed.Round(time.Millisecond), mb/elapsed.Seconds())
	}
	if r.in.Logger != nil {
		r.in.Logger.Info("ingested", "file", r.name, "format", s.Format, "rows", s.Rows,
			"lines_written", s.LinesWritten, "partitions_replaced", s.PartitionsReplaced,
			"events_inserted", s.EventsInserted, "events_duplicate", s.EventsDuplicate,
			"unpriced_lines", s.UnpricedLines, "cost_usd", s.CostUSD, "warnings", len(s.Warnings),
			"mb", mb, "elapsed", elapsed)
	}
}
