package duckdb

import (
	"context"
	"database/sql"
	"sync"
)

// maxStmts bounds the statements a store keeps prepared.
const maxStmts = 256

// stmtCache keeps the statements the store prepares for its queries, by
// their text: the query layer's SQL comes from a few dozen shapes with every
// value bound, so a panel's statement is parsed and planned once per
// connection rather than once per request (about half a millisecond of CPU
// each, a tenth of a month's total over 36.5M lines). The oldest goes first;
// database/sql closes it once queries still using it are done.
type stmtCache struct {
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
	order []string
}

// get returns query prepared on db.
func (c *stmtCache) get(ctx context.Context, db *sql.DB, query string) (*sql.Stmt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.stmts[query]; ok {
		return s, nil
	}
	s, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if c.stmts == nil {
		c.stmts = map[string]*sql.Stmt{}
	}
	c.stmts[query] = s
	c.order = append(c.order, query)
	if len(c.order) > maxStmts {
		old := c.order[0]
		c.order = c.order[1:]
		c.stmts[old].Close()
		delete(c.stmts, old)
	}
	return s, nil
}

// close closes every kept statement.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.stmts {
		s.Close()
	}
	c.stmts, c.order = nil, nil
}

// query runs a read of the query layer, prepared once (stmtCache), on the
// database or, when tx is set, in that transaction.
func (db *DB) query(ctx context.Context, tx *sql.Tx, query string, args []any) (*sql.Rows, error) {
	s, err := db.stmts.get(ctx, db.db, query)
	if err != nil {
		return nil, err
	}
	if tx != nil {
		s = tx.StmtContext(ctx, s)
	}
	return s.QueryContext(ctx, args...)
}
