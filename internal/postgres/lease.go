package postgres

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// Lease elects one holder among the processes sharing the database: the
// process whose dedicated connection holds a session-level advisory lock. The
// lock lasts as long as that connection, so a holder that dies (or loses the
// database) releases it at once and another process takes it at its next Held.
// It is safe for concurrent use.
type Lease struct {
	cfg  *pgx.ConnConfig
	name string

	mu   sync.Mutex
	conn *pgx.Conn
	held bool
}

// Lease returns the lease called name (one per schema: two deployments sharing
// a database in different schemas elect separately). Nothing is taken until Held.
func (m *Meta) Lease(name string) *Lease {
	return &Lease{cfg: m.cfg.ConnConfig.Copy(), name: name}
}

// Held reports whether this process holds the lease, taking it if it is free.
// A holder checks its connection on every call: if the connection is lost, so
// is the lease, and Held returns false with the error.
func (l *Lease) Held(ctx context.Context) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn == nil {
		conn, err := pgx.ConnectConfig(ctx, l.cfg)
		if err != nil {
			return false, fmt.Errorf("postgres: lease: %w", err)
		}
		l.conn = conn
	}
	if l.held {
		if err := l.conn.Ping(ctx); err != nil {
			l.drop()
			return false, fmt.Errorf("postgres: lease lost: %w", err)
		}
		return true, nil
	}
	err := l.conn.QueryRow(ctx, `SELECT pg_try_advisory_lock(`+leaseKey+`)`, l.name).Scan(&l.held)
	if err != nil {
		l.drop()
		return false, fmt.Errorf("postgres: lease: %w", err)
	}
	return l.held, nil
}

// leaseKey is the advisory lock's key for the lease named $1.
const leaseKey = `hashtext('llmcost.lease.' || current_schema() || '.' || $1)`

// drop closes the connection, releasing the lock if it was held.
func (l *Lease) drop() {
	l.conn.Close(context.Background())
	l.conn, l.held = nil, false
}

// Close gives the lease up: unlocked at once, so that another process may take
// it at its next Held.
func (l *Lease) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn == nil {
		return nil
	}
	var err error
	if l.held {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err = l.conn.Exec(ctx, `SELECT pg_advisory_unlock(`+leaseKey+`)`, l.name)
		cancel()
	}
	l.drop()
	if err != nil {
		return fmt.Errorf("postgres: lease: %w", err)
	}
	return nil
}
