package duckdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/llmcost/llmcost/internal/cost"
)

// Ensure DB implements cost.AlertStore.
var _ cost.AlertStore = (*DB)(nil)

// AlertStates lists the states of one rule ("" = every rule), ordered by rule and key.
func (db *DB) AlertStates(ctx context.Context, ruleID string) ([]cost.AlertState, error) {
	where, args := "", []any{}
	if ruleID != "" {
		where, args = `WHERE rule_id = ?`, []any{ruleID}
	}
	out := []cost.AlertState{}
	err := db.jsonRows(ctx, `SELECT body FROM alert_states `+where+` ORDER BY rule_id, key`, args, func(b []byte) error {
		var s cost.AlertState
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		out = append(out, s)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("duckdb: alert states: %w", err)
	}
	return out, nil
}

// SaveAlertState creates or replaces the state of (RuleID, Key).
func (db *DB) SaveAlertState(ctx context.Context, s *cost.AlertState) error {
	if err := db.saveAlertState(ctx, db.db, s); err != nil {
		return fmt.Errorf("duckdb: save alert state: %w", err)
	}
	return nil
}

// SaveAlertTransition saves a state and the event it caused in one transaction.
func (db *DB) SaveAlertTransition(ctx context.Context, s *cost.AlertState, e *cost.AlertEvent) error {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("duckdb: save alert transition: %w", err)
	}
	defer tx.Rollback()
	if err := db.saveAlertState(ctx, tx, s); err != nil {
		return fmt.Errorf("duckdb: save alert transition: %w", err)
	}
	if err := db.saveAlertEvent(ctx, tx, e); err != nil {
		return fmt.Errorf("duckdb: save alert transition: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("duckdb: save alert transition: %w", err)
	}
	return nil
}

// execer runs a statement on the database or in a transaction.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func (db *DB) saveAlertState(ctx context.Context, ex execer, s *cost.AlertState) error {
	s.UpdatedAt = db.now()
	body, err := json.Marshal(s)
	if err != nil {
		return err
	}
	_, err = ex.ExecContext(ctx, `INSERT OR REPLACE INTO alert_states (rule_id, key, body, updated_at)
		VALUES (?, ?, ?, ?)`, s.RuleID, s.Key, string(body), s.UpdatedAt)
	return err
}

// DeleteAlertStates removes every state of a rule.
func (db *DB) DeleteAlertStates(ctx context.Context, ruleID string) error {
	if _, err := db.db.ExecContext(ctx, `DELETE FROM alert_states WHERE rule_id = ?`, ruleID); err != nil {
		return fmt.Errorf("duckdb: delete alert states: %w", err)
	}
	return nil
}

// SaveAlertEvent creates (ID == "": an id is assigned) or replaces an event.
func (db *DB) SaveAlertEvent(ctx context.Context, e *cost.AlertEvent) error {
	if err := db.saveAlertEvent(ctx, db.db, e); err != nil {
		return fmt.Errorf("duckdb: save alert event: %w", err)
	}
	return nil
}

func (db *DB) saveAlertEvent(ctx context.Context, ex execer, e *cost.AlertEvent) error {
	if e.ID == "" {
		e.ID = newID()
	}
	if e.At.IsZero() {
		e.At = db.now()
	}
	body, err := json.Marshal(e)
	if err != nil {
		return err
	}
	_, err = ex.ExecContext(ctx, `INSERT OR REPLACE INTO alert_events (id, rule_id, customer_id, event_at, body)
		VALUES (?, ?, ?, ?, ?)`, e.ID, e.RuleID, e.CustomerID, e.At, string(body))
	return err
}

// AlertEvents lists events matching f, newest first.
func (db *DB) AlertEvents(ctx context.Context, f cost.AlertEventFilter) ([]cost.AlertEvent, error) {
	where, args := "WHERE true", []any{}
	if f.CustomerID != nil {
		where, args = where+" AND customer_id = ?", append(args, *f.CustomerID)
	}
	if f.RuleID != "" {
		where, args = where+" AND rule_id = ?", append(args, f.RuleID)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	args = append(args, limit)
	out := []cost.AlertEvent{}
	err := db.jsonRows(ctx, `SELECT body FROM alert_events `+where+` ORDER BY event_at DESC, id LIMIT ?`, args, func(b []byte) error {
		var e cost.AlertEvent
		if err := json.Unmarshal(b, &e); err != nil {
			return err
		}
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("duckdb: alert events: %w", err)
	}
	return out, nil
}

// SaveAlertChannel creates (ID == "") or replaces a channel, keeping CreatedAt.
func (db *DB) SaveAlertChannel(ctx context.Context, c *cost.AlertChannel) error {
	now := db.now()
	if c.ID == "" {
		c.ID = newID()
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = now
	}
	c.UpdatedAt = now
	body, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("duckdb: save alert channel: %w", err)
	}
	if _, err := db.db.ExecContext(ctx, `INSERT OR REPLACE INTO alert_channels (id, customer_id, body, created_at)
		VALUES (?, ?, ?, ?)`, c.ID, c.CustomerID, string(body), c.CreatedAt); err != nil {
		return fmt.Errorf("duckdb: save alert channel: %w", err)
	}
	return nil
}

// AlertChannels lists channels ordered by creation.
func (db *DB) AlertChannels(ctx context.Context) ([]cost.AlertChannel, error) {
	out := []cost.AlertChannel{}
	err := db.jsonRows(ctx, `SELECT body FROM alert_channels ORDER BY created_at, id`, nil, func(b []byte) error {
		var c cost.AlertChannel
		if err := json.Unmarshal(b, &c); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("duckdb: alert channels: %w", err)
	}
	return out, nil
}

// DeleteAlertChannel removes a channel. Returns CodeNotFound if it does not exist.
func (db *DB) DeleteAlertChannel(ctx context.Context, id string) error {
	r, err := db.db.ExecContext(ctx, `DELETE FROM alert_channels WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("duckdb: delete alert channel: %w", err)
	}
	if n, err := r.RowsAffected(); err != nil {
		return fmt.Errorf("duckdb: delete alert channel: %w", err)
	} else if n == 0 {
		return cost.Errorf(cost.CodeNotFound, "Alert channel %q does not exist.", id)
	}
	return nil
}

// jsonRows runs a one-column query and calls fn with each value.
func (db *DB) jsonRows(ctx context.Context, query string, args []any, fn func([]byte) error) error {
	rows, err := db.db.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return err
		}
		if err := fn([]byte(body)); err != nil {
			return err
		}
	}
	return rows.Err()
}
