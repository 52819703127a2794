package main

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestIngestExport_Local ingests a file into a data directory with the CLI and
// exports it back; the exported totals equal the file's.
func TestIngestExport_Local(t *testing.T) {
	dir := t.TempDir()
	fx := newFixture()
	file := filepath.Join(dir, "nov.csv")
	if err := os.WriteFile(file, []byte(fx.csv), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"LLMCOST_DATA": filepath.Join(dir, "data"), "LLMCOST_NOW": "2026-11-29", "LLMCOST_LOG_LEVEL": "warn"}
	m := mustRun(t, env, "ingest", "--format", "unified", file)
	if out := m.Stdout.(*bytes.Buffer).String(); !strings.Contains(out, strconv.Itoa(fx.rows)+" rows") {
		t.Errorf("ingest summary %q lacks the row count %d", out, fx.rows)
	}
	m.Close()

	out := filepath.Join(dir, "out.csv")
	mustRun(t, env, "export", "-o", out).Close()
	byProvider, rows := readUnified(t, out)
	if rows != fx.rows {
		t.Errorf("exported %d rows, want %d", rows, fx.rows)
	}
	assertSums(t, "export by provider", byProvider, fx.byProvider)

	m = mustRun(t, env, "export", "--customer", "cust_globex", "--from", "2026-11-10", "--to", "2026-11-10")
	r := csv.NewReader(m.Stdout.(*bytes.Buffer))
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(recs)-1, 3*2; got != want { // 3 providers × 2 token types.
		t.Errorf("filtered export has %d rows, want %d", got, want)
	}
}

func TestIngest_BadFileFailsNamingLine(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "bad.csv")
	body := "date,cloud_provider,service,model,token_type,cost_usd,usage_amount,customer_id\n" +
		"2026-11-01,AWS,Amazon Bedrock,claude-3-5-sonnet,input,1.5,1000,cust_acme\n" +
		"2026-11-02,AWS,Amazon Bedrock,claude-3-5-sonnet,input,oops,1000,cust_acme\n"
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	m := newTestMain(map[string]string{"LLMCOST_DATA": filepath.Join(dir, "data"), "LLMCOST_LOG_LEVEL": "warn"})
	defer m.Close()
	if err := m.ParseFlags(t.Context(), []string{"ingest", "--format", "unified", file}); err != nil {
		t.Fatal(err)
	}
	err := m.Run(t.Context())
	if err == nil {
		t.Fatal("ingest of a bad file succeeded")
	}
	if msg := userMessage(err); !strings.Contains(msg, "bad.csv") || !strings.Contains(msg, "3") || !strings.Contains(msg, "cost_usd") {
		t.Errorf("error %q does not name file, line 3 and column cost_usd", msg)
	}
}

func TestVersionAndHelp(t *testing.T) {
	m := mustRun(t, nil, "version")
	if got := m.Stdout.(*bytes.Buffer).String(); got != "llmcost "+Version+"\n" {
		t.Errorf("version output %q", got)
	}
	for _, cmd := range []string{"serve", "demo", "ingest", "export", "ask", "version"} {
		m := newTestMain(nil)
		err := m.ParseFlags(t.Context(), []string{cmd, "--help"})
		if !errors.Is(err, flag.ErrHelp) {
			t.Errorf("%s --help: err %v, want flag.ErrHelp", cmd, err)
		}
		if out := m.Stdout.(*bytes.Buffer).String(); !strings.Contains(out, "Usage: llmcost "+cmd) {
			t.Errorf("%s --help output lacks its usage line:\n%s", cmd, out)
		}
	}
}

// readUnified sums an exported unified CSV's cost by provider.
func readUnified(t *testing.T, path string) (map[string]float64, int) {
	t.Helper()
	f, err := os.Open(path)
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
	sums := map[string]float64{}
	for _, r := range recs[1:] {
		v, err := strconv.ParseFloat(r[col["cost_usd"]], 64)
		if err != nil {
			t.Fatal(err)
		}
		sums[r[col["cloud_provider"]]] += v
	}
	return sums, len(recs) - 1
}

// TestIngest_StdinAndGzip reads a gzip-compressed file from standard input.
func TestIngest_StdinAndGzip(t *testing.T) {
	fx := newFixture()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(fx.csv))
	zw.Close()
	dir := t.TempDir()
	m := newTestMain(map[string]string{"LLMCOST_DATA": dir, "LLMCOST_LOG_LEVEL": "warn"})
	defer m.Close()
	m.Stdin = &gz
	if err := m.ParseFlags(t.Context(), []string{"ingest", "--format", "unified", "-"}); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	if out := m.Stdout.(*bytes.Buffer).String(); !strings.HasPrefix(out, "-: "+strconv.Itoa(fx.rows)+" rows") {
		t.Errorf("summary %q, want %d rows from -", out, fx.rows)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.csv")
	mustRun(t, map[string]string{"LLMCOST_DATA": dir, "LLMCOST_LOG_LEVEL": "warn"}, "export", "-o", out).Close()
	got, _ := readUnified(t, out)
	assertSums(t, "stdin gzip export", got, fx.byProvider)
}
