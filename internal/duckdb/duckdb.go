// Package duckdb implements cost.Store on an embedded DuckDB database: cost lines,
// deduplicated events, budgets, settings, alert rules and customers, with the
// schema kept by embedded, versioned migrations.
package duckdb

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // Registers the "duckdb" driver.

	"github.com/llmcost/llmcost/internal/cost"
)

//go:embed migration/*.sql
var migrationFS embed.FS

// DB is a DuckDB-backed cost.Store. It is safe for concurrent use: reads run in
// parallel, and writes (Apply) are serialised.
type DB struct {
	db *sql.DB
	// Now returns the current time, stamped on ingested lines and saved records.
	// Defaults to time.Now.
	Now func() time.Time

	// applyMu serialises applies; releasing it publishes a new data version.
	applyMu writeLock
	epoch   string
	// spoolDir is where files are copied for DuckDB's readers.
	spoolDir  string
	ownSpool  bool // spoolDir was made by OpenWith and goes with Close
	spoolOnce sync.Once
	// stmts keeps the query layer's statements prepared.
	stmts stmtCache
	// focusKeyJoin has LoadFOCUS join lines to their combinations on the
	// keys even when the keys' hashes are distinct, as it does when two
	// collide (set by tests).
	focusKeyJoin bool
}

var _ cost.Store = (*DB)(nil)

// Options tune the embedded database.
type Options struct {
	// MemoryLimit caps DuckDB's buffer pool, e.g. "2GB" (DuckDB's own default is
	// 80% of the machine's memory). Staged ingests and large queries spill to
	// disk beyond it, so it bounds the process's memory whatever the file size.
	MemoryLimit string
	// TempDirectory is where DuckDB spills (DuckDB's default when empty).
	TempDirectory string
	// AllowedDirectories are the only directories SQL on this database may read
	// or write files in (DuckDB's allowed_directories); none when empty. Every
	// other file, URL and extension download is refused whatever the SQL.
	AllowedDirectories []string
}

// Open opens (creating if needed) the DuckDB database at path and brings its schema
// up to date. An empty path opens a private in-memory database.
func Open(path string) (*DB, error) { return OpenWith(path, Options{}) }

// OpenWith is Open with options. A memory limit DuckDB does not accept is a
// CodeInvalid error.
//
// The database is locked down before any other statement runs: no file or
// network access outside o.AllowedDirectories, no extension installed or loaded
// on demand, and a locked configuration, so no SQL that reaches it can change
// these settings.
func OpenWith(path string, o Options) (*DB, error) {
	dsn := path + "?" + startupConfig(o).Encode()
	sqldb, err := sql.Open("duckdb", dsn)
	if err != nil {
		return nil, openError(path, o, err)
	}
	// A dashboard asks a few panels at once: their connections stay open,
	// with the statements prepared on them (stmtCache), rather than all but
	// database/sql's default two being closed after each load.
	sqldb.SetMaxIdleConns(maxIdleConns)
	db := &DB{db: sqldb, Now: time.Now, spoolDir: o.TempDirectory, epoch: newEpoch()}
	if db.spoolDir == "" {
		// A store without a temp directory (in memory, in tests) spools the
		// files DuckDB reads in a private directory of its own.
		if db.spoolDir, err = os.MkdirTemp("", "llmcost-spool-"); err != nil {
			sqldb.Close()
			return nil, fmt.Errorf("duckdb: spool: %w", err)
		}
		db.ownSpool = true
	}
	if err := lockDown(sqldb, withSpool(o.AllowedDirectories, db.spoolDir)); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.migrate(context.Background()); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// openError explains why DuckDB could not open the database: a memory limit
// it does not accept (CodeInvalid), or a file another process holds
// (CodeConflict: DuckDB lets one process at a time open a database file).
func openError(path string, o Options, err error) error {
	msg := err.Error()
	switch {
	case o.MemoryLimit != "" && strings.Contains(msg, "memory_limit"):
		return cost.Errorf(cost.CodeInvalid, "DuckDB memory limit %q: %v", o.MemoryLimit, err)
	case strings.Contains(msg, "Could not set lock on file"):
		holder := "another process"
		if _, after, ok := strings.Cut(msg, "Conflicting lock is held in "); ok {
			holder, _, _ = strings.Cut(after, ". ")
		}
		return cost.Errorf(cost.CodeConflict, "The store %s is in use by %s: one process at a time may open it.", path, holder)
	}
	return fmt.Errorf("duckdb: open: %w", err)
}

// withSpool returns dirs with the spool directory, where DuckDB reads the
// files it ingests, added when none of dirs holds it.
func withSpool(dirs []string, spool string) []string {
	spool = filepath.Clean(spool) + string(filepath.Separator)
	for _, d := range dirs {
		if strings.HasPrefix(spool, filepath.Clean(d)+string(filepath.Separator)) {
			return dirs
		}
	}
	return append(slices.Clone(dirs), spool)
}

// maxIdleConns is how many connections the store keeps open between queries.
const maxIdleConns = 16

// startupConfig is the configuration DuckDB takes when it opens the database.
func startupConfig(o Options) url.Values {
	v := url.Values{
		"autoinstall_known_extensions": {"false"},
		"autoload_known_extensions":    {"false"},
	}
	if o.MemoryLimit != "" {
		v.Set("memory_limit", o.MemoryLimit)
	}
	if o.TempDirectory != "" {
		v.Set("temp_directory", o.TempDirectory)
	}
	return v
}

// lockDown turns off file access outside dirs and locks the configuration.
// The settings are global: they hold on every connection of the pool.
// allowed_directories cannot be given at open (DuckDB refuses list values
// there), so all three are set here, in the order DuckDB requires.
func lockDown(db *sql.DB, dirs []string) error {
	stmts := []string{}
	if len(dirs) > 0 {
		quoted := make([]string, len(dirs))
		for i, d := range dirs {
			quoted[i] = "'" + strings.ReplaceAll(d, "'", "''") + "'"
		}
		stmts = append(stmts, "SET allowed_directories = ["+strings.Join(quoted, ", ")+"]")
	}
	stmts = append(stmts, "SET enable_external_access = false", "SET lock_configuration = true")
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			return fmt.Errorf("duckdb: lock down: %w", err)
		}
	}
	return nil
}

// SQL returns the underlying handle, for benchmarks and tests that compare
// hand-written SQL with the store's answers.
func (db *DB) SQL() *sql.DB { return db.db }

// Close closes the database.
func (db *DB) Close() error {
	if db.ownSpool {
		defer os.RemoveAll(db.spoolDir)
	}
	db.stmts.close()
	if err := db.db.Close(); err != nil {
		return fmt.Errorf("duckdb: close: %w", err)
	}
	return nil
}

// now returns the store clock's time, in UTC.
func (db *DB) now() time.Time {
	if db.Now == nil {
		return time.Now().UTC()
	}
	return db.Now().UTC()
}

// migrate applies, in version order, each embedded migration not yet recorded in
// schema_migrations; each runs in its own transaction.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)`); err != nil {
		return fmt.Errorf("duckdb: migrate: %w", err)
	}
	names, err := fs.Glob(migrationFS, "migration/*.sql")
	if err != nil {
		return fmt.Errorf("duckdb: migrate: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := db.migrateFile(ctx, name); err != nil {
			return fmt.Errorf("duckdb: migrate %s: %w", name, err)
		}
	}
	return nil
}

// migrateFile applies one migration unless its version is already recorded.
func (db *DB) migrateFile(ctx context.Context, name string) error {
	base := strings.TrimPrefix(name, "migration/")
	version, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
	if err != nil {
		return fmt.Errorf("migration name must start with a version number")
	}
	var n int
	if err := db.db.QueryRowContext(ctx,
		`SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
		return err
	} else if n > 0 {
		return nil
	}
	body, err := migrationFS.ReadFile(name)
	if err != nil {
		return err
	}
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		version, base, db.now()); err != nil {
		return err
	}
	return tx.Commit()
}

// Ping runs a trivial query: it fails once the database needs reopening (after
// a fatal engine error), which a plain connection ping does not notice.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.db.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("duckdb: ping: %w", err)
	}
	return nil
}
