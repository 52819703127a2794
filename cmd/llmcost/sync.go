package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/azblob"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/gcs"
	"github.com/llmcost/llmcost/internal/ingest"
	"github.com/llmcost/llmcost/internal/s3"
	billsync "github.com/llmcost/llmcost/internal/sync"
)

// DefaultSyncInterval is how often serve pulls exports when a sources file is set.
const DefaultSyncInterval = 6 * time.Hour

const syncUsage = `Usage: llmcost sync [--data DIR] [--sources FILE]

Pulls billing exports from where the clouds deliver them (S3, Google Cloud
Storage, Azure Blob) and ingests every new or changed complete delivery. The
sources file (LLMCOST_SYNC_SOURCES) is JSON:

  {"sources": [
    {"name": "aws", "kind": "aws-cur", "url": "s3://billing-bucket/cur/", "region": "us-east-1"},
    {"name": "gcp", "kind": "gcp-billing", "url": "gs://billing-exports/llm/"},
    {"name": "azure", "kind": "azure-cost", "url": "azblob://exports/costs/",
     "account_url": "https://account.blob.core.windows.net"}
  ]}

Optional per source: "format" (ingest format of the data files; default the
kind) and "endpoint" (an S3-compatible endpoint). Credentials come from each
cloud's standard chain; for Azure, AZURE_STORAGE_CONNECTION_STRING is used when
"account_url" is empty. serve runs the same sync every LLMCOST_SYNC_INTERVAL
(default 6h) when a sources file is set. See docs/sync.md.

Examples:
  llmcost sync --sources sources.json
  LLMCOST_SYNC_SOURCES=/etc/llmcost/sources.json llmcost serve
`

// syncFile is the sources file.
type syncFile struct {
	Sources []syncSource `json:"sources"`
}

// syncSource is one source as written in the sources file.
type syncSource struct {
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	Format     string `json:"format"`
	URL        string `json:"url"`
	Region     string `json:"region"`
	Endpoint   string `json:"endpoint"`
	AccountURL string `json:"account_url"`
}

// readSyncFile reads and checks a sources file.
func readSyncFile(path string) ([]syncSource, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, cost.FieldErrorf("LLMCOST_SYNC_SOURCES", "Cannot read the sync sources file: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	var f syncFile
	if err := dec.Decode(&f); err != nil {
		return nil, cost.FieldErrorf("LLMCOST_SYNC_SOURCES", "%s%s: %v", path, jsonPosition(data, err), err)
	}
	if len(f.Sources) == 0 {
		return nil, cost.FieldErrorf("LLMCOST_SYNC_SOURCES", "%s lists no sources.", path)
	}
	for i, s := range f.Sources {
		if strings.TrimSpace(s.Name) == "" {
			return nil, cost.FieldErrorf(fmt.Sprintf("sources[%d].name", i), "%s: source %d has no name.", path, i+1)
		}
		if !slices.Contains(billsync.Kinds, s.Kind) {
			return nil, cost.FieldErrorf(fmt.Sprintf("sources[%d].kind", i), "%s: source %d (%s): kind %q is not one of %s.",
				path, i+1, s.Name, s.Kind, strings.Join(billsync.Kinds, ", "))
		}
		if _, _, _, err := splitBucketURL(s.URL); err != nil {
			return nil, cost.FieldErrorf(fmt.Sprintf("sources[%d].url", i), "%s: source %d (%s): %v", path, i+1, s.Name, err)
		}
	}
	return f.Sources, nil
}

// jsonPosition returns ", line L, column C" for a JSON error that knows its
// byte offset in data (a syntax error, a value of the wrong type), else "".
func jsonPosition(data []byte, err error) string {
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
		offset int64
	)
	switch {
	case errors.As(err, &syntax):
		offset = syntax.Offset
	case errors.As(err, &typ):
		offset = typ.Offset
	default:
		return ""
	}
	before := data[:min(max(offset, 0), int64(len(data)))]
	line := bytes.Count(before, []byte("\n")) + 1
	col := max(len(before)-1-bytes.LastIndexByte(before, '\n'), 1) // The offset is past the byte at fault.
	return fmt.Sprintf(", line %d, column %d", line, col)
}

// splitBucketURL splits "s3://bucket/prefix" into scheme, bucket and prefix.
func splitBucketURL(u string) (scheme, bucket, prefix string, err error) {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok || (scheme != "s3" && scheme != "gs" && scheme != "azblob") {
		return "", "", "", fmt.Errorf("url %q must start with s3://, gs:// or azblob://", u)
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	if bucket == "" {
		return "", "", "", fmt.Errorf("url %q names no bucket", u)
	}
	return scheme, bucket, prefix, nil
}

// open connects to the source's bucket.
func (s syncSource) open(ctx context.Context, getenv func(string) string) (billsync.Source, error) {
	scheme, bucket, prefix, err := splitBucketURL(s.URL)
	if err != nil {
		return billsync.Source{}, err
	}
	src := billsync.Source{Name: s.Name, Kind: s.Kind, Format: s.Format, Prefix: prefix}
	switch scheme {
	case "s3":
		src.Bucket, err = s3.Open(ctx, s3.Config{Bucket: bucket, Region: s.Region, Endpoint: s.Endpoint})
	case "gs":
		src.Bucket, err = gcs.Open(ctx, bucket)
	case "azblob":
		cfg := azblob.Config{Container: bucket, AccountURL: s.AccountURL}
		if cfg.AccountURL == "" {
			cfg.ConnectionString = getenv("AZURE_STORAGE_CONNECTION_STRING")
		}
		src.Bucket, err = azblob.Open(cfg)
	}
	if err != nil {
		return src, err
	}
	return src, src.Validate()
}

// newSyncer returns a syncer over db with the configured ingester settings;
// after runs after each applied delivery.
func (m *Main) newSyncer(db *duckdb.DB, after []ingest.Step) (*billsync.Syncer, error) {
	tmpl, err := m.newIngester(db, false)
	if err != nil {
		return nil, err
	}
	return &billsync.Syncer{Store: m.costStore(db), Logger: m.Logger, Now: m.Config.Clock(),
		NewIngester: func(s cost.Store) *ingest.Ingester {
			return &ingest.Ingester{Store: s, Catalog: tmpl.Catalog, Logger: tmpl.Logger,
				CustomerKeys: tmpl.CustomerKeys, Now: tmpl.Now, Mapping: tmpl.Mapping, Rates: tmpl.Rates, After: after}
		}}, nil
}

// syncAll syncs every source once, printing one line per delivery to Stdout
// when verbose. Each applied delivery runs the ingester's after-steps; one
// that left its month without lines (no days to allocate by) has that month
// allocated here. It returns an error when a source or delivery failed.
func (m *Main) syncAll(ctx context.Context, sy *billsync.Syncer, sources []syncSource, verbose bool) error {
	var errs []error
	var emptied coverage
	for _, s := range sources {
		src, err := s.open(ctx, m.Getenv)
		if err == nil {
			var rep *billsync.Report
			if rep, err = sy.Sync(ctx, src); err == nil {
				if verbose {
					for _, d := range rep.Deliveries {
						fmt.Fprintf(m.Stdout, "%s %s\n", s.Name, d.String())
					}
				}
				coverEmptied(&emptied, rep.Deliveries)
				if rep.Failed() {
					err = fmt.Errorf("a delivery failed")
				}
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("sync %s: %w", s.Name, err))
		}
	}
	if m.allocating() && !emptied.from.IsZero() {
		res, err := m.allocator(m.Store).Run(ctx, emptied.from, emptied.to)
		if err != nil {
			errs = append(errs, err)
		} else if verbose {
			printAllocation(m.Stdout, res)
		}
	}
	return errors.Join(errs...)
}

// coverEmptied widens c to the billing month of every applied delivery that
// has no days (it emptied its partitions).
func coverEmptied(c *coverage, ds []billsync.Delivery) {
	for _, d := range ds {
		if d.Status != billsync.StatusApplied || d.Summary != nil && !d.Summary.From.IsZero() {
			continue
		}
		if first, err := time.Parse("2006-01", d.Period); err == nil {
			c.add(first, first.AddDate(0, 1, -1))
		}
	}
}

// runSync pulls every configured source once.
func (m *Main) runSync(ctx context.Context) error {
	if m.Config.SyncSources == "" {
		return cost.FieldErrorf("LLMCOST_SYNC_SOURCES", "sync: --sources FILE (or LLMCOST_SYNC_SOURCES) is required.")
	}
	sources, err := readSyncFile(m.Config.SyncSources)
	if err != nil {
		return err
	}
	db, err := m.openStore()
	if err != nil {
		return err
	}
	sy, err := m.newSyncer(db, m.afterSteps(db, m.evaluateAlerts, m.Stdout))
	if err != nil {
		return err
	}
	return m.syncAll(ctx, sy, sources, true)
}

// startSync runs the sync every LLMCOST_SYNC_INTERVAL in serve, when sources
// are set; after runs after each applied delivery.
func (m *Main) startSync(db *duckdb.DB, after []ingest.Step) error {
	if m.Config.SyncSources == "" {
		return nil
	}
	sources, err := readSyncFile(m.Config.SyncSources)
	if err != nil {
		return err
	}
	sy, err := m.newSyncer(db, after)
	if err != nil {
		return err
	}
	every := m.Config.SyncInterval
	if every <= 0 {
		every = DefaultSyncInterval
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			if err := m.syncAll(ctx, sy, sources, false); err != nil && ctx.Err() == nil {
				m.Logger.Warn("scheduled sync", "error", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	m.onClose(func() error { cancel(); <-done; return nil })
	return nil
}

// readSyncEnv reads LLMCOST_SYNC_SOURCES and LLMCOST_SYNC_INTERVAL.
func (c *Config) readSyncEnv(getenv func(string) string) error {
	if v := strings.TrimSpace(getenv("LLMCOST_SYNC_SOURCES")); v != "" {
		c.SyncSources = v
	}
	if v := strings.TrimSpace(getenv("LLMCOST_SYNC_INTERVAL")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Minute {
			return cost.FieldErrorf("LLMCOST_SYNC_INTERVAL", "LLMCOST_SYNC_INTERVAL=%q is not a duration of at least 1m, like 6h.", v)
		}
		c.SyncInterval = d
	}
	return nil
}
