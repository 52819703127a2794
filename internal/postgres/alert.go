package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/llmcost/llmcost/internal/cost"
)

// SaveAlertRule creates a rule (ID == "": a random id is assigned) or replaces the
// rule with r.ID, keeping its CreatedAt; a rule with an unknown ID is created under
// that ID. It sets r's ID and timestamps.
func (m *Meta) SaveAlertRule(ctx context.Context, r *cost.AlertRule) error {
	now := m.now()
	if r.ID == "" {
		r.ID = newID()
	}
	err := pgx.BeginFunc(ctx, m.pool, func(tx pgx.Tx) error {
		created := now
		err := tx.QueryRow(ctx, `SELECT created_at FROM alert_rules WHERE id = $1 FOR UPDATE`, r.ID).Scan(&created)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		r.CreatedAt, r.UpdatedAt = created.UTC(), now
		body, err := json.Marshal(r)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO alert_rules (id, customer_id, rule, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE
			SET customer_id = EXCLUDED.customer_id, rule = EXCLUDED.rule, updated_at = EXCLUDED.updated_at`,
			r.ID, r.CustomerID, string(body), r.CreatedAt, r.UpdatedAt)
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: save alert rule: %w", err)
	}
	return nil
}

// AlertRules lists rules ordered by creation; customerID != "" lists only that
// customer's.
func (m *Meta) AlertRules(ctx context.Context, customerID string) ([]cost.AlertRule, error) {
	where, args := "", []any{}
	if customerID != "" {
		where, args = `WHERE customer_id = $1`, []any{customerID}
	}
	out := []cost.AlertRule{}
	err := m.jsonRows(ctx, `SELECT rule FROM alert_rules `+where+` ORDER BY created_at, id COLLATE "C"`, args, func(b []byte) error {
		var r cost.AlertRule
		if err := json.Unmarshal(b, &r); err != nil {
			return err
		}
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: alert rules: %w", err)
	}
	return out, nil
}

// DeleteAlertRule removes a rule. Returns CodeNotFound if it does not exist.
func (m *Meta) DeleteAlertRule(ctx context.Context, id string) error {
	tag, err := m.pool.Exec(ctx, `DELETE FROM alert_rules WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("postgres: delete alert rule: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return cost.Errorf(cost.CodeNotFound, "Alert rule %q does not exist.", id)
	}
	return nil
}

// jsonRows runs a one-column query and calls fn with each value.
func (m *Meta) jsonRows(ctx context.Context, query string, args []any, fn func([]byte) error) error {
	rows, err := m.pool.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	var body []byte
	_, err = pgx.ForEachRow(rows, []any{&body}, func() error { return fn(body) })
	return err
}
