package ingest

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// File is one input of a multi-file ingest: a name for messages and a way to open it.
type File struct {
	Name string
	Open func(ctx context.Context) (io.ReadCloser, error)
}

// IngestFiles reads several files of one billing format (each plain or gzip)
// and writes them with ONE atomic Store.Apply. The batch is streamed: the files
// are opened and parsed in order, one at a time, while the store writes their
// lines, so memory does not grow with the files. Every partition a line names is
// replaced, and so is every partition in replace, even when no line names it.
// A file that cannot be opened or parsed writes nothing at all; the error names
// the file (and the line and column for bad input). The summary adds up the
// files' counters; each of its warnings starts with the name of the file it
// comes from, and its Partitions are every partition replaced.
func (in *Ingester) IngestFiles(ctx context.Context, format string, files []File, replace []cost.Partition) (*cost.IngestSummary, error) {
	format = strings.ToLower(strings.TrimSpace(format))
	if format == FormatEvents {
		return nil, cost.FieldErrorf("format", "Several files are ingested together only for billing formats, not %s.", format)
	}
	if !slices.Contains(Formats, format) {
		return nil, cost.FieldErrorf("format", "Unknown format %q; use one of %s.", format, strings.Join(Formats, ", "))
	}
	m := &multi{in: in, ctx: ctx, format: format, files: files, start: time.Now()}
	res, err := in.Store.Apply(ctx, &cost.Batch{Replace: replace, Stream: m.stream})
	if err != nil {
		return nil, err
	}
	sum := m.summary(replace, res)
	in.after(ctx, sum)
	return sum, nil
}

// multi is the state of one IngestFiles call.
type multi struct {
	in     *Ingester
	ctx    context.Context
	format string
	files  []File
	start  time.Time
	runs   []*run // One per file parsed, in order.
}

// stream parses every file in order, emitting its lines.
func (m *multi) stream(emit func(*cost.LineItem) error) error {
	m.runs = m.runs[:0]
	for _, f := range m.files {
		if err := m.file(f, emit); err != nil {
			return err
		}
	}
	return nil
}

// file opens and parses one file, closing it before returning.
func (m *multi) file(f File, emit func(*cost.LineItem) error) error {
	name := f.Name
	if name == "" {
		name = fmt.Sprintf("file %d", len(m.runs)+1)
	}
	rc, err := f.Open(m.ctx)
	if err != nil {
		if cost.ErrorCode(err) != cost.CodeInternal {
			return err
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	defer rc.Close()
	src, err := openInput(name, rc, false, limitFor(m.format))
	if err != nil {
		return cost.Errorf(cost.CodeInvalid, "%s: %v", name, err)
	}
	r := &run{in: m.in, ctx: m.ctx, name: name, src: src, start: time.Now(), total: inputSize(rc), prog: newProgress(m.in.Progress),
		sum: &cost.IngestSummary{File: name, Format: m.format}, warnings: map[string]int{}, models: map[string]string{}}
	m.runs = append(m.runs, r)
	if err := r.parse(m.format, r.prepare(emit)); err != nil {
		return err
	}
	if m.in.Progress != nil {
		fmt.Fprintf(m.in.Progress, "%s: %d rows parsed\n", name, r.sum.Rows)
	}
	return nil
}

// summary merges the files' counters with the store's result, and reports it.
func (m *multi) summary(replace []cost.Partition, res *cost.ApplyResult) *cost.IngestSummary {
	s := &cost.IngestSummary{Format: m.format, LinesWritten: res.LinesWritten, PartitionsReplaced: res.PartitionsReplaced}
	if len(m.files) == 1 {
		s.File = m.files[0].Name
	}
	unpriced := map[string]bool{}
	var bytes int64
	for _, r := range m.runs {
		rs := r.sum
		s.Rows += rs.Rows
		s.TokenLines += rs.TokenLines
		s.UnpricedLines += rs.UnpricedLines
		s.CostUSD += rs.CostUSD
		if !rs.From.IsZero() {
			s.Cover(rs.From)
			s.Cover(rs.To)
		}
		s.Partitions = appendPartitions(s.Partitions, rs.Partitions...)
		for mdl := range r.unpriced {
			unpriced[mdl] = true
		}
		for _, w := range r.warnList {
			if n := r.warnings[w]; n > 1 {
				w = fmt.Sprintf("%s (%d times)", w, n)
			}
			if !strings.HasPrefix(w, r.name+": ") {
				w = r.name + ": " + w
			}
			s.Warnings = append(s.Warnings, w)
		}
		bytes += r.src.bytes()
	}
	s.Partitions = appendPartitions(s.Partitions, replace...)
	for mdl := range unpriced {
		s.UnpricedModels = append(s.UnpricedModels, mdl)
	}
	slices.Sort(s.UnpricedModels)
	m.report(s, bytes)
	return s
}

// report writes the final progress line and the summary log record.
func (m *multi) report(s *cost.IngestSummary, bytes int64) {
	elapsed := time.Since(m.start)
	mb := float64(bytes) / 1e6
	if m.in.Progress != nil {
		fmt.Fprintf(m.in.Progress, "%d files: %d rows, %d lines written, %d partitions replaced in %s (%.1f MB/s)\n",
			len(m.runs), s.Rows, s.LinesWritten, s.PartitionsReplaced, elapsed.Round(time.Millisecond), mb/elapsed.Seconds())
	}
	if m.in.Logger != nil {
		m.in.Logger.Info("ingested", "files", len(m.runs), "format", s.Format, "rows", s.Rows,
			"lines_written", s.LinesWritten, "partitions_replaced", s.PartitionsReplaced,
			"unpriced_lines", s.UnpricedLines, "cost_usd", s.CostUSD, "warnings", len(s.Warnings),
			"mb", mb, "elapsed", elapsed)
	}
}

// appendPartitions appends the partitions not already in list.
func appendPartitions(list []cost.Partition, ps ...cost.Partition) []cost.Partition {
	for _, p := range ps {
		if !slices.Contains(list, p) {
			list = append(list, p)
		}
	}
	return list
}
