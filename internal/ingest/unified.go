package ingest

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/billing"
	"github.com/llmcost/llmcost/internal/cost"
)

// fileLoader is a store that reads a unified CSV file itself (duckdb.DB):
// DuckDB's CSV reader and one INSERT … SELECT instead of a call per line.
type fileLoader interface {
	// SpoolFile creates a file the store's reader may read; the caller removes it.
	SpoolFile() (*os.File, error)
	// LoadUnified writes the file's lines, replacing the partitions they name;
	// it returns cost.ErrNotLoaded, having changed nothing, when the file holds
	// something only the line-by-line reader handles.
	LoadUnified(ctx context.Context, f *cost.UnifiedFile) (*cost.LoadResult, error)
}

// loadUnified copies the content to the store's spool directory and has the
// store read it. done is false when the store left the file to the
// line-by-line reader: r.src then reads the spooled copy from its start.
func (r *run) loadUnified(ld fileLoader) (done bool, cleanup func(), err error) {
	return r.loadSpooled(ld, func(path string, cols []string) (*cost.LoadResult, error) {
		return ld.LoadUnified(r.ctx, r.unifiedFile(path, cols))
	})
}

// loadSpooled copies the content to the store's spool directory and calls
// load with the copy's path and header. done is false when the store left the
// file to the line-by-line reader (cost.ErrNotLoaded, or a header it cannot
// read): r.src then reads the spooled copy from its start.
func (r *run) loadSpooled(ld interface{ SpoolFile() (*os.File, error) },
	load func(path string, cols []string) (*cost.LoadResult, error)) (done bool, cleanup func(), err error) {
	f, err := ld.SpoolFile()
	if err != nil {
		return false, func() {}, err
	}
	cleanup = func() { f.Close(); os.Remove(f.Name()) }
	size, valid, err := r.spoolTo(f)
	if err != nil {
		return false, cleanup, err
	}
	rewind := func() error {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		src, err := openInput(r.name, f, false, limitRecords)
		if err != nil {
			return err
		}
		src.raw.n = 0
		r.src = src
		return nil
	}
	cols, err := csvHeader(f)
	if err != nil || !valid {
		return false, cleanup, rewind()
	}
	r.prog.line("%s: %.1f MB copied, reading with DuckDB", r.name, float64(size)/1e6)
	stop := r.prog.ticking(func(d time.Duration) string {
		return fmt.Sprintf("%s: DuckDB reading %.1f MB, %s", r.name, float64(size)/1e6, d)
	})
	res, err := load(f.Name(), cols)
	stop()
	if errors.Is(err, cost.ErrNotLoaded) {
		if r.in.Logger != nil {
			r.in.Logger.Debug("read line by line", "file", r.name, "reason", err)
		}
		return false, cleanup, rewind()
	} else if err != nil {
		return false, cleanup, err
	}
	r.loaded(res)
	r.prog.line("%s: read by DuckDB's CSV reader", r.name)
	return true, cleanup, nil
}

// spoolTo copies the (decompressed) content to f.
// valid is false when the content is not UTF-8 throughout: DuckDB's reader is
// then not given it, and the line-by-line reader names the line.
func (r *run) spoolTo(f *os.File) (n int64, valid bool, err error) {
	var text utf8Check
	n, err = io.Copy(io.MultiWriter(f, &text), r.src)
	var ce *cost.Error
	if errors.As(err, &ce) {
		return n, false, ce // A limit of the input, naming the file and line.
	} else if err != nil {
		return n, false, cost.Errorf(cost.CodeInvalid, "%s: cannot read: %v", r.name, err)
	}
	return n, text.Valid(), nil
}

// csvHeader reads the header line of a CSV file: names trimmed, a UTF-8
// byte-order mark dropped.
func csvHeader(f *os.File) ([]string, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	cr := csv.NewReader(billing.SkipBOM(f))
	h, err := cr.Read()
	if err != nil {
		return nil, err
	}
	for i := range h {
		h[i] = strings.TrimSpace(strings.TrimPrefix(h[i], "\ufeff"))
	}
	return h, nil
}

// unifiedFile describes the spooled file at path with the line-by-line
// reader's rules.
func (r *run) unifiedFile(path string, cols []string) *cost.UnifiedFile {
	now := r.in.now()
	tagsOf := func(raw string) (map[string]string, bool) {
		var m map[string]string
		if err := json.Unmarshal([]byte(raw), &m); err != nil {
			return nil, false
		}
		return m, true
	}
	return &cost.UnifiedFile{
		Name: r.name, Path: path, Columns: cols,
		Provider: billing.NormalizeProvider, Model: billing.CanonicalModel, Family: cost.ModelFamily,
		Tags: func(raw string) (string, bool) {
			m, ok := tagsOf(raw)
			if !ok {
				return "", false
			}
			if len(m) == 0 {
				return "", true
			}
			b, err := json.Marshal(m)
			return string(b), err == nil
		},
		Customer: func(tags, provider, account, project string) string {
			m, _ := tagsOf(tags)
			if c := r.in.customerFromTags(m); c != "" {
				return c
			}
			return r.in.Mapping.AccountCustomer(provider, account, project)
		},
		OpenMonth:  time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC),
		MaxAbsCost: cost.MaxAbsCost,
	}
}

// loaded fills the summary from what the store reports.
func (r *run) loaded(res *cost.LoadResult) {
	r.loadRes = res
	s := r.sum
	s.Rows, s.TokenLines, s.UnpricedLines, s.CostUSD = res.Rows, res.TokenLines, res.UnpricedLines, res.CostUSD
	s.Partitions = res.Partitions
	if res.Rows > 0 {
		s.Cover(res.From)
		s.Cover(res.To)
	}
	r.unpriced = map[string]bool{}
	for _, m := range res.UnpricedModels {
		r.unpriced[m] = true
	}
}
