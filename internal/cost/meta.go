package cost

import "context"

// MetaStore keeps the small, transactional records beside the cost data:
// budgets, customers, settings (sync state and signing keys among them), alert
// rules, and alert state, history and channels. Implemented by the duckdb
// package (the default, in the data directory) and the postgres package (shared
// by every replica of a scaled-out deployment); costtest.MetaSuite checks that
// they agree.
type MetaStore interface {
	// SetBudget creates or replaces a budget.
	SetBudget(ctx context.Context, b Budget) error
	// Budget returns one budget. Returns CodeNotFound if none is set.
	Budget(ctx context.Context, customerID string) (*Budget, error)
	// Budgets returns all budgets ordered by customer id ("" = organisation first).
	Budgets(ctx context.Context) ([]Budget, error)
	// DeleteBudget removes a budget. Returns CodeNotFound if none is set.
	DeleteBudget(ctx context.Context, customerID string) error

	// Setting returns a stored setting. Returns CodeNotFound if unset.
	Setting(ctx context.Context, key string) (string, error)
	// SetSetting stores a setting.
	SetSetting(ctx context.Context, key, value string) error
	// InitSetting stores value under key unless the key is already set, and
	// returns the value stored: concurrent callers, in any process sharing the
	// store, all get the same one.
	InitSetting(ctx context.Context, key, value string) (string, error)

	// SaveAlertRule creates (ID == "") or replaces a rule; it sets ID and timestamps.
	SaveAlertRule(ctx context.Context, r *AlertRule) error
	// AlertRules lists rules; customerID != "" lists only that customer's.
	AlertRules(ctx context.Context, customerID string) ([]AlertRule, error)
	// DeleteAlertRule removes a rule. Returns CodeNotFound if it does not exist.
	DeleteAlertRule(ctx context.Context, id string) error

	// SetCustomer creates or renames a customer (id → display name).
	SetCustomer(ctx context.Context, c Customer) error
	// Customers lists known customers ordered by id.
	Customers(ctx context.Context) ([]Customer, error)

	AlertStore

	// DataVersion identifies the state of the metadata a query answer reads
	// (budgets, customers) and of the cost data changes noted with
	// NoteDataChange. It never repeats across restarts.
	DataVersion(ctx context.Context) (string, error)
	// NoteDataChange moves DataVersion on after a write of cost data kept
	// elsewhere (an Apply on a ClickHouse store), so every process sharing this
	// store sees the change at its next read.
	NoteDataChange(ctx context.Context) error

	Close() error
}
