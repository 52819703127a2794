package duckdb

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// writeLock serialises the store's writes of cost lines and publishes a new data
// version each time one ends: Unlock runs after the write's transaction has
// committed (or rolled back), so a reader that sees a version also sees every
// write it counts.
type writeLock struct {
	mu      sync.Mutex
	version atomic.Int64
}

func (w *writeLock) Lock() { w.mu.Lock() }

func (w *writeLock) Unlock() {
	w.version.Add(1)
	w.mu.Unlock()
}

// epoch makes a store's data versions unique across restarts: the counter
// starts again at 0 on every open, the epoch differs.
func newEpoch() string { return strconv.FormatInt(time.Now().UnixNano(), 36) }

// DataVersion returns the store's data version: "<epoch>-<n>", where n counts
// the writes (applies, budget and customer changes) since the store was opened.
// DuckDB has a single writing process, so the store knows every write itself
// and reading the version costs no query.
func (db *DB) DataVersion(ctx context.Context) (string, error) {
	return db.epoch + "-" + strconv.FormatInt(db.applyMu.version.Load(), 10), nil
}

// changed publishes a new data version after a committed write outside Apply.
func (db *DB) changed() { db.applyMu.version.Add(1) }

// NoteDataChange publishes a new data version, for a write of cost data kept in
// another store that uses this one for its metadata.
func (db *DB) NoteDataChange(ctx context.Context) error {
	db.changed()
	return nil
}
