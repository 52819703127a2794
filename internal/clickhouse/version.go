package clickhouse

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// versionTTL is how long DataVersion trusts the published version it last read
// from ClickHouse. Writes of this process are seen at once; writes of other
// replicas sharing the server within this time.
const versionTTL = time.Second

// writeLock serialises this process's applies; Unlock (after the apply has
// published or failed) makes the next DataVersion read the published version
// again.
type writeLock struct {
	mu    sync.Mutex
	stale atomic.Bool
}

func (w *writeLock) Lock() { w.mu.Lock() }

func (w *writeLock) Unlock() {
	w.stale.Store(true)
	w.mu.Unlock()
}

// publishedCache caches the newest version in part_versions.
type publishedCache struct {
	mu      sync.Mutex
	version uint64
	readAt  time.Time
}

// DataVersion returns "<published>-<meta>": the newest published line version
// (read from part_versions at most once a second, and at once after this
// process's own applies) and the metadata store's version (budgets, customers,
// and every Apply's NoteDataChange). With a metadata store shared by replicas,
// the second part moves as soon as any replica's Apply has published; with
// Config.MetaVersion it is the whole version, so no replica keeps serving an
// answer cached before another's apply.
func (s *Store) DataVersion(ctx context.Context) (string, error) {
	if s.metaVersion {
		meta, err := s.MetaStore.DataVersion(ctx)
		return "m-" + meta, err
	}
	v, err := s.publishedVersion(ctx)
	if err != nil {
		return "", err
	}
	meta, err := s.MetaStore.DataVersion(ctx)
	if err != nil {
		return "", err
	}
	return strconv.FormatUint(v, 36) + "-" + meta, nil
}

func (s *Store) publishedVersion(ctx context.Context) (uint64, error) {
	p := &s.published
	p.mu.Lock()
	defer p.mu.Unlock()
	stale := s.applyMu.stale.Swap(false)
	if !stale && !p.readAt.IsZero() && time.Since(p.readAt) < versionTTL {
		return p.version, nil
	}
	var v uint64
	if err := s.conn.QueryRow(ctx, `SELECT max(version) FROM part_versions`).Scan(&v); err != nil {
		if stale {
			s.applyMu.stale.Store(true)
		}
		return 0, fmt.Errorf("clickhouse: data version: %w", err)
	}
	p.version, p.readAt = v, time.Now()
	return v, nil
}
