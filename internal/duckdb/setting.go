package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/llmcost/llmcost/internal/cost"
)

// Setting returns a stored setting. Returns CodeNotFound if unset.
func (db *DB) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := db.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", cost.Errorf(cost.CodeNotFound, "Setting %q is not set.", key)
	} else if err != nil {
		return "", fmt.Errorf("duckdb: setting: %w", err)
	}
	return v, nil
}

// SetSetting stores a setting, replacing any previous value.
func (db *DB) SetSetting(ctx context.Context, key, value string) error {
	if _, err := db.db.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, key, value); err != nil {
		return fmt.Errorf("duckdb: set setting: %w", err)
	}
	return nil
}

// InitSetting stores value under key unless the key is set, and returns the
// value stored.
func (db *DB) InitSetting(ctx context.Context, key, value string) (string, error) {
	if _, err := db.db.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO NOTHING`, key, value); err != nil {
		// A concurrent insert of the key wins the conflict as an error here.
		if v, again := db.Setting(ctx, key); again == nil {
			return v, nil
		}
		return "", fmt.Errorf("duckdb: init setting: %w", err)
	}
	return db.Setting(ctx, key)
}
