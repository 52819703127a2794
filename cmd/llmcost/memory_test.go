package main

import (
	"fmt"
	"path/filepath"
	"testing"
)

func TestOpenStore_BoundsMemoryByDefault(t *testing.T) {
	total := machineMemory()
	if total <= 0 {
		t.Skip("the machine's memory cannot be read here")
	}
	tests := []struct {
		name, env string
		want      string
	}{
		{"default: half the memory, at most 2 GiB", "", duckdbBytes(min(total/2, 2<<30) >> 20 << 20)},
		{"LLMCOST_DUCKDB_MEMORY overrides", "300MiB", "300.0 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			m := newTestMain(map[string]string{"LLMCOST_DATA": dir, "LLMCOST_DUCKDB_MEMORY": tt.env})
			defer m.Close()
			if err := m.ParseFlags(t.Context(), []string{"ingest", "--format", "unified", "x.csv"}); err != nil {
				t.Fatal(err)
			}
			db, err := m.openStore()
			if err != nil {
				t.Fatal(err)
			}
			var limit, tmp string
			if err := db.SQL().QueryRow(`SELECT current_setting('memory_limit'),
				current_setting('temp_directory')`).Scan(&limit, &tmp); err != nil {
				t.Fatal(err)
			}
			if limit != tt.want {
				t.Errorf("memory_limit = %q, want %q", limit, tt.want)
			}
			if want := filepath.Join(dir, "tmp"); tmp != want {
				t.Errorf("temp_directory = %q, want %q", tmp, want)
			}
		})
	}
}

// duckdbBytes spells n bytes as DuckDB shows a memory setting.
func duckdbBytes(n int64) string {
	if n >= 1<<30 {
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
