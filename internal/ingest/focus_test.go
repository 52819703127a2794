package ingest_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/billing"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/ingest"
)

// focusGenerated has the shape of a FOCUS 1.2 export: token meters of three
// clouds, customers in tags, a line without a consumed quantity, one without
// tags and a storage line.
func focusGenerated() string {
	var b strings.Builder
	b.WriteString("BilledCost,BillingAccountId,BillingCurrency,BillingPeriodStart,ChargeCategory,ChargePeriodStart," +
		"ChargePeriodEnd,ConsumedQuantity,ConsumedUnit,ListCost,PricingQuantity,PricingUnit,ProviderName,RegionId," +
		"ServiceCategory,ServiceName,SkuMeter,SubAccountId,Tags\n")
	meters := []struct{ provider, service, meter, unit string }{
		{"Microsoft", "Azure OpenAI", "gpt-4o-mini-0718-Inp-glbl Tokens", "1K tokens"},
		{"Amazon Web Services", "Amazon Bedrock", "USE1-Claude3.5Sonnet-input-tokens", "1K tokens"},
		{"Google Cloud", "Vertex AI", "Gemini 1.5 Pro Text Input - Predictions", "count"},
		{"AWS", "Amazon S3", "TimedStorage-ByteHrs", "GB-Mo"},
	}
	for i := range 200 {
		m := meters[i%len(meters)]
		day := time.Date(2026, 9, 28, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%7)
		consumed, tags := fmt.Sprint(1+i*37%5000), fmt.Sprintf(`"{""customer_id"": ""cust_%02d""}"`, i%9)
		if i%11 == 0 {
			consumed = ""
		}
		if i%13 == 0 {
			tags = ""
		}
		fmt.Fprintf(&b, "%.6f,acct-1,USD,%s,Usage,%s,%s,%s,%s,%.6f,%d,%s,%s,us-east-1,AI and Machine Learning,%s,%s,sub-%d,%s\n",
			float64(i%97)/13, day.Format("2006-01")+"-01T00:00:00Z", day.Format(time.RFC3339),
			day.Add(24*time.Hour).Format(time.RFC3339), consumed, m.unit, float64(i%97)/10, 3+i%5, m.unit,
			m.provider, m.service, m.meter, i%3, tags)
	}
	return b.String()
}

// The DuckDB store reads FOCUS CSV itself and writes what the line-by-line
// reader writes.
func TestIngestFOCUS_DuckDBReaderMatchesLineByLine(t *testing.T) {
	focus12, err := os.ReadFile("testdata/focus12.csv")
	if err != nil {
		t.Fatal(err)
	}
	mapping, err := billing.ParseMapping("mapping.json", strings.NewReader(`{"customers": [
		{"kind": "account", "value": "sub-1", "customer": "cust_sub"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	eur, err := os.ReadFile(billingTestdata + "focus_eur.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, body string
		byDuckDB   bool
	}{
		{"focus12.csv", string(focus12), true},
		{"generated.csv", focusGenerated(), true},
		// Costs billed in euros are converted line by line.
		{"focus_eur.csv", string(eur), false},
		// Microsoft's pricing blocks need each line's prices.
		{"blocks.csv", "BilledCost,ChargePeriodStart,ProviderName,ServiceName,x_SkuMeterName,ConsumedQuantity," +
			"ConsumedUnit,PricingQuantity,PricingUnit,x_PricingBlockSize,ListUnitPrice,ListCost\n" +
			"3.75,2026-10-03T00:00:00Z,Microsoft,Azure OpenAI,gpt 4o 0513 Input global Tokens,1500,Units,1.5,Units,1000,0.005,7.5\n",
			false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, gotSum, progress := ingestBoth(t, "focus", tc.name, tc.body, mapping, false)
			want, wantSum, _ := ingestBoth(t, "focus", tc.name, tc.body, mapping, true)
			if by := strings.Contains(progress, "read by DuckDB's CSV reader"); by != tc.byDuckDB {
				t.Fatalf("read by DuckDB = %v, want %v; progress:\n%s", by, tc.byDuckDB, progress)
			}
			sameLoad(t, got, want, gotSum, wantSum)
		})
	}
}

// ingestBoth ingests body into a new DuckDB store, read by the store itself
// or (lineByLineOnly) line by line, and returns the stored lines, the summary
// and the progress text.
func ingestBoth(t *testing.T, format, name, body string, mapping *billing.Mapping, lineByLineOnly bool) ([]string, *cost.IngestSummary, string) {
	t.Helper()
	db, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sum, progress := ingestInto(t, db, format, name, body, mapping, lineByLineOnly)
	return dumpLines(t, db), sum, progress
}

// ingestInto ingests body into db, read by the store itself or
// (lineByLineOnly) line by line, on 15 October 2026, and returns the summary
// and the progress text.
func ingestInto(t *testing.T, db *duckdb.DB, format, name, body string, mapping *billing.Mapping, lineByLineOnly bool) (*cost.IngestSummary, string) {
	t.Helper()
	var store cost.Store = db
	if lineByLineOnly {
		store = lineByLine{db}
	}
	var progress bytes.Buffer
	now := func() time.Time { return time.Date(2026, 10, 15, 12, 0, 0, 0, time.UTC) }
	in := &ingest.Ingester{Store: store, Now: now, Mapping: mapping, Progress: &progress}
	sum, err := in.Ingest(context.Background(), format, name, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return sum, progress.String()
}

// sameLoad compares what DuckDB's reader stored and reported with what the
// line-by-line reader did: the lines exactly; the partitions' costs, added up
// by DuckDB in its own order, to the last few digits; the summary's list of
// partitions as a set (DuckDB lists them in the order it wrote them).
func sameLoad(t *testing.T, got, want []string, gotSum, wantSum *cost.IngestSummary) {
	t.Helper()
	round := func(lines []string) []string {
		out := make([]string, len(lines))
		for i, l := range lines {
			var s, k string
			var n int
			var c float64
			if _, err := fmt.Sscanf(l, "partition %s %s %d %g", &s, &k, &n, &c); err == nil {
				l = fmt.Sprintf("partition %s %s %d %.9g", s, k, n, c)
			}
			out[i] = l
		}
		return out
	}
	if g, w := round(got), round(want); !reflect.DeepEqual(g, w) {
		t.Errorf("lines read by DuckDB:\n%s\nline by line:\n%s", strings.Join(g, "\n"), strings.Join(w, "\n"))
	}
	g, w := *gotSum, *wantSum
	for _, s := range []*cost.IngestSummary{&g, &w} {
		s.Partitions = slices.Clone(s.Partitions)
		slices.SortFunc(s.Partitions, func(a, b cost.Partition) int { return strings.Compare(a.Key, b.Key) })
		s.CostUSD = math.Round(s.CostUSD*1e6) / 1e6
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("summary read by DuckDB:\n%+v\nline by line:\n%+v", g, w)
	}
}

// A bad value fails a FOCUS file read by DuckDB with the line-by-line
// reader's error, and changes nothing.
func TestIngestFOCUS_DuckDBReaderBadValue(t *testing.T) {
	body := focusGenerated()
	body = strings.TrimSuffix(body, "\n")
	last := strings.LastIndex(body, "\n")
	_, rest, _ := strings.Cut(body[last+1:], ",")
	bad := body[:last+1] + "1_000," + rest + "\n" // BilledCost of the last line.
	errOf := func(lineByLineOnly bool) (string, []string) {
		db, err := duckdb.Open("")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var store cost.Store = db
		if lineByLineOnly {
			store = lineByLine{db}
		}
		in := &ingest.Ingester{Store: store}
		_, err = in.Ingest(context.Background(), "focus", "bad.csv", strings.NewReader(bad))
		if err == nil {
			t.Fatal("a bad cost was accepted")
		}
		return err.Error(), dumpLines(t, db)
	}
	got, lines := errOf(false)
	want, _ := errOf(true)
	if got != want {
		t.Errorf("error = %q, want the line-by-line reader's %q", got, want)
	}
	if !strings.Contains(got, "line 201") || !strings.Contains(got, "BilledCost") {
		t.Errorf("error = %q, want the line and column named", got)
	}
	if len(lines) != 0 {
		t.Errorf("stored %d lines and partitions after a failed file", len(lines))
	}
}

// Ingesting a FOCUS file DuckDB reads again replaces its partitions.
func TestIngestFOCUS_DuckDBReaderReplacesPartitions(t *testing.T) {
	db, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var progress bytes.Buffer
	in := &ingest.Ingester{Store: db, Progress: &progress}
	body := focusGenerated()
	first, err := in.Ingest(context.Background(), "focus", "f.csv", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	again, err := in.Ingest(context.Background(), "focus", "f.csv", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(progress.String(), "read by DuckDB's CSV reader"); got != 2 {
		t.Fatalf("read by DuckDB %d times, want 2; progress:\n%s", got, progress.String())
	}
	if got, want := again.PartitionsReplaced, len(first.Partitions); got != want || want == 0 {
		t.Errorf("partitions replaced = %d, want %d", got, want)
	}
	var n int
	if err := db.SQL().QueryRow(`SELECT count(*) FROM cost_lines`).Scan(&n); err != nil || n != 200 {
		t.Errorf("lines after ingesting twice = %d (%v), want 200", n, err)
	}
}
