package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestDataDirModes checks the data directory, its spool directory and the
// store's files (database and WAL) are private to the server's user, also for
// a directory and a store first created with looser modes.
func TestDataDirModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "old.duckdb.wal"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	m := mustRun(t, e2eEnv, "serve", "--data", dir, "--addr", "127.0.0.1:0")
	client{t, m.Server.URL(), testAdminToken}.must(200, "POST", "/api/v1/ingest?format=unified&name=nov.csv", newFixture().csv, nil)
	want := map[string]os.FileMode{dir: 0o700, filepath.Join(dir, SpoolDir): 0o700}
	files, err := filepath.Glob(filepath.Join(dir, "*.duckdb*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 2 {
		t.Fatalf("store files %v, want the database and WAL files", files)
	}
	for _, f := range files {
		want[f] = 0o600
	}
	for path, mode := range want {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != mode {
			t.Errorf("%s: mode %v, want %v", path, got, mode)
		}
	}
}
