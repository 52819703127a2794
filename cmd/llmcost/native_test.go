package main

import (
	"path/filepath"
	"testing"
)

// TestIngest_NativeWithMapping ingests an Azure cost details export with the
// mapping file from LLMCOST_MAPPING, and exports its customers' totals.
func TestIngest_NativeWithMapping(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"LLMCOST_DATA": filepath.Join(dir, "data"), "LLMCOST_NOW": "2026-09-20",
		"LLMCOST_LOG_LEVEL": "warn", "LLMCOST_MAPPING": "../../internal/billing/testdata/mapping.json"}
	mustRun(t, env, "ingest", "--format", "azure-cost", "../../internal/billing/testdata/azure_mca.csv").Close()
	out := filepath.Join(dir, "out.csv")
	mustRun(t, env, "export", "-o", out, "--from", "2026-09-01", "--to", "2026-09-30").Close()
	_, rows := readUnified(t, out)
	if rows != 13 {
		t.Errorf("exported %d rows, want 13", rows)
	}
	for customer, want := range map[string]int{"acme": 4, "contoso": 8, "hooli": 1} {
		m := mustRun(t, env, "export", "--customer", customer, "--from", "2026-09-01", "--to", "2026-09-30",
			"-o", filepath.Join(dir, customer+".csv"))
		m.Close()
		if _, n := readUnified(t, filepath.Join(dir, customer+".csv")); n != want {
			t.Errorf("customer %s: %d rows, want %d", customer, n, want)
		}
	}
}
