package clickhouse

import (
	"context"

	"github.com/llmcost/llmcost/internal/cost"
)

// The records below are small, transactional and rarely written, so they live in
// the metadata store (an embedded DuckDB file next to the server's data dir)
// rather than in ClickHouse, whose tables suit appends, not updates.

// SetBudget creates or replaces a budget, in the metadata store.
func (s *Store) SetBudget(ctx context.Context, b cost.Budget) error { return s.meta.SetBudget(ctx, b) }

// Budget returns one budget. Returns CodeNotFound if none is set.
func (s *Store) Budget(ctx context.Context, customerID string) (*cost.Budget, error) {
	return s.meta.Budget(ctx, customerID)
}

// Budgets returns all budgets ordered by customer id.
func (s *Store) Budgets(ctx context.Context) ([]cost.Budget, error) { return s.meta.Budgets(ctx) }

// DeleteBudget removes a budget. Returns CodeNotFound if none is set.
func (s *Store) DeleteBudget(ctx context.Context, customerID string) error {
	return s.meta.DeleteBudget(ctx, customerID)
}

// Setting returns a stored setting. Returns CodeNotFound if unset.
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	return s.meta.Setting(ctx, key)
}

// SetSetting stores a setting.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	return s.meta.SetSetting(ctx, key, value)
}

// SaveAlertRule creates or replaces an alert rule.
func (s *Store) SaveAlertRule(ctx context.Context, r *cost.AlertRule) error {
	return s.meta.SaveAlertRule(ctx, r)
}

// AlertRules lists alert rules; customerID != "" lists only that customer's.
func (s *Store) AlertRules(ctx context.Context, customerID string) ([]cost.AlertRule, error) {
	return s.meta.AlertRules(ctx, customerID)
}

// DeleteAlertRule removes a rule. Returns CodeNotFound if it does not exist.
func (s *Store) DeleteAlertRule(ctx context.Context, id string) error {
	return s.meta.DeleteAlertRule(ctx, id)
}

// SetCustomer creates or renames a customer.
func (s *Store) SetCustomer(ctx context.Context, c cost.Customer) error {
	return s.meta.SetCustomer(ctx, c)
}

// Customers lists known customers ordered by id.
func (s *Store) Customers(ctx context.Context) ([]cost.Customer, error) { return s.meta.Customers(ctx) }
