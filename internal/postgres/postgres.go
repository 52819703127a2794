// Package postgres implements cost.MetaStore on PostgreSQL: the metadata
// (budgets, customers, settings, alert rules, state, history and channels) that
// every replica of a scaled-out deployment shares, beside cost data in
// ClickHouse. It also elects the one replica that evaluates alerts (Lease).
package postgres

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/llmcost/llmcost/internal/cost"
)

//go:embed migration/*.sql
var migrations embed.FS

// Meta is a cost.MetaStore in a PostgreSQL database. It is safe for concurrent
// use, by many goroutines and many processes.
type Meta struct {
	pool *pgxpool.Pool
	cfg  *pgxpool.Config
	// Now returns the current time, stamped on records. Defaults to time.Now.
	Now func() time.Time
}

var _ cost.MetaStore = (*Meta)(nil)

// Open connects to the database named by dsn ("postgres://user:pass@host:5432/db";
// a search_path parameter selects a schema, created if missing) and brings its
// schema up to date.
func Open(ctx context.Context, dsn string) (*Meta, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	m := &Meta{pool: pool, cfg: cfg}
	if err := m.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return m, nil
}

// Close closes the connections.
func (m *Meta) Close() error {
	m.pool.Close()
	return nil
}

// migrate applies, in version order and in one transaction, each embedded
// migration not yet recorded in schema_migrations. Replicas starting together
// take turns on an advisory lock.
func (m *Meta) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrations, "migration/*.sql")
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	sort.Strings(names)
	err = pgx.BeginFunc(ctx, m.pool, func(tx pgx.Tx) error {
		if schema := m.cfg.ConnConfig.RuntimeParams["search_path"]; schema != "" {
			if _, err := tx.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+pgx.Identifier{schema}.Sanitize()); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('llmcost.migrate.' || current_schema()))`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		for _, name := range names {
			if err := applyMigration(ctx, tx, name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	return nil
}

// applyMigration runs one migration file unless schema_migrations records it.
func applyMigration(ctx context.Context, tx pgx.Tx, name string) error {
	base := strings.TrimPrefix(name, "migration/")
	v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
	if err != nil {
		return fmt.Errorf("%s: no version number", base)
	}
	var done bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)`, v).Scan(&done); err != nil || done {
		return err
	}
	sql, err := migrations.ReadFile(name)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, string(sql)); err != nil {
		return fmt.Errorf("%s: %w", base, err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO schema_migrations (version) VALUES ($1)`, v)
	return err
}

// now returns the store clock's time, in UTC, to the microsecond PostgreSQL keeps.
func (m *Meta) now() time.Time {
	t := time.Now()
	if m.Now != nil {
		t = m.Now()
	}
	return t.UTC().Truncate(time.Microsecond)
}

// changed runs fn and moves the data version on, in one transaction.
func (m *Meta) changed(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, m.pool, func(tx pgx.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE data_version SET version = version + 1`)
		return err
	})
}

// DataVersion returns the shared data version: one indexed read.
func (m *Meta) DataVersion(ctx context.Context) (string, error) {
	var epoch string
	var v int64
	if err := m.pool.QueryRow(ctx, `SELECT epoch, version FROM data_version`).Scan(&epoch, &v); err != nil {
		return "", fmt.Errorf("postgres: data version: %w", err)
	}
	return epoch + "-" + strconv.FormatInt(v, 10), nil
}

// NoteDataChange moves the shared data version on.
func (m *Meta) NoteDataChange(ctx context.Context) error {
	if _, err := m.pool.Exec(ctx, `UPDATE data_version SET version = version + 1`); err != nil {
		return fmt.Errorf("postgres: note data change: %w", err)
	}
	return nil
}

// newID returns a random 16-hex-digit id.
func newID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
