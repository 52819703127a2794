package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/llmcost/llmcost/internal/clickhouse"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
)

// MetaFile is the DuckDB file that keeps budgets, settings, alert rules and
// customers when cost data lives in ClickHouse.
const MetaFile = "meta.duckdb"

// usesClickHouse reports whether the configured store is a ClickHouse server.
func (m *Main) usesClickHouse() bool { return strings.HasPrefix(m.Config.Store, "clickhouse://") }

// storeFile is the DuckDB file in the data directory: the whole store, or only
// the metadata beside ClickHouse.
func (m *Main) storeFile() string {
	if m.usesClickHouse() {
		return MetaFile
	}
	return StoreFile
}

// openClickHouse opens the ClickHouse store over the metadata in db, or in
// PostgreSQL when --meta names it, when --store names a ClickHouse server;
// costStore returns it from then on.
func (m *Main) openClickHouse(db *duckdb.DB) error {
	if !m.usesClickHouse() || m.Costs != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), metaTimeout)
	defer cancel()
	meta, err := m.openMeta(ctx, db)
	if err != nil {
		return err
	}
	s, err := clickhouse.Open(ctx, clickhouse.Config{DSN: m.Config.Store, Cluster: m.Config.ClickHouseCluster,
		Meta: meta, MetaVersion: m.usesPostgres()})
	if err != nil {
		return fmt.Errorf("cannot open the ClickHouse store: %w", err)
	}
	s.Now = m.Config.Clock()
	m.Costs = s
	m.onClose(func() error { m.Costs = nil; return s.Close() })
	return nil
}

// costStore returns the store that holds cost data: ClickHouse when configured,
// otherwise db.
func (m *Main) costStore(db *duckdb.DB) cost.Store {
	if m.Costs != nil {
		return m.Costs
	}
	return db
}

// sharedMeta lends the DuckDB store to the ClickHouse store without handing over
// its closing, which openStore already arranged.
type sharedMeta struct{ *duckdb.DB }

// Close leaves the DuckDB store open.
func (sharedMeta) Close() error { return nil }
