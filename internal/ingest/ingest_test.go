package ingest_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"errors"
	"math"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/ingest"
)

const focusSample = "../../../shared/data/focus-sample-data/focus_sample.csv"

func newIngester(t *testing.T) (*ingest.Ingester, *duckdb.DB) {
	t.Helper()
	db, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	now := func() time.Time { return time.Date(2026, 10, 15, 12, 0, 0, 0, time.UTC) }
	return &ingest.Ingester{Store: db, Now: now}, db
}

func ingestFile(t *testing.T, in *ingest.Ingester, format, path string) *cost.IngestSummary {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := in.Ingest(context.Background(), format, path, f)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// totals returns SUM(cost_usd) grouped by the given SQL expression.
func totals(t *testing.T, db *duckdb.DB, key, where string) map[string]float64 {
	t.Helper()
	if where == "" {
		where = "true"
	}
	rows, err := db.SQL().Query("SELECT " + key + ", sum(cost_usd) FROM cost_lines WHERE " + where + " GROUP BY 1")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]float64{}
	for rows.Next() {
		var k string
		var v float64
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatal(err)
		}
		got[k] = v
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

func assertTotals(t *testing.T, got, want map[string]float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d groups, want %d:\n got %v\nwant %v", len(got), len(want), got, want)
	}
	for k, w := range want {
		if g, ok := got[k]; !ok || math.Abs(g-w) > 1e-9 {
			t.Errorf("%s: %.10f, want %.10f", k, g, w)
		}
	}
}

// sampleTotals sums the FOCUS sample's BilledCost by provider and day, reading
// the CSV directly.
func sampleTotals(t *testing.T) map[string]float64 {
	t.Helper()
	f, err := os.Open(focusSample)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	names := map[string]string{"AWS": "AWS", "Microsoft": "Azure", "Oracle": "Oracle"}
	want := map[string]float64{}
	for _, r := range recs[1:] {
		c, err := strconv.ParseFloat(r[col["BilledCost"]], 64)
		if err != nil {
			t.Fatal(err)
		}
		want[names[r[col["ProviderName"]]]+" "+r[col["ChargePeriodStart"]][:10]] += c
	}
	return want
}

const byProviderDay = "cloud_provider || ' ' || strftime(date, '%Y-%m-%d')"

func TestIngestFOCUSSample(t *testing.T) {
	want := sampleTotals(t)
	raw, err := os.ReadFile(focusSample)
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw)
	zw.Close()
	// The sample's header names are quoted: a byte-order mark before the first
	// quote must be dropped, not read as a bare quote.
	bom := append([]byte("\ufeff"), raw...)
	for name, body := range map[string][]byte{"plain": raw, "gzip": gz.Bytes(), "byte-order mark": bom} {
		t.Run(name, func(t *testing.T) {
			in, db := newIngester(t)
			var progress bytes.Buffer
			in.Progress = &progress
			s, err := in.Ingest(context.Background(), "focus", "focus_sample.csv", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			assertTotals(t, totals(t, db, byProviderDay, ""), want)
			// AWS, Oracle's two months, and Microsoft's four subscriptions.
			if s.Rows != 1000 || s.LinesWritten != 1000 || len(s.Partitions) != 7 || s.TokenLines != 0 {
				t.Errorf("summary = %+v", s)
			}
			var sum float64
			for _, v := range want {
				sum += v
			}
			if math.Abs(s.CostUSD-sum) > 1e-9 {
				t.Errorf("summary cost %.10f, want %.10f", s.CostUSD, sum)
			}
			if !strings.Contains(progress.String(), "focus_sample.csv: 1000 rows, 1000 lines written") {
				t.Errorf("progress = %q", progress.String())
			}
		})
	}
}

func TestIngestFOCUSTokenLinesAndAttribution(t *testing.T) {
	in, db := newIngester(t)
	s := ingestFile(t, in, "focus", "testdata/focus12.csv")
	if s.TokenLines != 4 || s.Rows != 6 {
		t.Errorf("summary = %+v", s)
	}
	assertTotals(t, totals(t, db, "customer_id || '/' || model || '/' || token_type", ""), map[string]float64{
		"cust_acme/gpt-4o-mini/input": 1.5, "cust_acme/gpt-4o-mini/output": 2.4,
		"cust_beta/claude-3-5-sonnet/output": 6, "/gemini-1.5-pro/input": 3.5, "//": 0.23 - 0.1,
	})
	assertTotals(t, totals(t, db, "model || ' ' || usage_amount::BIGINT", "token_type <> ''"), map[string]float64{
		"gpt-4o-mini 1000000": 1.5, "gpt-4o-mini 4000000": 2.4, "claude-3-5-sonnet 400000": 6, "gemini-1.5-pro 2800000": 3.5,
	})
	// The two Azure lines carry InvoiceId INV-1 (invoiced: 1.50 + 2.40); the others none.
	assertTotals(t, totals(t, db, "data_status", ""), map[string]float64{"final": 3.9, "provisional": 9.63})
}

func TestIngestIdempotentAndRestated(t *testing.T) {
	in, db := newIngester(t)
	first := ingestFile(t, in, "unified", "testdata/unified_oct.csv")
	want := map[string]float64{"GCP 2026-10-01": 10, "GCP 2026-10-02": 20, "AWS 2026-10-01": 5, "AWS 2026-09-30": 7}
	assertTotals(t, totals(t, db, byProviderDay, ""), want)
	wantParts := []cost.Partition{{Source: "unified", Key: "GCP/2026-10"}, {Source: "unified", Key: "AWS/2026-10"},
		{Source: "unified", Key: "AWS/2026-09"}}
	if !reflect.DeepEqual(first.Partitions, wantParts) || first.LinesWritten != 4 {
		t.Errorf("first summary = %+v", first)
	}
	assertTotals(t, totals(t, db, "customer_id", ""), map[string]float64{"cust_acme": 22, "cust_beta": 20})
	assertTotals(t, totals(t, db, "data_status", ""), map[string]float64{"provisional": 35, "final": 7})

	again := ingestFile(t, in, "unified", "testdata/unified_oct.csv")
	assertTotals(t, totals(t, db, byProviderDay, ""), want)
	if again.PartitionsReplaced != 3 || again.LinesWritten != 4 {
		t.Errorf("second summary = %+v", again)
	}

	ingestFile(t, in, "unified", "testdata/unified_gcp_restated.csv")
	assertTotals(t, totals(t, db, byProviderDay, ""), map[string]float64{
		"GCP 2026-10-01": 11, "GCP 2026-10-03": 1.5, "AWS 2026-10-01": 5, "AWS 2026-09-30": 7})
}

func TestIngestAtomic(t *testing.T) {
	in, db := newIngester(t)
	ingestFile(t, in, "unified", "testdata/unified_oct.csv")
	before := totals(t, db, byProviderDay, "")
	f, err := os.Open("testdata/unified_bad_last.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = in.Ingest(context.Background(), "unified", "unified_bad_last.csv", f)
	var ce *cost.Error
	if !errors.As(err, &ce) || ce.Code != cost.CodeInvalid ||
		ce.Message != `unified_bad_last.csv: line 4, column "cost_usd": "9.9.9" is not a number` {
		t.Fatalf("err = %v", err)
	}
	assertTotals(t, totals(t, db, byProviderDay, ""), before)
}

func TestIngestBadInput(t *testing.T) {
	in, _ := newIngester(t)
	tests := []struct{ format, body, want string }{
		{"aws-cost", "x", `Unknown format "aws-cost"`},
		{"unified", "date,cloud_provider\n", `in.csv: line 1, column "service": required column is missing`},
		{"focus", "\x1f\x8b\x08garbage", "in.csv: bad gzip data"},
		{"focus", "PAR1 not really", "in.csv: not a readable Parquet file"},
		{"events", `{"id":"a","timestamp":"2026-01-01T00:00:00Z","model":"gpt-4o","input_tokens":-1}`, `in.csv: line 1, field "input_tokens"`},
	}
	for _, tt := range tests {
		_, err := in.Ingest(context.Background(), tt.format, "in.csv", strings.NewReader(tt.body))
		if cost.ErrorCode(err) != cost.CodeInvalid || !strings.Contains(cost.ErrorMessage(err), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.format, err, tt.want)
		}
	}
}

func newGzip(buf *bytes.Buffer) *gzip.Writer { return gzip.NewWriter(buf) }

func TestIngestGzipFixture(t *testing.T) {
	plain, plainDB := newIngester(t)
	zipped, zippedDB := newIngester(t)
	ps := ingestFile(t, plain, "focus", "testdata/focus12.csv")
	zs := ingestFile(t, zipped, "focus", "testdata/focus12.csv.gz")
	const key = "customer_id || ' ' || model || ' ' || token_type || ' ' || usage_amount::BIGINT"
	assertTotals(t, totals(t, zippedDB, key, ""), totals(t, plainDB, key, ""))
	if zs.Rows != ps.Rows || zs.TokenLines != ps.TokenLines || !reflect.DeepEqual(zs.Partitions, ps.Partitions) {
		t.Errorf("gzip summary %+v, plain %+v", zs, ps)
	}
}
