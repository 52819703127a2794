// Package clickhouse implements cost.Store on a ClickHouse server or cluster, for
// teams whose cost data outgrows one machine. Cost lines and event ids live in
// ClickHouse (MergeTree tables partitioned by month; in cluster mode, local tables
// on every shard behind Distributed tables sharded by customer); budgets,
// settings, alert rules and customers are delegated to a metadata store (an
// embedded DuckDB, or PostgreSQL shared by every replica).
//
// Restatements are atomic from a reader's point of view: every Apply writes its
// lines under a new version number, then publishes the versions of the
// partitions it replaced in one single-block insert into part_versions. Readers
// only see, for each partition, the lines of its newest published version.
//
// The SQL sticks to what ClickHouse 18.16 (Debian's package) understands.
package clickhouse

import (
	"context"
	"fmt"
	"strings"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/sqlbuild"
)

// Config says where and how to store cost data.
type Config struct {
	// DSN is the server address, e.g. "clickhouse://user:pass@host:9000/llmcost"
	// (the path names the database, created if missing; default "llmcost").
	// The native protocol is used whatever the scheme.
	DSN string
	// Cluster, when set, names a cluster of the server's remote_servers: tables are
	// created on every host of the cluster and queries go to Distributed tables.
	Cluster string
	// Meta keeps budgets, settings, alert rules and state, and customers: the
	// records that suit a transactional store, not ClickHouse's appends. Required.
	Meta cost.MetaStore
	// MetaVersion says that every process writing to this database notes its
	// applies in Meta (NoteDataChange), as replicas sharing a PostgreSQL
	// metadata store do: DataVersion then reads Meta's version alone, never a
	// ClickHouse table, and moves at once with any replica's apply.
	MetaVersion bool
}

// Store is a ClickHouse-backed cost.Store. It is safe for concurrent use;
// writes (Apply) are serialised within the process.
type Store struct {
	conn    driver.Conn
	opts    *ch.Options
	db      string
	cluster string
	// MetaStore answers the metadata methods (budgets, settings, alerts,
	// customers); DataVersion and Close are the Store's own.
	cost.MetaStore
	dialect sqlbuild.Dialect
	// metaVersion: DataVersion is Meta's alone (Config.MetaVersion).
	metaVersion bool
	// Now returns the current time, stamped on ingested lines. Defaults to time.Now.
	Now func() time.Time

	// applyMu serialises applies; releasing it makes DataVersion re-read.
	applyMu     writeLock
	lastVersion uint64
	published   publishedCache
}

var _ cost.Store = (*Store)(nil)

// Open connects to the server, creates the database and brings its schema up to
// date. Closing the store also closes c.Meta.
func Open(ctx context.Context, c Config) (*Store, error) {
	if c.Meta == nil {
		return nil, fmt.Errorf("clickhouse: open: no metadata store")
	}
	opts, err := ch.ParseDSN(normalizeDSN(c.DSN))
	if err != nil {
		return nil, fmt.Errorf("clickhouse: open: %w", err)
	}
	db := opts.Auth.Database
	if db == "" || db == "default" {
		db = "llmcost"
	}
	if !validName(db) || c.Cluster != "" && !validName(c.Cluster) {
		return nil, fmt.Errorf("clickhouse: open: database and cluster names must be letters, digits and underscores")
	}
	opts.Protocol = ch.Native
	if c.Cluster != "" {
		if opts.Settings == nil {
			opts.Settings = ch.Settings{}
		}
		opts.Settings["insert_distributed_sync"] = 1
	}
	if err := createDatabase(ctx, *opts, db); err != nil {
		return nil, err
	}
	opts.Auth.Database = db
	conn, err := ch.Open(opts)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: open: %w", err)
	}
	s := &Store{conn: conn, opts: opts, db: db, cluster: c.Cluster, MetaStore: c.Meta, Now: time.Now,
		metaVersion: c.MetaVersion}
	s.dialect = sqlbuild.ClickHouse
	s.dialect.Where = visible
	if err := s.migrate(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	if err := conn.QueryRow(ctx, `SELECT max(version) FROM cost_lines`).Scan(&s.lastVersion); err != nil {
		conn.Close()
		return nil, fmt.Errorf("clickhouse: open: %w", err)
	}
	if err := s.dropStaleStaging(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("clickhouse: open: %w", err)
	}
	return s, nil
}

// normalizeDSN accepts tcp:// and bare host:port addresses as well as clickhouse://.
func normalizeDSN(dsn string) string {
	if rest, ok := strings.CutPrefix(dsn, "tcp://"); ok {
		return "clickhouse://" + rest
	}
	if !strings.Contains(dsn, "://") {
		return "clickhouse://" + dsn
	}
	return dsn
}

// validName reports whether s is a safe unquoted identifier.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// createDatabase creates db on the server opts points at.
func createDatabase(ctx context.Context, opts ch.Options, db string) error {
	opts.Auth.Database = ""
	conn, err := ch.Open(&opts)
	if err != nil {
		return fmt.Errorf("clickhouse: open: %w", err)
	}
	defer conn.Close()
	if err := conn.Exec(ctx, "CREATE DATABASE IF NOT EXISTS "+db); err != nil {
		return fmt.Errorf("clickhouse: create database: %w", err)
	}
	return nil
}

// Database returns the name of the store's database.
func (s *Store) Database() string { return s.db }

// Conn returns the underlying connection, for benchmarks and tests.
func (s *Store) Conn() driver.Conn { return s.conn }

// Close closes the connection and the metadata store.
func (s *Store) Close() error {
	err1 := s.conn.Close()
	err2 := s.MetaStore.Close()
	if err1 != nil {
		return fmt.Errorf("clickhouse: close: %w", err1)
	}
	return err2
}

// now returns the store clock's time, in UTC.
func (s *Store) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

// nextVersion returns a version number greater than any used before.
func (s *Store) nextVersion() uint64 {
	v := uint64(s.now().UnixNano())
	if v <= s.lastVersion {
		v = s.lastVersion + 1
	}
	s.lastVersion = v
	return v
}

// Ping checks that the ClickHouse server answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.conn.Ping(ctx); err != nil {
		return fmt.Errorf("clickhouse: ping: %w", err)
	}
	return nil
}
