package cost

import (
	"context"
	"time"
)

// Store is everything the product keeps: cost data and metadata. Implemented by
// the duckdb package (both parts in one file) and the clickhouse package (cost
// data in ClickHouse, metadata in a MetaStore it is given); costtest.StoreSuite
// checks that they agree.
type Store interface {
	DataStore
	MetaStore
}

// DataStore keeps cost lines and events.
type DataStore interface {
	// Apply writes b atomically: either all of it is visible afterwards or none.
	// Returns CodeInvalid if a line names a partition not listed in b.Replace
	// (streamed lines excepted: see Batch.Stream).
	Apply(ctx context.Context, b *Batch) (*ApplyResult, error)

	// Aggregate runs a resolved query. The caller (the query layer) has validated
	// q and applied the principal's scope; the store only compiles and runs it.
	Aggregate(ctx context.Context, q *AggregateQuery) (*Frame, error)

	// Lines calls fn for each line matching f, ordered by date then provider.
	Lines(ctx context.Context, f LineFilter, fn func(*LineItem) error) error

	// LatestData returns, per cloud provider, the newest date with data and when
	// that provider's data was last ingested, leaving out lines of the
	// DerivedSources (computed from other lines, not ingested).
	LatestData(ctx context.Context) ([]Freshness, error)

	// DataVersion identifies the state of everything a query answer reads: cost
	// lines, budgets and customers. It changes with every Apply (ingest,
	// allocation, restatement), budget change and customer change, and never
	// repeats across restarts, so an answer computed after reading version v
	// reflects at least the writes v names; caches key answers by it. Reading
	// it is cheap (no query per call where the store knows its own writes).
	DataVersion(ctx context.Context) (string, error)

	// Distinct lists the distinct values of dimension d over the lines q's
	// dates and filters keep, ordered (dates as "YYYY-MM-DD"); q's metrics and
	// groupings are not read, so neither is any column they would need. The
	// caller (the query layer) has applied the principal's scope.
	Distinct(ctx context.Context, d Dimension, q *AggregateQuery) ([]string, error)

	// RankChanges and RankOutliers rank in the engine, so the query layer
	// reads only the groups it shows (ChangeRanker, OutlierRanker).
	ChangeRanker
	OutlierRanker

	Close() error
}

// LineFilter selects lines for export.
type LineFilter struct {
	From, To   time.Time // Inclusive days; zero means unbounded.
	CustomerID *string   // Exactly this customer ("" = unattributed) when set.
}

// Budget is a monthly USD budget for one customer, or for the organisation when
// CustomerID is "".
type Budget struct {
	CustomerID string    `json:"customer_id"`
	MonthlyUSD float64   `json:"monthly_usd"`
	UpdatedAt  time.Time `json:"updated_at,omitzero"`
}

// Validate checks a budget.
func (b Budget) Validate() error {
	if b.MonthlyUSD < 0 {
		return FieldErrorf("monthly_usd", "Monthly budget must not be negative.")
	}
	if b.CustomerID != "" {
		return ValidCustomerID(b.CustomerID)
	}
	return nil
}

// Freshness says how recent one provider's data is.
type Freshness struct {
	CloudProvider string    `json:"cloud_provider"`
	LatestDate    time.Time `json:"latest_date"`
	IngestedAt    time.Time `json:"ingested_at"`
}

// AlertRule is a stored alert rule. The alerts subsystem evaluates it; the chat
// engine creates it from "alert me if…" questions.
type AlertRule struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Kind       string    `json:"kind"`                  // "threshold", "anomaly", "budget", "unpriced", "freshness".
	CustomerID string    `json:"customer_id,omitempty"` // Scope; "" = organisation.
	Window     string    `json:"window,omitempty"`      // "day", "week", "month_to_date".
	Threshold  float64   `json:"threshold,omitempty"`   // USD, percent or hours by kind.
	Filters    []Filter  `json:"filters,omitempty"`
	GroupBy    string    `json:"group_by,omitempty"` // For anomaly: "", "customer_id", "model".
	For        string    `json:"for,omitempty"`      // Pending duration, e.g. "1h".
	Repeat     string    `json:"repeat,omitempty"`   // Repeat interval while firing.
	Channels   []string  `json:"channels,omitempty"`
	Enabled    bool      `json:"enabled"`
	CreatedBy  string    `json:"created_by,omitempty"`
	CreatedAt  time.Time `json:"created_at,omitzero"`
	UpdatedAt  time.Time `json:"updated_at,omitzero"`
}

// Customer is one of the company's own customers: the id costs are attributed to,
// and a display name people use in questions ("Acme Inc" for cust_acme).
type Customer struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}
