package duckdb_test

import (
	"path/filepath"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
)

func TestOpenWithMemoryLimit(t *testing.T) {
	db, err := duckdb.OpenWith(filepath.Join(t.TempDir(), "l.duckdb"), duckdb.Options{MemoryLimit: "256MiB"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var got string
	if err := db.SQL().QueryRow("SELECT current_setting('memory_limit')").Scan(&got); err != nil {
		t.Fatal(err)
	}
	if want := "256.0 MiB"; got != want {
		t.Errorf("memory_limit = %q, want %q", got, want)
	}
	if _, err := duckdb.OpenWith("", duckdb.Options{MemoryLimit: "lots"}); cost.ErrorCode(err) != cost.CodeInvalid {
		t.Errorf("bad limit: err = %v, want CodeInvalid", err)
	}
}
