package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/alert"
	"github.com/llmcost/llmcost/internal/auth"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/postgres"
)

// usesPostgres reports whether metadata lives in a PostgreSQL database shared
// by replicas.
func (m *Main) usesPostgres() bool { return m.Config.Meta != "" && m.Config.Meta != "duckdb" }

// openMeta returns the metadata store beside a ClickHouse store: PostgreSQL
// when --meta names one (opened once, closed on Close), otherwise the DuckDB
// file in the data directory.
func (m *Main) openMeta(ctx context.Context, db *duckdb.DB) (cost.MetaStore, error) {
	if !m.usesPostgres() {
		return sharedMeta{db}, nil
	}
	if m.Meta == nil {
		pg, err := postgres.Open(ctx, m.Config.Meta)
		if err != nil {
			return nil, fmt.Errorf("cannot open the PostgreSQL metadata store %s: %w", redactDSN(m.Config.Meta), err)
		}
		pg.Now = m.Config.Clock()
		m.Meta = pg
		m.onClose(func() error { m.Meta = nil; return pg.Close() })
	}
	return sharedPG{m.Meta}, nil
}

// sharedPG lends the PostgreSQL store to the ClickHouse store, which would
// otherwise close it; Main closes it.
type sharedPG struct{ *postgres.Meta }

// Close leaves the PostgreSQL store open.
func (sharedPG) Close() error { return nil }

// sharedSecrets returns where the keyring keeps its secrets when replicas
// share them: the PostgreSQL metadata store, or nil (the data directory).
func (m *Main) sharedSecrets() auth.Secrets {
	if m.Meta == nil {
		return nil
	}
	return m.Meta
}

// alertLease returns the lease that elects the one replica evaluating alerts,
// or nil when metadata is not shared. It is given up on Close.
func (m *Main) alertLease() alert.Lease {
	if m.Meta == nil {
		return nil
	}
	l := m.Meta.Lease("alerts")
	m.onClose(l.Close)
	return l
}

// replicaName names this server in the alert history: host and process id.
func replicaName() string {
	host, err := os.Hostname()
	if err != nil {
		host = "llmcost"
	}
	return host + ":" + strconv.Itoa(os.Getpid())
}

// redactDSN hides a DSN's password, for messages and logs.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		// It may still hold a password; name only its scheme.
		scheme, _, _ := strings.Cut(dsn, "://")
		return scheme + "://(unparseable)"
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// metaTimeout bounds opening the metadata store.
const metaTimeout = time.Minute
