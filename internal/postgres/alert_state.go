package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/llmcost/llmcost/internal/cost"
)

// AlertStates lists the states of one rule ("" = every rule), ordered by rule and key.
func (m *Meta) AlertStates(ctx context.Context, ruleID string) ([]cost.AlertState, error) {
	where, args := "", []any{}
	if ruleID != "" {
		where, args = `WHERE rule_id = $1`, []any{ruleID}
	}
	out := []cost.AlertState{}
	err := m.jsonRows(ctx, `SELECT body FROM alert_states `+where+` ORDER BY rule_id COLLATE "C", key COLLATE "C"`, args, func(b []byte) error {
		var s cost.AlertState
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		out = append(out, s)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: alert states: %w", err)
	}
	return out, nil
}

// SaveAlertState creates or replaces the state of (RuleID, Key).
func (m *Meta) SaveAlertState(ctx context.Context, s *cost.AlertState) error {
	if err := m.saveAlertState(ctx, m.pool, s); err != nil {
		return fmt.Errorf("postgres: save alert state: %w", err)
	}
	return nil
}

// SaveAlertTransition saves a state and the event it caused in one transaction.
func (m *Meta) SaveAlertTransition(ctx context.Context, s *cost.AlertState, e *cost.AlertEvent) error {
	err := pgx.BeginFunc(ctx, m.pool, func(tx pgx.Tx) error {
		if err := m.saveAlertState(ctx, tx, s); err != nil {
			return err
		}
		return m.saveAlertEvent(ctx, tx, e)
	})
	if err != nil {
		return fmt.Errorf("postgres: save alert transition: %w", err)
	}
	return nil
}

// execer runs a statement on the pool or in a transaction.
type execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

func (m *Meta) saveAlertState(ctx context.Context, ex execer, s *cost.AlertState) error {
	s.UpdatedAt = m.now()
	body, err := json.Marshal(s)
	if err != nil {
		return err
	}
	_, err = ex.Exec(ctx, `INSERT INTO alert_states (rule_id, key, body, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (rule_id, key) DO UPDATE SET body = EXCLUDED.body, updated_at = EXCLUDED.updated_at`,
		s.RuleID, s.Key, string(body), s.UpdatedAt)
	return err
}

// DeleteAlertStates removes every state of a rule.
func (m *Meta) DeleteAlertStates(ctx context.Context, ruleID string) error {
	if _, err := m.pool.Exec(ctx, `DELETE FROM alert_states WHERE rule_id = $1`, ruleID); err != nil {
		return fmt.Errorf("postgres: delete alert states: %w", err)
	}
	return nil
}

// SaveAlertEvent creates (ID == "": an id is assigned) or replaces an event.
func (m *Meta) SaveAlertEvent(ctx context.Context, e *cost.AlertEvent) error {
	if err := m.saveAlertEvent(ctx, m.pool, e); err != nil {
		return fmt.Errorf("postgres: save alert event: %w", err)
	}
	return nil
}

func (m *Meta) saveAlertEvent(ctx context.Context, ex execer, e *cost.AlertEvent) error {
	if e.ID == "" {
		e.ID = newID()
	}
	if e.At.IsZero() {
		e.At = m.now()
	}
	body, err := json.Marshal(e)
	if err != nil {
		return err
	}
	_, err = ex.Exec(ctx, `INSERT INTO alert_events (id, rule_id, customer_id, event_at, body) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (id) DO UPDATE SET rule_id = EXCLUDED.rule_id, customer_id = EXCLUDED.customer_id,
		event_at = EXCLUDED.event_at, body = EXCLUDED.body`, e.ID, e.RuleID, e.CustomerID, e.At, string(body))
	return err
}

// AlertEvents lists events matching f, newest first.
func (m *Meta) AlertEvents(ctx context.Context, f cost.AlertEventFilter) ([]cost.AlertEvent, error) {
	where, args := "WHERE true", []any{}
	if f.CustomerID != nil {
		args = append(args, *f.CustomerID)
		where += fmt.Sprintf(" AND customer_id = $%d", len(args))
	}
	if f.RuleID != "" {
		args = append(args, f.RuleID)
		where += fmt.Sprintf(" AND rule_id = $%d", len(args))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	args = append(args, limit)
	q := fmt.Sprintf(`SELECT body FROM alert_events %s ORDER BY event_at DESC, id COLLATE "C" LIMIT $%d`, where, len(args))
	out := []cost.AlertEvent{}
	err := m.jsonRows(ctx, q, args, func(b []byte) error {
		var e cost.AlertEvent
		if err := json.Unmarshal(b, &e); err != nil {
			return err
		}
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: alert events: %w", err)
	}
	return out, nil
}

// SaveAlertChannel creates (ID == "") or replaces a channel, keeping CreatedAt.
func (m *Meta) SaveAlertChannel(ctx context.Context, c *cost.AlertChannel) error {
	now := m.now()
	if c.ID == "" {
		c.ID = newID()
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = now
	}
	c.UpdatedAt = now
	body, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("postgres: save alert channel: %w", err)
	}
	if _, err := m.pool.Exec(ctx, `INSERT INTO alert_channels (id, customer_id, body, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET customer_id = EXCLUDED.customer_id, body = EXCLUDED.body,
		created_at = EXCLUDED.created_at`, c.ID, c.CustomerID, string(body), c.CreatedAt); err != nil {
		return fmt.Errorf("postgres: save alert channel: %w", err)
	}
	return nil
}

// AlertChannels lists channels ordered by creation.
func (m *Meta) AlertChannels(ctx context.Context) ([]cost.AlertChannel, error) {
	out := []cost.AlertChannel{}
	err := m.jsonRows(ctx, `SELECT body FROM alert_channels ORDER BY created_at, id COLLATE "C"`, nil, func(b []byte) error {
		var c cost.AlertChannel
		if err := json.Unmarshal(b, &c); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: alert channels: %w", err)
	}
	return out, nil
}

// DeleteAlertChannel removes a channel. Returns CodeNotFound if it does not exist.
func (m *Meta) DeleteAlertChannel(ctx context.Context, id string) error {
	tag, err := m.pool.Exec(ctx, `DELETE FROM alert_channels WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("postgres: delete alert channel: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return cost.Errorf(cost.CodeNotFound, "Alert channel %q does not exist.", id)
	}
	return nil
}
