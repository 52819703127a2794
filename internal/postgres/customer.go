package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/llmcost/llmcost/internal/cost"
)

// SetCustomer creates or renames a customer. Returns CodeInvalid without an id.
func (m *Meta) SetCustomer(ctx context.Context, c cost.Customer) error {
	if c.ID == "" {
		return cost.FieldErrorf("id", "Customer id is required.")
	}
	err := m.changed(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO customers (id, name) VALUES ($1, $2)
			ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name`, c.ID, c.Name)
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: set customer: %w", err)
	}
	return nil
}

// Customers lists known customers ordered by id.
func (m *Meta) Customers(ctx context.Context) ([]cost.Customer, error) {
	rows, err := m.pool.Query(ctx, `SELECT id, name FROM customers ORDER BY id COLLATE "C"`)
	if err != nil {
		return nil, fmt.Errorf("postgres: customers: %w", err)
	}
	out := []cost.Customer{}
	var c cost.Customer
	if _, err := pgx.ForEachRow(rows, []any{&c.ID, &c.Name}, func() error {
		out = append(out, c)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("postgres: customers: %w", err)
	}
	return out, nil
}
