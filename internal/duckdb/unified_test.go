package duckdb_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
)

// unifiedFile describes a spooled unified file with identity rules.
func unifiedFile(path string, cols ...string) *cost.UnifiedFile {
	id := func(s string) string { return s }
	return &cost.UnifiedFile{Name: "u.csv", Path: path, Columns: cols, Provider: id, Model: id, Family: id,
		Tags:       func(s string) (string, bool) { return s, true },
		Customer:   func(string, string, string, string) string { return "" },
		MaxAbsCost: cost.MaxAbsCost}
}

// spool writes body to a file in the store's spool directory.
func spool(t *testing.T, db *duckdb.DB, body string) string {
	t.Helper()
	f, err := db.SpoolFile()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(body); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(f.Name()) })
	return f.Name()
}

// With external access off, configuration locked and only the spool directory
// allowed (the hardened store), DuckDB still reads a spooled unified file.
func TestLoadUnified_HardenedStore(t *testing.T) {
	dir := t.TempDir()
	tmp := filepath.Join(dir, "tmp") + string(os.PathSeparator)
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	db, err := duckdb.OpenWith(filepath.Join(dir, "s.duckdb"), duckdb.Options{TempDirectory: tmp, AllowedDirectories: []string{tmp}})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{"SET GLOBAL enable_external_access = true", "SET GLOBAL allowed_directories = ['/']"} {
		if _, err := db.SQL().Exec(q); err == nil {
			t.Fatalf("%s: accepted on a locked store", q)
		}
	}
	cols := strings.Split("date,cloud_provider,service,model,token_type,cost_usd,usage_amount,customer_id", ",")
	path := spool(t, db, strings.Join(cols, ",")+"\n2026-10-01,AWS,Bedrock,m,input,1.5,10,c1\n2026-10-02,GCP,Vertex,m,output,2,5,c2\n")
	res, err := db.LoadUnified(context.Background(), unifiedFile(path, cols...))
	if err != nil {
		t.Fatal(err)
	}
	if res.LinesWritten != 2 || res.CostUSD != 3.5 || len(res.Partitions) != 2 {
		t.Errorf("result = %+v, want 2 lines, $3.5, 2 partitions", res)
	}
	// A value the line-by-line reader must judge leaves the file to it, and
	// changes nothing.
	bad := spool(t, db, strings.Join(cols, ",")+"\n2026-10-03,AWS,Bedrock,m,input,1_000,10,c1\n")
	if _, err := db.LoadUnified(context.Background(), unifiedFile(bad, cols...)); !errors.Is(err, cost.ErrNotLoaded) {
		t.Errorf("1_000: err = %v, want ErrNotLoaded", err)
	}
	var n int
	if err := db.SQL().QueryRow(`SELECT count(*) FROM cost_lines`).Scan(&n); err != nil || n != 2 {
		t.Errorf("lines after the refused file = %d (%v), want 2", n, err)
	}
}
