package ingest_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/ingest"
)

// benchRows is the size of the generated benchmark files.
const benchRows = 1_000_000

var (
	benchDir     string
	benchDirOnce sync.Once
	benchFiles   sync.Map // name → path
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// benchFile writes a generated file once per run and returns its path.
func benchFile(b *testing.B, name string, write func(w *bufio.Writer)) string {
	b.Helper()
	benchDirOnce.Do(func() {
		var err error
		if benchDir, err = os.MkdirTemp("", "llmcost-bench-*"); err != nil {
			b.Fatal(err)
		}
	})
	if p, ok := benchFiles.Load(name); ok {
		return p.(string)
	}
	path := filepath.Join(benchDir, name)
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	write(w)
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	benchFiles.Store(name, path)
	return path
}

var benchMeters = []struct{ provider, service, meter, unit string }{
	{"Microsoft", "Azure OpenAI", "gpt-4o-mini-0718-Inp-glbl Tokens", "1K tokens"},
	{"Microsoft", "Azure OpenAI", "gpt-4o-mini-0718-Outp-glbl Tokens", "1K tokens"},
	{"Amazon Web Services", "Amazon Bedrock", "USE1-Claude3.5Sonnet-input-tokens", "1K tokens"},
	{"Google Cloud", "Vertex AI", "Gemini 1.5 Pro Text Input - Predictions", "count"},
	{"Amazon Web Services", "Amazon Elastic Compute Cloud", "", "Hours"},
}

// writeFOCUS writes benchRows FOCUS 1.2 rows spread over 30 days.
func writeFOCUS(w *bufio.Writer) {
	w.WriteString("BilledCost,BillingAccountId,BillingCurrency,BillingPeriodStart,ChargeCategory,ChargePeriodStart," +
		"ChargePeriodEnd,ConsumedQuantity,ConsumedUnit,ListCost,ProviderName,RegionId,ServiceCategory,ServiceName," +
		"SkuMeter,SubAccountId,Tags\n")
	for i := range benchRows {
		m := benchMeters[i%len(benchMeters)]
		day := 1 + i%30
		tags := ""
		if i%4 == 0 {
			tags = fmt.Sprintf(`"{""customer_id"": ""cust_%03d"", ""env"": ""prod""}"`, i%97)
		}
		fmt.Fprintf(w, "%.6f,acct-%d,USD,2026-09-01T00:00:00Z,Usage,2026-09-%02dT%02d:00:00Z,2026-09-%02dT%02d:59:59Z,"+
			"%d,%s,%.6f,%s,us-east-1,AI and Machine Learning,%s,%s,sub-%d,%s\n",
			float64(i%1000)/997, i%3, day, i%24, day, i%24, 1+i%5000, m.unit, float64(i%1000)/900,
			m.provider, m.service, m.meter, i%7, tags)
	}
}

// writeEvents writes benchRows NDJSON events.
func writeEvents(w *bufio.Writer) {
	models := []string{"gpt-4o", "claude-3-5-sonnet-20240620", "gemini-1.5-pro-002", "llama-3.1-70b"}
	providers := []string{"openai", "aws", "gcp", "aws"}
	start := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	for i := range benchRows {
		ts := start.Add(time.Duration(i) * 2 * time.Second).Format(time.RFC3339)
		fmt.Fprintf(w, `{"id":"evt-%08d","timestamp":"%s","provider":"%s","model":"%s","customer_id":"cust_%03d",`+
			`"input_tokens":%d,"output_tokens":%d,"cache_read_tokens":%d}`+"\n",
			i, ts, providers[i%4], models[i%4], i%97, 100+i%4000, 10+i%900, (i%3)*50)
	}
}

// compare times our Ingest and DuckDB's own reader (query, with ? = the file)
// on the same file, and reports both rates and their ratio.
func compare(b *testing.B, format, path, duckQuery, unit string) {
	var ours, theirs time.Duration
	for range b.N {
		b.StopTimer()
		db, err := duckdb.Open("")
		if err != nil {
			b.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		in := &ingest.Ingester{Store: db}
		b.StartTimer()
		t0 := time.Now()
		s, err := in.Ingest(context.Background(), format, filepath.Base(path), f)
		ours += time.Since(t0)
		b.StopTimer()
		f.Close()
		db.Close()
		if err != nil {
			b.Fatal(err)
		}
		if s.Rows != benchRows {
			b.Fatalf("ingested %d rows, want %d", s.Rows, benchRows)
		}
		raw, err := sql.Open("duckdb", "")
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t0 = time.Now()
		_, err = raw.Exec(fmt.Sprintf(duckQuery, "'"+path+"'"))
		theirs += time.Since(t0)
		b.StopTimer()
		raw.Close()
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	n := float64(benchRows * b.N)
	oursRate, theirRate := n/ours.Seconds(), n/theirs.Seconds()
	b.ReportMetric(oursRate, unit)
	b.ReportMetric(theirRate, "duckdb-"+unit)
	b.ReportMetric(theirRate/oursRate, "duckdb/ours")
	b.Logf("%s: llmcost ingest %.0f %s, DuckDB reader %.0f %s, DuckDB is %.1fx faster (%d rows)",
		format, oursRate, unit, theirRate, unit, theirRate/oursRate, benchRows)
}

// BenchmarkIngestFOCUS ingests a generated 1M-row FOCUS CSV, and loads the same
// file with DuckDB's read_csv, in one run.
func BenchmarkIngestFOCUS(b *testing.B) {
	path := benchFile(b, "focus.csv", writeFOCUS)
	compare(b, "focus", path, "CREATE TABLE t AS SELECT * FROM read_csv(%s)", "rows/s")
}

// BenchmarkIngestEvents ingests 1M NDJSON events, and loads the same file with
// DuckDB's read_json, in one run.
func BenchmarkIngestEvents(b *testing.B) {
	path := benchFile(b, "events.ndjson", writeEvents)
	compare(b, "events", path, "CREATE TABLE t AS SELECT * FROM read_json(%s, format = 'newline_delimited')", "events/s")
}
