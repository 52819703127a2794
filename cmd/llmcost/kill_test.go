package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/duckdb"
)

// TestMain runs the command itself when a test re-executes the test binary
// with LLMCOST_TEST_RUN_MAIN=1, so a test can kill a real ingest process.
func TestMain(m *testing.M) {
	if os.Getenv("LLMCOST_TEST_RUN_MAIN") == "1" {
		os.Args = append([]string{"llmcost"}, strings.Fields(os.Getenv("LLMCOST_TEST_ARGS"))...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// killRows is the size of the file the kill test ingests: long enough to be
// killed in the middle of each step.
const killRows = 400_000

// writeKillFile writes a unified file of killRows lines over AWS October and
// November 2026, each costing $0.25; a zoned timestamp on the last line, when
// lineByLine is set, leaves the file to the line-by-line reader.
func writeKillFile(t *testing.T, path string, lineByLine bool) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("date,cloud_provider,service,model,token_type,cost_usd,usage_amount,customer_id,charge_period_start\n")
	for i := range killRows {
		start := ""
		if lineByLine && i == killRows-1 {
			start = "2026-11-30T00:00:00+00:00"
		}
		fmt.Fprintf(w, "2026-%02d-%02d,AWS,Amazon Bedrock,claude-3-5-sonnet,input,0.25,%d,cust_%03d,%s\n",
			10+i%2, 1+i%28, i, i%500, start)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// storeDump returns every line and partition of the store in data, as text.
func storeDump(t *testing.T, data string) []string {
	t.Helper()
	db, err := duckdb.Open(filepath.Join(data, StoreFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out []string
	for _, q := range []string{
		`SELECT concat_ws('|', date, cloud_provider, model, cost_usd, usage_amount, customer_id, source_partition, ingested_at) FROM cost_lines`,
		`SELECT concat_ws('|', source, key, line_count, cost_usd, ingested_at) FROM partitions`,
	} {
		rows, err := db.SQL().Query(q + " ORDER BY 1")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		rows.Close()
	}
	return out
}

func TestIngest_KilledLeavesStoreAsBefore(t *testing.T) {
	if testing.Short() {
		t.Skip("ingests 400k lines several times")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	seed := filepath.Join(dir, "seed.csv")
	// The seed has a line in a partition the big file replaces (AWS/2026-10)
	// and one it leaves alone (GCP/2026-10).
	if err := os.WriteFile(seed, []byte(badHeader+
		"2026-10-05,AWS,Amazon Bedrock,claude-3-5-sonnet,input,100,1,cust_old\n"+
		"2026-10-05,GCP,Vertex AI,gemini-1.5-pro,input,40,1,cust_old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"LLMCOST_DATA": data, "LLMCOST_LOG_LEVEL": "warn"}
	m := mustRun(t, env, "ingest", "--format", "unified", seed)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	before := storeDump(t, data)
	points := []struct {
		name       string
		lineByLine bool
		after      string        // Progress text that arms the kill ("" = at once).
		delay      time.Duration // Then wait this long.
	}{
		{"while the file is copied", false, "", 0},
		{"while DuckDB reads the file", false, "reading with DuckDB", 0},
		{"later while DuckDB writes", false, "reading with DuckDB", 400 * time.Millisecond},
		{"while lines stream in", true, "100000 rows", 0},
		{"later while lines stream in", true, "300000 rows", 0},
	}
	for _, p := range points {
		t.Run(p.name, func(t *testing.T) {
			file := filepath.Join(dir, "big.csv")
			writeKillFile(t, file, p.lineByLine)
			cmd := exec.Command(exe, "-test.run=^$")
			cmd.Env = append(os.Environ(), "LLMCOST_TEST_RUN_MAIN=1", "LLMCOST_LOG_LEVEL=warn",
				"LLMCOST_TEST_ARGS=ingest --data "+data+" --format unified "+file)
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			if p.after != "" {
				waitFor(stderr, p.after)
			}
			time.Sleep(p.delay)
			cmd.Process.Signal(syscall.SIGKILL)
			go io.Copy(io.Discard, stderr)
			err = cmd.Wait()
			if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
				t.Fatalf("the ingest was not killed (%v): it finished first", err)
			}
			if got := storeDump(t, data); !reflect.DeepEqual(got, before) {
				t.Errorf("store after the kill holds %d rows, want the %d before:\n%s", len(got), len(before),
					strings.Join(got[:min(len(got), 10)], "\n"))
			}
		})
	}
	// A re-run after the kills gives the right totals: the big file's
	// 400,000 lines of $0.25 replace AWS October and November; GCP's $40 stays.
	file := filepath.Join(dir, "big.csv")
	writeKillFile(t, file, false)
	m = mustRun(t, env, "ingest", "--format", "unified", file)
	var n int
	var sum float64
	if err := m.Store.SQL().QueryRow(`SELECT count(*), sum(cost_usd) FROM cost_lines`).Scan(&n, &sum); err != nil {
		t.Fatal(err)
	}
	if wantN, wantSum := killRows+1, killRows*0.25+40; n != wantN || sum != wantSum {
		t.Errorf("after a full re-run: %d lines, $%.2f; want %d, $%.2f", n, sum, wantN, wantSum)
	}
	if left, _ := filepath.Glob(filepath.Join(data, "tmp", "ingest-*")); len(left) > 0 {
		t.Errorf("copies of killed ingests left behind: %v", left)
	}
}

// waitFor reads r until a line contains s (or r ends).
func waitFor(r io.Reader, s string) {
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadString('\n')
		if strings.Contains(line, s) || err != nil {
			return
		}
	}
}
