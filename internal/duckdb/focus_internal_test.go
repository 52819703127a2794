package duckdb

import (
	"context"
	"encoding/csv"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/billing"
	"github.com/llmcost/llmcost/internal/cost"
)

// A FOCUS file's lines find their text combination by the hash of its keys;
// where two combinations' hashes collide they are joined on the keys
// themselves. Both joins store the same lines.
func TestLoadFOCUS_HashJoinMatchesKeyJoin(t *testing.T) {
	src, err := os.ReadFile("../ingest/testdata/focus12.csv")
	if err != nil {
		t.Fatal(err)
	}
	load := func(keyJoin bool) []string {
		db, err := Open("")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		spool, err := db.SpoolFile() // The one place the store may read.
		if err != nil {
			t.Fatal(err)
		}
		path := spool.Name()
		defer os.Remove(path)
		if _, err := spool.Write(src); err != nil {
			t.Fatal(err)
		}
		spool.Close()
		db.focusKeyJoin = keyJoin
		db.Now = func() time.Time { return time.Date(2026, 10, 15, 12, 0, 0, 0, time.UTC) }
		f := focusTestFile(t, path)
		res, err := db.LoadFOCUS(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		if res.LinesWritten == 0 {
			t.Fatal("no lines written")
		}
		return storedLines(t, db)
	}
	got, want := load(false), load(true)
	if !slices.Equal(got, want) {
		t.Errorf("joined by hash:\n%q\njoined by keys:\n%q", got, want)
	}
}

// focusTestFile describes the FOCUS CSV at path with billing's rules.
func focusTestFile(t *testing.T, path string) *cost.FOCUSFile {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	cols, err := csv.NewReader(fh).Read()
	if err != nil {
		t.Fatal(err)
	}
	lay, err := billing.NewFOCUSLayout("focus12.csv", cols)
	if err != nil {
		t.Fatal(err)
	}
	return &cost.FOCUSFile{
		Name: "focus12.csv", Path: path, Columns: cols, TextColumns: lay.TextCols, Roles: lay.Role,
		Text: func(vals []string, noConsumed bool) (*cost.FOCUSText, error) {
			return lay.Text("focus12.csv", vals, noConsumed)
		},
		OpenMonth:  time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC),
		MaxAbsCost: cost.MaxAbsCost,
	}
}

// storedLines returns every stored line as text, sorted.
func storedLines(t *testing.T, db *DB) []string {
	t.Helper()
	rows, err := db.db.Query(`SELECT cost_lines::VARCHAR FROM cost_lines ORDER BY ALL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}
