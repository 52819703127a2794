package sync

import (
	"context"
	"encoding/json"
	"io"
	"path"
	"regexp"
	"strings"

	"github.com/llmcost/llmcost/internal/cost"
)

// curManifest is the part of a CUR (legacy) or Data Exports (CUR 2.0) manifest
// that sync reads.
type curManifest struct {
	AssemblyID    string   `json:"assemblyId"`  // Legacy CUR.
	ExecutionID   string   `json:"executionId"` // Data Exports.
	ReportKeys    []string `json:"reportKeys"`  // Legacy: keys in the bucket.
	DataFiles     []string `json:"dataFiles"`   // Data Exports: s3://bucket/key URIs.
	ReportName    string   `json:"reportName"`
	BillingPeriod struct {
		Start string `json:"start"`
	} `json:"billingPeriod"`
}

// maxManifest bounds the size of a manifest read into memory.
const maxManifest = 64 << 20

// discoverAWS returns one delivery per (report, billing period): the newest
// manifest of that period.
func discoverAWS(ctx context.Context, b cost.Bucket, objs []cost.Object) ([]Delivery, error) {
	index := indexObjects(objs)
	latest := map[string]Delivery{}
	var order []string
	var out []Delivery
	for _, o := range objs {
		base := path.Base(o.Key)
		if !strings.HasSuffix(strings.ToLower(base), "-manifest.json") {
			continue
		}
		var m curManifest
		if err := readJSON(ctx, b, o.Key, &m); err != nil {
			if cost.ErrorCode(err) != cost.CodeInvalid {
				return nil, err
			}
			out = append(out, badManifest(o.Key, err))
			continue
		}
		report := m.ReportName
		if report == "" {
			report = base[:len(base)-len("-manifest.json")]
		}
		period := periodOf(m.BillingPeriod.Start, o.Key)
		d := Delivery{Key: report + "/" + period, Period: period, Manifest: o.Key, updated: o.Updated,
			ID: firstNonEmpty(m.AssemblyID, m.ExecutionID)}
		d.Files = append(d.Files, m.ReportKeys...)
		for _, u := range m.DataFiles {
			d.Files = append(d.Files, keyOfURI(u))
		}
		finish(&d, index)
		prev, ok := latest[d.Key]
		if !ok {
			order = append(order, d.Key)
		}
		if !ok || newerCUR(d, prev) {
			latest[d.Key] = d
		}
	}
	for _, k := range order {
		out = append(out, latest[k])
	}
	return out, nil
}

// periodFolder matches the folder a CUR report keeps its current manifest in:
// "20261001-20261101" (legacy) or "BILLING_PERIOD=2026-10" (Data Exports).
var periodFolder = regexp.MustCompile(`^(\d{8}-\d{8}|BILLING_PERIOD=\d{4}-\d{2})$`)

// newerCUR reports whether manifest d supersedes prev for the same period. The
// manifest in the period folder names the current delivery; copies kept in
// per-assembly folders (versioned reports) only win when no such manifest exists.
func newerCUR(d, prev Delivery) bool {
	dTop := periodFolder.MatchString(path.Base(path.Dir(d.Manifest)))
	prevTop := periodFolder.MatchString(path.Base(path.Dir(prev.Manifest)))
	if dTop != prevTop {
		return dTop
	}
	return d.updated.After(prev.updated)
}

// finish fills a delivery's missing files and fingerprint from the listing.
func finish(d *Delivery, index map[string]cost.Object) {
	for _, f := range d.Files {
		if _, ok := index[f]; !ok {
			d.Missing = append(d.Missing, f)
		}
	}
	d.fingerprint = fingerprint(index, d.Files)
	if d.ID == "" {
		d.ID = d.fingerprint
	}
}

// badManifest is a failed delivery for a manifest that cannot be read.
func badManifest(key string, err error) Delivery {
	return Delivery{Key: key, Manifest: key, Status: StatusFailed, Error: message(err)}
}

// keyOfURI turns "s3://bucket/key" into "key"; other strings are returned as they are.
func keyOfURI(u string) string {
	for _, scheme := range []string{"s3://", "gs://", "https://", "http://"} {
		if rest, ok := strings.CutPrefix(u, scheme); ok {
			_, key, _ := strings.Cut(rest, "/")
			return key
		}
	}
	return u
}

var (
	// compactPeriod matches "20261001T000000.000Z" and "2026-10-01T00:00:00Z".
	compactPeriod = regexp.MustCompile(`^(\d{4})-?(\d{2})`)
	// pathPeriod matches a month in a key: "BILLING_PERIOD=2026-10", "20261001-20261101",
	// "invoice_month=202610", "2026-10".
	pathPeriod = regexp.MustCompile(`(?:^|[^0-9])(20\d{2})-?(0[1-9]|1[0-2])(?:[^0-9]|$|\d{2}(?:[^0-9]|$))`)
)

// periodOf returns "YYYY-MM" from a manifest's period start, else from key.
func periodOf(start, key string) string {
	if m := compactPeriod.FindStringSubmatch(strings.TrimSpace(start)); m != nil {
		return m[1] + "-" + m[2]
	}
	return monthInPath(key)
}

// monthInPath returns the first "YYYY-MM" found in a key, or "".
func monthInPath(key string) string {
	if m := pathPeriod.FindStringSubmatch(key); m != nil {
		return m[1] + "-" + m[2]
	}
	return ""
}

func readJSON(ctx context.Context, b cost.Bucket, key string, v any) error {
	r, err := b.Open(ctx, key)
	if err != nil {
		return err
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, maxManifest))
	if err != nil {
		return cost.Errorf(cost.CodeUnavailable, "%s/%s: %v", b, key, err)
	}
	data = []byte(strings.TrimPrefix(string(data), "\ufeff"))
	if err := json.Unmarshal(data, v); err != nil {
		return cost.Errorf(cost.CodeInvalid, "%s/%s: not a manifest: %v", b, key, err)
	}
	return nil
}

func indexObjects(objs []cost.Object) map[string]cost.Object {
	m := make(map[string]cost.Object, len(objs))
	for _, o := range objs {
		m[o.Key] = o
	}
	return m
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
