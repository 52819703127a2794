package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/ingest"
)

// openExistingStore opens the store like openStore, but for commands that only
// read (ask, export, alerts, allocate, grafana export --data, mcp) it refuses
// to create a data directory or an empty store unless --init was given.
func (m *Main) openExistingStore() (*duckdb.DB, error) {
	if m.Store == nil && !m.initStore {
		path := filepath.Join(m.Config.DataDir, m.storeFile())
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, m.noStoreError(path)
		}
	}
	return m.openStore()
}

// noStoreError says where the store was looked for, why there, and what to do.
func (m *Main) noStoreError(path string) error {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	from := "the default; choose another with --data or LLMCOST_DATA"
	if m.dataFrom != "" {
		from = "from " + m.dataFrom
	}
	dir := shellQuote(m.Config.DataDir)
	msg := fmt.Sprintf("No llmcost store at %s (data directory %s, %s).\n"+
		"  Load data first:     %s ingest --data %s --format FORMAT FILE...\n",
		path, m.Config.DataDir, from, m.Program, dir)
	if m.Command == "ask" || m.Command == "alerts" {
		msg += fmt.Sprintf("  Or ask a server:     %s %s --server URL --token TOKEN ...\n", m.Program, m.Command)
	}
	if m.Command != "grafana" && m.Command != "mcp" { // The commands without --init.
		msg += fmt.Sprintf("  Or start empty with: %s %s --init --data %s ...", m.Program, m.Command, dir)
	}
	return cost.Errorf(cost.CodeNotFound, "%s", strings.TrimSuffix(msg, "\n"))
}

// noDataHint says that the store holds no cost data and how to load some.
func (m *Main) noDataHint() string {
	dir := shellQuote(m.Config.DataDir)
	return fmt.Sprintf("There is no cost data in %s yet. Load some with\n"+
		"  %s ingest --data %s --format FORMAT FILE...   (formats: %s)\n"+
		"  %s sync --data %s --sources sources.json      (exports from S3, GCS, Azure Blob)\n"+
		"or try generated data with \"%s demo\".",
		m.Config.DataDir, m.Program, dir, strings.Join(ingest.Formats, ", "), m.Program, dir, m.Program)
}

// storeIsEmpty reports whether the store holds no cost lines.
func storeIsEmpty(ctx context.Context, s cost.Store) (bool, error) {
	first, _, err := dataRange(ctx, s, nil)
	return first.IsZero(), err
}

// shellQuote quotes s for a POSIX shell when it needs quoting.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@%+,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
