package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
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

// TestIngest_ExchangeRates converts the shared Azure EA sample, billed in CAD
// without a USD column, at the rate LLMCOST_FX_RATES gives for its month.
func TestIngest_ExchangeRates(t *testing.T) {
	dir := t.TempDir()
	rates := filepath.Join(dir, "fx.csv")
	if err := os.WriteFile(rates, []byte("currency,usd_per_unit,month\nCAD,0.74,2023-09\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"LLMCOST_DATA": filepath.Join(dir, "data"), "LLMCOST_NOW": "2026-09-20",
		"LLMCOST_LOG_LEVEL": "warn", "LLMCOST_FX_RATES": rates}
	mustRun(t, env, "ingest", "--format", "azure-cost",
		"../../../shared/data/focus-converters-fixtures/sample-anonymous-ea-export-dataset.csv").Close()
	out := filepath.Join(dir, "out.csv")
	mustRun(t, env, "export", "-o", out, "--from", "2023-09-01", "--to", "2023-09-30").Close()
	sums, rows := readUnified(t, out)
	// CAD 1.26136926505726 in all (summed with a separate CSV tool) × 0.74.
	if want := 1.26136926505726 * 0.74; rows != 27 || math.Abs(sums["Azure"]-want) > 1e-6 {
		t.Errorf("exported %d rows, Azure $%v; want 27 rows, $%v", rows, sums["Azure"], want)
	}

	bad := map[string]string{"LLMCOST_DATA": filepath.Join(dir, "data"), "LLMCOST_FX_RATES": filepath.Join(dir, "missing.csv")}
	m := newTestMain(bad)
	defer m.Close()
	if err := m.ParseFlags(t.Context(), []string{"ingest", "--format", "azure-cost", "x.csv"}); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(t.Context()); err == nil || !strings.Contains(err.Error(), "missing.csv") {
		t.Errorf("missing rates file: err = %v, want it named", err)
	}
}

// TestIngest_DeliveryParts ingests a CUR split in two parts with one command:
// both parts name the same partition (payer × month), so they are applied
// together and add up; a bad part writes nothing.
func TestIngest_DeliveryParts(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile("../../internal/billing/testdata/aws_cur2.csv")
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.SplitAfter(strings.TrimRight(string(data), "\n")+"\n", "\n")
	header, body := rows[0], rows[1:len(rows)-1] // The last element is empty.
	part1, part2 := filepath.Join(dir, "cur-00001.csv"), filepath.Join(dir, "cur-00002.csv")
	write := func(path string, lines []string) {
		if err := os.WriteFile(path, []byte(header+strings.Join(lines, "")), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(part1, body[:10])
	write(part2, body[10:])
	env := map[string]string{"LLMCOST_DATA": filepath.Join(dir, "data"), "LLMCOST_NOW": "2026-11-20", "LLMCOST_LOG_LEVEL": "warn"}

	bad := filepath.Join(dir, "cur-bad.csv")
	write(bad, append([]string{body[0]}, strings.Replace(body[1], "USD", "USD,extra", 1)))
	m := newTestMain(env)
	if err := m.ParseFlags(t.Context(), []string{"ingest", "--format", "aws-cur", part1, bad}); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(t.Context()); err == nil || !strings.Contains(err.Error(), "cur-bad.csv") {
		t.Errorf("bad part: err = %v, want it named", err)
	}
	m.Close()

	mustRun(t, env, "ingest", "--format", "aws-cur", part1, part2).Close()
	out := filepath.Join(dir, "out.csv")
	mustRun(t, env, "export", "-o", out, "--from", "2026-08-01", "--to", "2026-09-30").Close()
	sums, n := readUnified(t, out)
	// The 21 lines of aws_cur2.csv (September, and one August line of its own
	// partition), $501.9153 in all (TestReadAWSCUR2's figures, added by hand);
	// nothing of the failed command.
	if n != 21 || math.Abs(sums["AWS"]-501.9153) > 1e-6 {
		t.Errorf("exported %d lines, AWS $%v; want 21 and $501.9153", n, sums["AWS"])
	}
}
