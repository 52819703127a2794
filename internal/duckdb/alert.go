package duckdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/llmcost/llmcost/internal/cost"
)

// SaveAlertRule creates a rule (ID == "": a random id is assigned) or replaces the
// rule with r.ID, keeping its CreatedAt; a rule with an unknown ID is created under
// that ID. It sets r's ID and timestamps.
func (db *DB) SaveAlertRule(ctx context.Context, r *cost.AlertRule) error {
	now := db.now()
	if r.ID == "" {
		r.ID = newID()
		r.CreatedAt, r.UpdatedAt = now, now
		return db.insertRule(ctx, r)
	}
	rules, err := db.rules(ctx, `WHERE id = ?`, r.ID)
	if err != nil {
		return err
	} else if len(rules) == 0 {
		r.CreatedAt, r.UpdatedAt = now, now
		return db.insertRule(ctx, r)
	}
	r.CreatedAt, r.UpdatedAt = rules[0].CreatedAt, now
	body, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("duckdb: save alert rule: %w", err)
	}
	if _, err := db.db.ExecContext(ctx, `UPDATE alert_rules SET customer_id = ?, rule = ?, updated_at = ?
		WHERE id = ?`, r.CustomerID, string(body), r.UpdatedAt, r.ID); err != nil {
		return fmt.Errorf("duckdb: save alert rule: %w", err)
	}
	return nil
}

// insertRule stores a new rule.
func (db *DB) insertRule(ctx context.Context, r *cost.AlertRule) error {
	body, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("duckdb: save alert rule: %w", err)
	}
	if _, err := db.db.ExecContext(ctx, `INSERT INTO alert_rules (id, customer_id, rule, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?)`, r.ID, r.CustomerID, string(body), r.CreatedAt, r.UpdatedAt); err != nil {
		return fmt.Errorf("duckdb: save alert rule: %w", err)
	}
	return nil
}

// AlertRules lists rules ordered by creation; customerID != "" lists only that
// customer's.
func (db *DB) AlertRules(ctx context.Context, customerID string) ([]cost.AlertRule, error) {
	if customerID != "" {
		return db.rules(ctx, `WHERE customer_id = ?`, customerID)
	}
	return db.rules(ctx, "")
}

// rules loads the rules matching a WHERE clause.
func (db *DB) rules(ctx context.Context, where string, args ...any) ([]cost.AlertRule, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT rule FROM alert_rules `+where+` ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("duckdb: alert rules: %w", err)
	}
	defer rows.Close()
	out := []cost.AlertRule{}
	for rows.Next() {
		var body string
		var r cost.AlertRule
		if err := rows.Scan(&body); err != nil {
			return nil, fmt.Errorf("duckdb: alert rules: %w", err)
		}
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			return nil, fmt.Errorf("duckdb: alert rules: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("duckdb: alert rules: %w", err)
	}
	return out, nil
}

// DeleteAlertRule removes a rule. Returns CodeNotFound if it does not exist.
func (db *DB) DeleteAlertRule(ctx context.Context, id string) error {
	r, err := db.db.ExecContext(ctx, `DELETE FROM alert_rules WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("duckdb: delete alert rule: %w", err)
	}
	if n, err := r.RowsAffected(); err != nil {
		return fmt.Errorf("duckdb: delete alert rule: %w", err)
	} else if n == 0 {
		return cost.Errorf(cost.CodeNotFound, "Alert rule %q does not exist.", id)
	}
	return nil
}

// newID returns a random 16-hex-digit id.
func newID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
