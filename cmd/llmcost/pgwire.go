package main

import (
	"fmt"
	"net"

	"github.com/llmcost/llmcost/internal/auth"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/pgwire"
)

// startPG serves the PostgreSQL wire endpoint on Config.PGAddr when it is set.
func (m *Main) startPG(db *duckdb.DB, keys *auth.Keyring) error {
	if m.Config.PGAddr == "" {
		return nil
	}
	if m.Costs != nil {
		return fmt.Errorf("--pg-addr serves the DuckDB store only; with ClickHouse, point Grafana at ClickHouse")
	}
	srv, err := pgwire.New(pgwire.Config{DB: db.SQL(), Auth: keys, Logger: m.Logger, Now: m.Config.Clock()})
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", m.Config.PGAddr)
	if err != nil {
		return fmt.Errorf("--pg-addr: %w", err)
	}
	go func() {
		if err := srv.Serve(l); err != nil {
			m.Logger.Info("PostgreSQL endpoint stopped", "err", err)
		}
	}()
	m.onClose(srv.Close)
	fmt.Fprintf(m.Stdout, "PostgreSQL endpoint on %s (user admin or a customer id; password a token)\n", l.Addr())
	return nil
}
