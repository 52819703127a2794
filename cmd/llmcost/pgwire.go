package main

import (
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/auth"
	"github.com/llmcost/llmcost/internal/cost"
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
	srv, err := pgwire.New(pgwire.Config{DB: db.SQL(), Auth: keys, Logger: m.Logger, Now: m.Config.Clock(),
		QueryTimeout: m.Config.PG.QueryTimeout, QueryMemory: m.Config.PG.QueryMemory})
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

// PGLimits bound the PostgreSQL endpoint's queries; zero values take the
// endpoint's defaults.
type PGLimits struct {
	QueryTimeout time.Duration
	QueryMemory  string
}

func (l *PGLimits) readEnv(getenv func(string) string) error {
	if v := strings.TrimSpace(getenv("LLMCOST_PG_QUERY_TIMEOUT")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return cost.FieldErrorf("LLMCOST_PG_QUERY_TIMEOUT", "LLMCOST_PG_QUERY_TIMEOUT=%q is not a positive duration such as 30s.", v)
		}
		l.QueryTimeout = d
	}
	l.QueryMemory = strings.TrimSpace(getenv("LLMCOST_PG_QUERY_MEMORY"))
	return nil
}
