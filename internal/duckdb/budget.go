package duckdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/llmcost/llmcost/internal/cost"
)

// SetBudget creates or replaces a budget, stamping UpdatedAt with the store clock.
// Returns CodeInvalid if the budget does not validate.
func (db *DB) SetBudget(ctx context.Context, b cost.Budget) error {
	if err := b.Validate(); err != nil {
		return err
	}
	if _, err := db.db.ExecContext(ctx, `INSERT INTO budgets (customer_id, monthly_usd, updated_at)
		VALUES (?, ?, ?) ON CONFLICT (customer_id) DO UPDATE
		SET monthly_usd = EXCLUDED.monthly_usd, updated_at = EXCLUDED.updated_at`,
		b.CustomerID, b.MonthlyUSD, db.now()); err != nil {
		return fmt.Errorf("duckdb: set budget: %w", err)
	}
	db.changed()
	return nil
}

// Budget returns one budget. Returns CodeNotFound if none is set.
func (db *DB) Budget(ctx context.Context, customerID string) (*cost.Budget, error) {
	b := cost.Budget{CustomerID: customerID}
	err := db.db.QueryRowContext(ctx, `SELECT monthly_usd, updated_at FROM budgets WHERE customer_id = ?`,
		customerID).Scan(&b.MonthlyUSD, &b.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, cost.Errorf(cost.CodeNotFound, "No budget is set for %s.", budgetOwner(customerID))
	} else if err != nil {
		return nil, fmt.Errorf("duckdb: budget: %w", err)
	}
	b.UpdatedAt = b.UpdatedAt.UTC()
	return &b, nil
}

// Budgets returns all budgets ordered by customer id.
func (db *DB) Budgets(ctx context.Context) ([]cost.Budget, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT customer_id, monthly_usd, updated_at FROM budgets ORDER BY customer_id`)
	if err != nil {
		return nil, fmt.Errorf("duckdb: budgets: %w", err)
	}
	defer rows.Close()
	out := []cost.Budget{}
	for rows.Next() {
		var b cost.Budget
		if err := rows.Scan(&b.CustomerID, &b.MonthlyUSD, &b.UpdatedAt); err != nil {
			return nil, fmt.Errorf("duckdb: budgets: %w", err)
		}
		b.UpdatedAt = b.UpdatedAt.UTC()
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("duckdb: budgets: %w", err)
	}
	return out, nil
}

// DeleteBudget removes a budget. Returns CodeNotFound if none is set.
func (db *DB) DeleteBudget(ctx context.Context, customerID string) error {
	r, err := db.db.ExecContext(ctx, `DELETE FROM budgets WHERE customer_id = ?`, customerID)
	if err != nil {
		return fmt.Errorf("duckdb: delete budget: %w", err)
	}
	if n, err := r.RowsAffected(); err != nil {
		return fmt.Errorf("duckdb: delete budget: %w", err)
	} else if n == 0 {
		return cost.Errorf(cost.CodeNotFound, "No budget is set for %s.", budgetOwner(customerID))
	}
	db.changed()
	return nil
}

// budgetOwner names a budget's owner in messages.
func budgetOwner(customerID string) string {
	if customerID == "" {
		return "the organisation"
	}
	return fmt.Sprintf("customer %q", customerID)
}
