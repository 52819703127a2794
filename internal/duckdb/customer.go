package duckdb

import (
	"context"
	"fmt"

	"github.com/llmcost/llmcost/internal/cost"
)

// SetCustomer creates or renames a customer. Returns CodeInvalid without an id.
func (db *DB) SetCustomer(ctx context.Context, c cost.Customer) error {
	if c.ID == "" {
		return cost.FieldErrorf("id", "Customer id is required.")
	}
	if _, err := db.db.ExecContext(ctx, `INSERT INTO customers (id, name) VALUES (?, ?)
		ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name`, c.ID, c.Name); err != nil {
		return fmt.Errorf("duckdb: set customer: %w", err)
	}
	db.changed()
	return nil
}

// Customers lists known customers ordered by id.
func (db *DB) Customers(ctx context.Context) ([]cost.Customer, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT id, name FROM customers ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("duckdb: customers: %w", err)
	}
	defer rows.Close()
	out := []cost.Customer{}
	for rows.Next() {
		var c cost.Customer
		if err := rows.Scan(&c.ID, &c.Name); err != nil {
			return nil, fmt.Errorf("duckdb: customers: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("duckdb: customers: %w", err)
	}
	return out, nil
}
