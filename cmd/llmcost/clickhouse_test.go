package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	ch "github.com/ClickHouse/clickhouse-go/v2"
)

// TestIngestExport_ClickHouse ingests and exports through --store clickhouse://…;
// it needs LLMCOST_TEST_CLICKHOUSE (and fails without it under CI).
func TestIngestExport_ClickHouse(t *testing.T) {
	addr := os.Getenv("LLMCOST_TEST_CLICKHOUSE")
	if addr == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("LLMCOST_TEST_CLICKHOUSE is not set; CI must run the ClickHouse tests")
		}
		t.Skip("LLMCOST_TEST_CLICKHOUSE is not set")
	}
	host := addr[strings.Index(addr, "://")+3:]
	var b [6]byte
	rand.Read(b[:])
	db := "test_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		conn, err := ch.Open(&ch.Options{Addr: []string{host}})
		if err == nil {
			conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+db)
			conn.Close()
		}
	})

	dir := t.TempDir()
	fx := newFixture()
	file := filepath.Join(dir, "nov.csv")
	if err := os.WriteFile(file, []byte(fx.csv), 0o600); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	env := map[string]string{"LLMCOST_DATA": data, "LLMCOST_NOW": "2026-11-29", "LLMCOST_LOG_LEVEL": "warn",
		"LLMCOST_STORE": "clickhouse://" + host + "/" + db}
	mustRun(t, env, "ingest", "--format", "unified", file).Close()
	out := filepath.Join(dir, "out.csv")
	mustRun(t, env, "export", "-o", out).Close()
	byProvider, rows := readUnified(t, out)
	if rows != fx.rows {
		t.Errorf("exported %d rows, want %d", rows, fx.rows)
	}
	assertSums(t, "export by provider", byProvider, fx.byProvider)
	if _, err := os.Stat(filepath.Join(data, MetaFile)); err != nil {
		t.Errorf("no metadata file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(data, StoreFile)); err == nil {
		t.Errorf("%s exists, but cost data should be in ClickHouse", StoreFile)
	}
}
