package main

import (
	"bufio"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// benchIngestRows is the size of the generated files of BenchmarkIngestCLI:
// LLMCOST_BENCH_INGEST_ROWS, or 1M (36.5M is a year of 1,000 customers).
func benchIngestRows(b *testing.B) int {
	if s := os.Getenv("LLMCOST_BENCH_INGEST_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("LLMCOST_BENCH_INGEST_ROWS = %q: want a positive number", s)
		}
		return n
	}
	return 1_000_000
}

// benchIngestRuns is how many times BenchmarkIngestCLI runs each side:
// LLMCOST_BENCH_INGEST_RUNS, or 3 up to 5M lines and 1 beyond.
func benchIngestRuns(b *testing.B, rows int) int {
	if s := os.Getenv("LLMCOST_BENCH_INGEST_RUNS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("LLMCOST_BENCH_INGEST_RUNS = %q: want a positive number", s)
		}
		return n
	}
	if rows > 5_000_000 {
		return 1
	}
	return 3
}

// BenchmarkIngestCLI runs `llmcost ingest` (through Main, as the command does)
// and DuckDB's bare read_csv into a table on the same generated file, for
// unified CSV and FOCUS CSV, and prints rows/s, CPU-seconds (user + system, of
// the whole process: DuckDB's threads included) and wall time for both, and
// the ratio of their CPU. Each format is a sub-benchmark (-bench
// IngestCLI/unified runs one). The two sides run in turn several times, each
// into a fresh store, and the least CPU of each is kept: on a shared machine
// the other jobs only ever add to it. LLMCOST_BENCH_INGEST_DIR keeps the
// generated files between runs.
func BenchmarkIngestCLI(b *testing.B) {
	rows := benchIngestRows(b)
	runs := benchIngestRuns(b, rows)
	dir := b.TempDir()
	files := os.Getenv("LLMCOST_BENCH_INGEST_DIR")
	if files == "" {
		files = dir
	}
	formats := []struct {
		name  string
		write func(w *bufio.Writer, rows int)
	}{{"unified", writeBenchUnified}, {"focus", writeBenchFOCUS}}
	for _, f := range formats {
		b.Run(f.name, func(b *testing.B) {
			path := filepath.Join(files, fmt.Sprintf("%s-%d.csv", f.name, rows))
			if _, err := os.Stat(path); err != nil {
				writeBenchFile(b, path, rows, f.write)
			}
			b.ResetTimer()
			var ours, bare measured
			for run := range runs {
				data := filepath.Join(dir, fmt.Sprintf("%s-data-%d", f.name, run))
				ours = ours.least(measure(func() error { return benchIngest(b, data, f.name, path) }))
				bare = bare.least(measure(func() error { return benchReadCSV(filepath.Join(data, "bare.duckdb"), path) }))
				os.RemoveAll(data)
			}
			b.StopTimer()
			if ours.err != nil || bare.err != nil {
				b.Fatalf("%s: llmcost ingest: %v; read_csv: %v", f.name, ours.err, bare.err)
			}
			b.Logf("%-8s %10s  %-14s %12s %9s %8s  (least of %d runs)", "format", "rows", "reader", "rows/s",
				"CPU-s", "wall-s", runs)
			for _, r := range []struct {
				name string
				m    measured
			}{{"llmcost ingest", ours}, {"read_csv", bare}} {
				b.Logf("%-8s %10d  %-14s %12.0f %9.2f %8.2f", f.name, rows, r.name,
					float64(rows)/r.m.wall.Seconds(), r.m.cpu.Seconds(), r.m.wall.Seconds())
			}
			b.Logf("%-8s CPU ratio llmcost / read_csv = %.2f", f.name, ours.cpu.Seconds()/bare.cpu.Seconds())
			b.ReportMetric(ours.cpu.Seconds()/bare.cpu.Seconds(), "cpu-ratio")
			b.ReportMetric(ours.cpu.Seconds(), "llmcost-cpu-s")
			b.ReportMetric(bare.cpu.Seconds(), "read_csv-cpu-s")
		})
	}
}

// benchIngest runs `llmcost ingest --format format path` into a fresh data
// directory.
func benchIngest(b *testing.B, data, format, path string) error {
	m := newTestMain(map[string]string{"LLMCOST_DATA": data})
	defer m.Close()
	if err := m.ParseFlags(b.Context(), []string{"ingest", "--format", format, path}); err != nil {
		return err
	}
	return m.Run(b.Context())
}

// benchReadCSV reads path with DuckDB's bare read_csv into a table of a new
// database file.
func benchReadCSV(file, path string) error {
	db, err := sql.Open("duckdb", file)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Exec(`CREATE TABLE t AS SELECT * FROM read_csv(?)`, path)
	return err
}

// measured is the wall and CPU time of one run.
type measured struct {
	wall, cpu time.Duration
	err       error
}

// least returns whichever of m and n took less CPU; a failed run is kept,
// so its error is reported.
func (m measured) least(n measured) measured {
	if m.err != nil || (m.cpu != 0 && m.cpu <= n.cpu && n.err == nil) {
		return m
	}
	return n
}

// measure runs fn and returns its wall time and the process's CPU time during it.
func measure(fn func() error) measured {
	c0, t0 := cpuTime(), time.Now()
	err := fn()
	return measured{wall: time.Since(t0), cpu: cpuTime() - c0, err: err}
}

// cpuTime returns the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// writeBenchFile writes a generated file of rows lines.
func writeBenchFile(b *testing.B, path string, rows int, write func(*bufio.Writer, int)) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	write(w, rows)
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}

var benchModels = []struct{ provider, service, model string }{
	{"AWS", "Amazon Bedrock", "claude-3-5-sonnet"},
	{"Azure", "Azure OpenAI", "gpt-4o"},
	{"GCP", "Vertex AI", "gemini-1.5-pro"},
}

// writeBenchUnified writes a unified CSV: one line per customer (1,000) per
// day, over as many days as rows need.
func writeBenchUnified(w *bufio.Writer, rows int) {
	w.WriteString("date,cloud_provider,service,model,token_type,cost_usd,usage_amount,customer_id\n")
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	tokenTypes := []string{"input", "output", "cache_read"}
	for i := range rows {
		day, c := i/1000, i%1000
		m := benchModels[c%len(benchModels)]
		fmt.Fprintf(w, "%s,%s,%s,%s,%s,%.6f,%d,cust_%04d\n", start.AddDate(0, 0, day).Format("2006-01-02"),
			m.provider, m.service, m.model, tokenTypes[c%3], float64(c%997)/113, c*37%100000+1, c)
	}
}

// writeBenchFOCUS writes a FOCUS 1.2 CSV with the same shape.
func writeBenchFOCUS(w *bufio.Writer, rows int) {
	w.WriteString("BilledCost,BillingAccountId,BillingCurrency,BillingPeriodStart,ChargeCategory,ChargePeriodStart," +
		"ChargePeriodEnd,ConsumedQuantity,ConsumedUnit,ListCost,ProviderName,RegionId,ServiceCategory,ServiceName," +
		"SkuMeter,SubAccountId,Tags\n")
	meters := []struct{ provider, service, meter, unit string }{
		{"Microsoft", "Azure OpenAI", "gpt-4o-mini-0718-Inp-glbl Tokens", "1K tokens"},
		{"Amazon Web Services", "Amazon Bedrock", "USE1-Claude3.5Sonnet-input-tokens", "1K tokens"},
		{"Google Cloud", "Vertex AI", "Gemini 1.5 Pro Text Input - Predictions", "count"},
	}
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range rows {
		day, c := start.AddDate(0, 0, i/1000), i%1000
		m := meters[c%len(meters)]
		fmt.Fprintf(w, "%.6f,acct-1,USD,%s,Usage,%s,%s,%d,%s,%.6f,%s,us-east-1,AI and Machine Learning,%s,%s,sub-%d,"+
			"\"{\"\"customer_id\"\": \"\"cust_%04d\"\"}\"\n",
			float64(c%997)/113, day.Format("2006-01-02T00:00:00Z"[:7])+"-01T00:00:00Z", day.Format(time.RFC3339),
			day.Add(24*time.Hour).Format(time.RFC3339), 1+c*37%5000, m.unit, float64(c%997)/100, m.provider,
			m.service, m.meter, c%7, c)
	}
}
