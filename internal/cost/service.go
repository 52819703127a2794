package cost

import (
	"context"
	"time"
)

// QueryService answers cost questions in a principal's scope. It is the one query
// layer: the HTTP API, the web UI, the chat engine, alerts and Grafana all go
// through it. A customer principal's scope is applied inside it, so no argument can
// widen it: a filter or customerID naming another customer returns CodeForbidden.
type QueryService interface {
	// Now returns the service clock's current time (LLMCOST_NOW when set).
	Now() time.Time

	// Query validates, scopes and runs a typed query.
	Query(ctx context.Context, p Principal, q Query) (*Result, error)

	// Panel runs one named dashboard panel. Returns CodeNotFound for an unknown panel.
	Panel(ctx context.Context, p Principal, req PanelRequest) (*Result, error)

	// Values lists the distinct values of a dimension in the principal's scope,
	// over all time, for variables and entity resolution.
	Values(ctx context.Context, p Principal, d Dimension) ([]string, error)

	// Customers lists the customers the principal may see: all for an admin, only
	// itself for a customer.
	Customers(ctx context.Context, p Principal) ([]Customer, error)

	// QuickStats returns the headline figures. customerID narrows an admin's view to
	// one customer ("" = organisation); a customer principal always gets its own.
	QuickStats(ctx context.Context, p Principal, customerID string) (*QuickStats, error)

	// Anomalies runs the detectors over daily cost in the range.
	Anomalies(ctx context.Context, p Principal, req AnomalyRequest) (*AnomalyReport, error)

	// Explain attributes one day's (or range's) change against its baseline.
	Explain(ctx context.Context, p Principal, req ExplainRequest) (*Explanation, error)

	// Forecast projects the current month's spend to its end.
	Forecast(ctx context.Context, p Principal, customerID string) (*Forecast, error)

	// BudgetStatus compares month-to-date spend with the monthly budget.
	BudgetStatus(ctx context.Context, p Principal, customerID string) (*BudgetStatus, error)

	// BudgetStatuses returns the status of every customer with a budget (admin only).
	BudgetStatuses(ctx context.Context, p Principal) ([]BudgetStatus, error)
}

// PanelRequest asks for one dashboard panel with the dashboard's variables.
type PanelRequest struct {
	Dashboard  string    `json:"dashboard"`
	Panel      string    `json:"panel"`
	Range      DateRange `json:"range"`
	Providers  []string  `json:"cloud_provider,omitempty"` // Empty = all.
	CustomerID string    `json:"customer_id,omitempty"`    // Empty = all (admin).
	Models     []string  `json:"model,omitempty"`          // Empty = all.
	// Date selects a day for panels that explain one (anomaly drill-down).
	Date time.Time `json:"date,omitzero"`
}

// QuickStats are the headline figures of SPEC §5.
type QuickStats struct {
	CustomerID        string    `json:"customer_id,omitempty"`
	Today             float64   `json:"today"`
	MonthToDate       float64   `json:"month_to_date"`
	Last7Days         float64   `json:"last_7_days"`
	Budget            *float64  `json:"budget"`
	BudgetUsedPercent *float64  `json:"budget_used_percent"`
	ForecastMonthEnd  float64   `json:"forecast_month_end"`
	Currency          string    `json:"currency"`
	UnpricedTokens    float64   `json:"unpriced_tokens"`
	UnpricedModels    []string  `json:"unpriced_models,omitempty"`
	AsOf              time.Time `json:"as_of"`
	// DataThrough is the last date (YYYY-MM-DD, up to today) with cost lines in
	// scope, looking back to the forecast's history window; nil when none.
	DataThrough      *string   `json:"data_through"`
	MonthToDateRange DateRange `json:"month_to_date_range"`
	Last7DaysRange   DateRange `json:"last_7_days_range"`
}

// AnomalyRequest selects the series to scan.
type AnomalyRequest struct {
	Range      DateRange `json:"range"`
	CustomerID string    `json:"customer_id,omitempty"`
	// By splits the series: "" (total), DimCustomer or DimModel.
	By Dimension `json:"by,omitempty"`
	// Filters narrow the series (provider, model…).
	Filters []Filter `json:"filters,omitempty"`
}

// Detector names.
const (
	DetectorRolling = "rolling_2sigma" // The seed's 7-day rolling mean ± 2σ.
	DetectorWeekday = "weekday_mad"    // Median/MAD over the same weekday.
)

// SeriesPoint is one day of a detector's view of a series.
type SeriesPoint struct {
	Date     time.Time `json:"date"`
	Value    float64   `json:"value"`
	Expected float64   `json:"expected"`
	Lower    float64   `json:"lower"`
	Upper    float64   `json:"upper"`
	Status   string    `json:"status"` // "normal", "high", "low".
}

// Anomaly is one flagged day of one series.
type Anomaly struct {
	Date      time.Time `json:"date"`
	Dimension Dimension `json:"dimension,omitempty"`
	Key       string    `json:"key,omitempty"` // The dimension value; "" for the total.
	Value     float64   `json:"value"`
	Expected  float64   `json:"expected"`
	Lower     float64   `json:"lower"`
	Upper     float64   `json:"upper"`
	Score     float64   `json:"score"` // Distance from expected in σ (or scaled MAD).
	Direction string    `json:"direction"`
	Detector  string    `json:"detector"`
}

// AnomalyReport is the anomalies found in a range, and the total series with bands.
type AnomalyReport struct {
	Range     DateRange     `json:"range"`
	Series    []SeriesPoint `json:"series"` // Total, with the rolling 2σ bands.
	Anomalies []Anomaly     `json:"anomalies"`
}

// ExplainRequest selects the day (or range) to explain.
type ExplainRequest struct {
	Range      DateRange `json:"range"` // Usually one day.
	CustomerID string    `json:"customer_id,omitempty"`
	Filters    []Filter  `json:"filters,omitempty"`
	// BaselineDays is the number of days before Range averaged as the baseline (default 30).
	BaselineDays int `json:"baseline_days,omitempty"`
}

// Contribution is how much one dimension value moved the total.
type Contribution struct {
	Dimension Dimension `json:"dimension"`
	Value     string    `json:"value"`
	Current   float64   `json:"current"`
	Baseline  float64   `json:"baseline"`
	Delta     float64   `json:"delta"`
	Share     float64   `json:"share"` // Delta / total delta (0..1 for drivers of the change).
}

// Explanation says what drove a period's cost versus its baseline.
type Explanation struct {
	Range         DateRange      `json:"range"`
	BaselineRange DateRange      `json:"baseline_range"`
	Total         float64        `json:"total"`
	Baseline      float64        `json:"baseline"` // Baseline scaled to Range's length.
	Delta         float64        `json:"delta"`
	Ratio         float64        `json:"ratio"`         // Total / Baseline; 0 when no baseline.
	Contributions []Contribution `json:"contributions"` // Each dimension's leading values, ranked by |Delta| across dimensions.
	// Top is the leading combination (e.g. customer × model) when one dominates.
	Top []Contribution `json:"top,omitempty"`
	// Summary is a one-line, figure-bearing sentence.
	Summary string `json:"summary"`
}

// Forecast projects a month's spend.
type Forecast struct {
	CustomerID         string    `json:"customer_id,omitempty"`
	Month              string    `json:"month"` // YYYY-MM.
	MonthToDate        float64   `json:"month_to_date"`
	Projected          float64   `json:"projected"`
	Lower              float64   `json:"lower"`
	Upper              float64   `json:"upper"`
	DaysElapsed        int       `json:"days_elapsed"`
	DaysRemaining      int       `json:"days_remaining"`
	Budget             *float64  `json:"budget,omitempty"`
	DaysUntilExhausted *int      `json:"days_until_exhausted,omitempty"`
	ExhaustedOn        time.Time `json:"exhausted_on,omitzero"`
}

// BudgetStatus compares month-to-date spend with a monthly budget.
type BudgetStatus struct {
	CustomerID       string    `json:"customer_id"`
	Month            string    `json:"month"`
	HasBudget        bool      `json:"has_budget"`
	Budget           float64   `json:"budget"`
	Spent            float64   `json:"spent"`
	PercentUsed      float64   `json:"percent_used"`
	DaysElapsed      int       `json:"days_elapsed"`
	DaysRemaining    int       `json:"days_remaining"`
	Projected        float64   `json:"projected"`
	ProjectedOverrun float64   `json:"projected_overrun"` // max(0, Projected − Budget).
	OverBudget       bool      `json:"over_budget"`
	ForecastOver     bool      `json:"forecast_over"`
	Range            DateRange `json:"range"`
}

// CacheStats counts a result cache's work, for /metrics.
type CacheStats struct {
	Hits      int64 // Answers served from the cache.
	Misses    int64 // Answers computed (and then stored).
	Evictions int64 // Entries dropped to stay within MaxBytes.
	Bytes     int64 // Estimated size of the entries held.
	Entries   int64
	MaxBytes  int64
}
