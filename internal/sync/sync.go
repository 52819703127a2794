// Package sync pulls cloud billing exports from the object stores the clouds
// deliver them to, and ingests each complete delivery once.
//
// A delivery is the complete file set of one billing period: what an AWS CUR or
// Data Exports manifest lists (identified by its assemblyId or executionId),
// what an Azure cost export's manifest.json lists (identified by its runId), or,
// for GCP billing data exported to Cloud Storage, every object of one invoice
// month. A delivery is applied only when all of its files are present, and
// then all of its files are streamed, one at a time, into one Store.Apply that
// replaces the partitions they cover and every partition the previous delivery
// of the same key wrote, so a restated delivery replaces its whole scope. A
// delivery whose identity and files have not changed since it was last applied
// is not fetched again. What was applied is kept in the store's settings.
package sync

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/ingest"
)

// Kinds of source: how deliveries are discovered under a prefix.
const (
	KindAWS   = "aws-cur"     // CUR or Data Exports manifests (*-Manifest.json).
	KindAzure = "azure-cost"  // Azure cost export manifest.json files.
	KindGCP   = "gcp-billing" // Objects grouped by the invoice month in their path.
)

// Kinds lists the source kinds.
var Kinds = []string{KindAWS, KindAzure, KindGCP}

// Delivery statuses.
const (
	StatusApplied    = "applied"    // Fetched and written.
	StatusUnchanged  = "unchanged"  // Already applied; not fetched again.
	StatusIncomplete = "incomplete" // Some listed file is missing; not applied.
	StatusFailed     = "failed"     // Fetching or parsing failed; nothing written.
)

// Source is one place exports land.
type Source struct {
	// Name identifies the source in the sync state; renaming it re-fetches everything.
	Name string
	// Kind is one of Kinds.
	Kind string
	// Format is the ingest format of the data files; default Kind.
	Format string
	// Bucket holds the exports, under Prefix.
	Bucket cost.Bucket
	Prefix string
}

// Validate checks a source.
func (s *Source) Validate() error {
	if strings.TrimSpace(s.Name) == "" {
		return cost.FieldErrorf("name", "A sync source needs a name.")
	}
	if !slices.Contains(Kinds, s.Kind) {
		return cost.FieldErrorf("kind", "Source %s: unknown kind %q; use one of %s.", s.Name, s.Kind, strings.Join(Kinds, ", "))
	}
	if s.Bucket == nil {
		return cost.FieldErrorf("url", "Source %s has no bucket.", s.Name)
	}
	if s.Format == ingest.FormatEvents {
		return cost.FieldErrorf("format", "Source %s: sync reads billing exports, not events.", s.Name)
	}
	return nil
}

func (s *Source) format() string {
	if s.Format != "" {
		return s.Format
	}
	return s.Kind
}

// Syncer pulls deliveries into Store.
type Syncer struct {
	Store cost.Store
	// NewIngester returns the ingester that parses a delivery's files into store
	// (catalog, customer keys, mapping, clock as configured). Nil uses
	// &ingest.Ingester{Store: store}.
	NewIngester func(store cost.Store) *ingest.Ingester
	// Logger receives one record per delivery; nil logs nothing.
	Logger *slog.Logger
	// Now decides the current and previous invoice months for GCP; default time.Now.
	Now func() time.Time
}

// Report says what one Sync did.
type Report struct {
	Source     string     `json:"source"`
	Bucket     string     `json:"bucket"`
	Prefix     string     `json:"prefix"`
	Deliveries []Delivery `json:"deliveries"`
}

// Failed reports whether any delivery failed.
func (r *Report) Failed() bool {
	return slices.ContainsFunc(r.Deliveries, func(d Delivery) bool { return d.Status == StatusFailed })
}

// Delivery is one discovered delivery and what happened to it.
type Delivery struct {
	Key      string              `json:"key"`    // Stable across deliveries of the same period.
	ID       string              `json:"id"`     // assemblyId, executionId, runId or a content hash.
	Period   string              `json:"period"` // YYYY-MM when known.
	Manifest string              `json:"manifest,omitempty"`
	Files    []string            `json:"files"`
	Missing  []string            `json:"missing,omitempty"`
	Status   string              `json:"status"`
	Summary  *cost.IngestSummary `json:"summary,omitempty"`
	Error    string              `json:"error,omitempty"`

	fingerprint string // Hash of the files' keys, sizes and ETags.
	updated     time.Time
}

// Sync discovers the source's deliveries and applies each new or changed
// complete one. A failed delivery does not stop the others; it is reported with
// StatusFailed. The error is for failures to list the bucket or read state.
func (s *Syncer) Sync(ctx context.Context, src Source) (*Report, error) {
	if err := src.Validate(); err != nil {
		return nil, err
	}
	objs, err := src.Bucket.List(ctx, src.Prefix)
	if err != nil {
		return nil, err
	}
	var ds []Delivery
	switch src.Kind {
	case KindAWS:
		ds, err = discoverAWS(ctx, src.Bucket, objs)
	case KindAzure:
		ds, err = discoverAzure(ctx, src.Bucket, objs)
	case KindGCP:
		ds = discoverGCP(src.Prefix, objs)
	}
	if err != nil {
		return nil, err
	}
	rep := &Report{Source: src.Name, Bucket: src.Bucket.String(), Prefix: src.Prefix}
	for _, d := range ds {
		if err := s.handle(ctx, src, &d); err != nil {
			return nil, err
		}
		rep.Deliveries = append(rep.Deliveries, d)
		s.log(src, &d)
	}
	return rep, nil
}

// handle decides and applies one delivery, setting its status.
func (s *Syncer) handle(ctx context.Context, src Source, d *Delivery) error {
	if d.Status != "" {
		return nil // Decided at discovery.
	}
	if len(d.Missing) > 0 {
		d.Status = StatusIncomplete
		return nil
	}
	st, err := loadState(ctx, s.Store, src.Name, d.Key)
	if err != nil {
		return err
	}
	if st != nil && st.ID == d.ID && st.Fingerprint == d.fingerprint {
		d.Status = StatusUnchanged
		return nil
	}
	if src.Kind == KindGCP && st != nil && !s.openMonth(d.Period) {
		// Closed GCP months are not re-read: corrections arrive in later months.
		d.Status = StatusUnchanged
		return nil
	}
	sum, written, err := s.apply(ctx, src, d, st)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		d.Status, d.Error = StatusFailed, message(err)
		return nil
	}
	d.Status, d.Summary = StatusApplied, sum
	return saveState(ctx, s.Store, src.Name, d.Key, state{ID: d.ID, Fingerprint: d.fingerprint,
		Files: len(d.Files), AppliedAt: s.now(), Lines: sum.LinesWritten, Partitions: written})
}

// openMonth reports whether period (YYYY-MM) is the current or previous month:
// GCP months that are re-read on every sync.
func (s *Syncer) openMonth(period string) bool {
	t, err := time.Parse("2006-01", period)
	if err != nil {
		return true
	}
	now := s.now()
	cur := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	return !t.Before(cur.AddDate(0, -1, 0))
}

func (s *Syncer) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

func (s *Syncer) log(src Source, d *Delivery) {
	if s.Logger == nil {
		return
	}
	attrs := []any{"source", src.Name, "key", d.Key, "id", d.ID, "status", d.Status, "files", len(d.Files)}
	if len(d.Missing) > 0 {
		attrs = append(attrs, "missing", strings.Join(d.Missing, ", "))
	}
	if d.Summary != nil {
		attrs = append(attrs, "lines_written", d.Summary.LinesWritten, "cost_usd", d.Summary.CostUSD)
	}
	if d.Error != "" {
		s.Logger.Warn("sync delivery failed", append(attrs, "error", d.Error)...)
		return
	}
	s.Logger.Info("sync delivery", attrs...)
}

// String summarises a delivery on one line.
func (d *Delivery) String() string {
	s := fmt.Sprintf("%s %s (%s, %d files)", d.Status, d.Key, d.ID, len(d.Files))
	switch {
	case len(d.Missing) > 0:
		s += ": missing " + strings.Join(d.Missing, ", ")
	case d.Error != "":
		s += ": " + d.Error
	case d.Summary != nil:
		s += fmt.Sprintf(": %d lines, $%.2f", d.Summary.LinesWritten, d.Summary.CostUSD)
	}
	return s
}

// message is err's user-facing message, or its text when it is not a *cost.Error.
func message(err error) string {
	if cost.ErrorCode(err) == cost.CodeInternal {
		return err.Error()
	}
	return cost.ErrorMessage(err)
}
