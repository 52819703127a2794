package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmcost/llmcost/internal/duckdb"
)

const badHeader = "date,cloud_provider,service,model,token_type,cost_usd,usage_amount,customer_id\n"

// goodBody is a valid unified file whose lines a bad file must leave alone.
const goodBody = badHeader +
	"2026-11-01,AWS,Amazon Bedrock,claude-3-5-sonnet,input,1.5,1000,cust_acme\n" +
	"2026-11-02,GCP,Vertex AI,gemini-1.5-pro,output,2.25,500,cust_beta\n"

// badInputs are files ingest must refuse, each with what its error must say.
func badInputs(t *testing.T) []struct {
	name string
	body []byte
	want []string
} {
	line := func(cost string) []byte {
		return []byte(badHeader + "2026-11-01,AWS,Amazon Bedrock,claude-3-5-sonnet,input,1,1000,cust_acme\n" +
			"2026-11-03,AWS,Amazon Bedrock,claude-3-5-sonnet,input," + cost + ",1000,cust_acme\n")
	}
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	zw.Write([]byte(badHeader))
	row := []byte("2026-11-01,AWS,Amazon Bedrock,claude-3-5-sonnet,input,1,1000,cust_acme\n")
	for n := 0; n < 80<<20; n += len(row) {
		zw.Write(row)
	}
	zw.Close()
	return []struct {
		name string
		body []byte
		want []string
	}{
		{"line over 1 MiB", []byte(badHeader + "2026-11-01,AWS," + strings.Repeat("x", 2<<20) + ",m,input,1,1,c\n"),
			[]string{"bad.csv: line 2", "longer than 1048576 bytes"}},
		{"quoted value over 1 MiB", []byte(badHeader + "2026-11-01,AWS,\"" + strings.Repeat("x\n", 1<<20) + "\",m,input,1,1,c\n"),
			[]string{"bad.csv: line", "longer than 1048576 bytes"}},
		{"gzip that expands too far", bomb.Bytes(), []string{"bad.csv", "decompression bomb"}},
		{"duplicated header column", []byte(strings.TrimSuffix(badHeader, "\n") + ",cost_usd\n" +
			"2026-11-01,AWS,Amazon Bedrock,claude-3-5-sonnet,input,1,1000,cust_acme,2\n"),
			[]string{"bad.csv: line 1", `column "cost_usd"`, "appears twice"}},
		{"underscore in a number", line("1_000"), []string{"bad.csv: line 3", `column "cost_usd"`, `"1_000" is not a number`}},
		{"absurd cost", line("1e308"), []string{"bad.csv: line 3", `column "cost_usd"`, "cannot be right"}},
		{"infinite cost", line("inf"), []string{"bad.csv: line 3", `column "cost_usd"`, "not a finite number"}},
		{"NaN cost", line("nan"), []string{"bad.csv: line 3", `column "cost_usd"`, "not a finite number"}},
		{"non-UTF-8 bytes", []byte(badHeader + "2026-11-01,AWS,Amazon \xff\xfe Bedrock,claude-3-5-sonnet,input,1,1000,c\n"),
			[]string{"bad.csv: line 2", `column "service"`, "not valid UTF-8"}},
	}
}

// storeState returns the store's line count and total, read from its file.
func storeState(t *testing.T, db *duckdb.DB) string {
	t.Helper()
	var n int
	var sum float64
	if err := db.SQL().QueryRow(`SELECT count(*), coalesce(sum(cost_usd), 0) FROM cost_lines`).Scan(&n, &sum); err != nil {
		t.Fatal(err)
	}
	var parts int
	if err := db.SQL().QueryRow(`SELECT count(*) FROM partitions`).Scan(&parts); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%d lines, $%.6f, %d partitions", n, sum, parts)
}

func TestIngest_BadInputRefusedByCLI(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	good := filepath.Join(dir, "good.csv")
	if err := os.WriteFile(good, []byte(goodBody), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"LLMCOST_DATA": data, "LLMCOST_LOG_LEVEL": "warn", "LLMCOST_NOW": "2026-11-29"}
	m := mustRun(t, env, "ingest", "--format", "unified", good)
	want := storeState(t, m.Store)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	for _, tt := range badInputs(t) {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(dir, "bad.csv")
			if err := os.WriteFile(file, tt.body, 0o600); err != nil {
				t.Fatal(err)
			}
			m := newTestMain(env)
			defer m.Close()
			if err := m.ParseFlags(t.Context(), []string{"ingest", "--format", "unified", file}); err != nil {
				t.Fatal(err)
			}
			err := m.Run(t.Context())
			if err == nil {
				t.Fatal("ingest of a bad file succeeded")
			}
			msg := userMessage(err)
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not say %q", msg, w)
				}
			}
			if got := storeState(t, m.Store); got != want {
				t.Errorf("store after the bad file: %s, want %s as before", got, want)
			}
		})
	}
}

func TestIngest_BadInputRefusedByServer(t *testing.T) {
	env := map[string]string{"LLMCOST_NOW": "2026-11-29", "LLMCOST_ADMIN_TOKEN": testAdminToken, "LLMCOST_LOG_LEVEL": "warn"}
	m := mustRun(t, env, "serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0")
	admin := client{t, m.Server.URL(), testAdminToken}
	admin.must(200, "POST", "/api/v1/ingest?format=unified&name=good.csv", goodBody, nil)
	want := storeState(t, m.Store)
	for _, tt := range badInputs(t) {
		t.Run(tt.name, func(t *testing.T) {
			status, e := admin.do("POST", "/api/v1/ingest?format=unified&name=bad.csv", string(tt.body), nil)
			if status != 400 {
				t.Errorf("status %d (%+v), want 400", status, e.Error)
			}
			for _, w := range tt.want {
				if !strings.Contains(e.Error.Message, w) {
					t.Errorf("error %q does not say %q", e.Error.Message, w)
				}
			}
			if got := storeState(t, m.Store); got != want {
				t.Errorf("store after the bad file: %s, want %s as before", got, want)
			}
			admin.must(200, "GET", "/api/v1/me", nil, nil) // The server is still up.
		})
	}
}
