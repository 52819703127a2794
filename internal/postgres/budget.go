package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/llmcost/llmcost/internal/cost"
)

// SetBudget creates or replaces a budget, stamping UpdatedAt with the store clock.
// Returns CodeInvalid if the budget does not validate.
func (m *Meta) SetBudget(ctx context.Context, b cost.Budget) error {
	if err := b.Validate(); err != nil {
		return err
	}
	err := m.changed(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO budgets (customer_id, monthly_usd, updated_at) VALUES ($1, $2, $3)
			ON CONFLICT (customer_id) DO UPDATE SET monthly_usd = EXCLUDED.monthly_usd, updated_at = EXCLUDED.updated_at`,
			b.CustomerID, b.MonthlyUSD, m.now())
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: set budget: %w", err)
	}
	return nil
}

// Budget returns one budget. Returns CodeNotFound if none is set.
func (m *Meta) Budget(ctx context.Context, customerID string) (*cost.Budget, error) {
	b := cost.Budget{CustomerID: customerID}
	err := m.pool.QueryRow(ctx, `SELECT monthly_usd, updated_at FROM budgets WHERE customer_id = $1`,
		customerID).Scan(&b.MonthlyUSD, &b.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, cost.Errorf(cost.CodeNotFound, "No budget is set for %s.", budgetOwner(customerID))
	} else if err != nil {
		return nil, fmt.Errorf("postgres: budget: %w", err)
	}
	b.UpdatedAt = b.UpdatedAt.UTC()
	return &b, nil
}

// Budgets returns all budgets ordered by customer id.
func (m *Meta) Budgets(ctx context.Context) ([]cost.Budget, error) {
	rows, err := m.pool.Query(ctx, `SELECT customer_id, monthly_usd, updated_at FROM budgets ORDER BY customer_id COLLATE "C"`)
	if err != nil {
		return nil, fmt.Errorf("postgres: budgets: %w", err)
	}
	out := []cost.Budget{}
	var b cost.Budget
	_, err = pgx.ForEachRow(rows, []any{&b.CustomerID, &b.MonthlyUSD, &b.UpdatedAt}, func() error {
		b.UpdatedAt = b.UpdatedAt.UTC()
		out = append(out, b)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: budgets: %w", err)
	}
	return out, nil
}

// DeleteBudget removes a budget. Returns CodeNotFound if none is set.
func (m *Meta) DeleteBudget(ctx context.Context, customerID string) error {
	var n int64
	err := m.changed(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM budgets WHERE customer_id = $1`, customerID)
		if n = tag.RowsAffected(); err == nil && n == 0 {
			return errNothing
		}
		return err
	})
	if errors.Is(err, errNothing) {
		return cost.Errorf(cost.CodeNotFound, "No budget is set for %s.", budgetOwner(customerID))
	} else if err != nil {
		return fmt.Errorf("postgres: delete budget: %w", err)
	}
	return nil
}

// errNothing rolls back a change that found nothing to change.
var errNothing = errors.New("nothing to change")

// budgetOwner names a budget's owner in messages.
func budgetOwner(customerID string) string {
	if customerID == "" {
		return "the organisation"
	}
	return fmt.Sprintf("customer %q", customerID)
}
