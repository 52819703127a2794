package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/llmcost/llmcost/internal/cost"
)

// Setting returns a stored setting. Returns CodeNotFound if unset.
func (m *Meta) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := m.pool.QueryRow(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", cost.Errorf(cost.CodeNotFound, "Setting %q is not set.", key)
	} else if err != nil {
		return "", fmt.Errorf("postgres: setting: %w", err)
	}
	return v, nil
}

// SetSetting stores a setting, replacing any previous value.
func (m *Meta) SetSetting(ctx context.Context, key, value string) error {
	if _, err := m.pool.Exec(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, key, value); err != nil {
		return fmt.Errorf("postgres: set setting: %w", err)
	}
	return nil
}

// InitSetting stores value under key unless the key is set, and returns the
// value stored: of replicas racing to initialise a key, one wins and all read
// its value.
func (m *Meta) InitSetting(ctx context.Context, key, value string) (string, error) {
	if _, err := m.pool.Exec(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO NOTHING`, key, value); err != nil {
		return "", fmt.Errorf("postgres: init setting: %w", err)
	}
	return m.Setting(ctx, key)
}
