package cost

import (
	"context"
	"time"
)

// ReconciliationRow compares, for one provider and day, what the cloud billed
// (cost_source billing_export) with what llmcost estimated from gateway events
// (cost_source event_estimate or event_reported).
type ReconciliationRow struct {
	Date          time.Time `json:"date"`
	CloudProvider string    `json:"cloud_provider"`
	BilledUSD     float64   `json:"billed_usd"`
	EstimatedUSD  float64   `json:"estimated_usd"`
	GapUSD        float64   `json:"gap_usd"`   // Billed − estimated.
	GapShare      float64   `json:"gap_share"` // Gap ÷ billed; 0 when nothing was billed.
	// UnattributedUSD is the billed cost no customer is attributed to, net of
	// what allocation moved to customers.
	UnattributedUSD float64 `json:"unattributed_usd"`
	// AllocatedUSD is the billed cost allocation moved from no customer to
	// customers by their event tokens (LLMCOST_ALLOCATION=event-tokens).
	AllocatedUSD float64 `json:"allocated_usd"`
}

// Reconciliation lists the provider-days that have both billed and estimated
// cost, oldest first, with their totals.
type Reconciliation struct {
	Period DateRange           `json:"period"`
	Rows   []ReconciliationRow `json:"rows"`
	Total  ReconciliationRow   `json:"total"` // Date and provider empty.
}

// ReconcileRequest is the period a reconciliation covers and the dashboard
// variables it is narrowed to, as a panel's are: cloud providers and models
// (any of them; none = all) and one customer ("" = all).
type ReconcileRequest struct {
	Range      DateRange `json:"range"`
	Providers  []string  `json:"providers,omitempty"`
	Models     []string  `json:"models,omitempty"`
	CustomerID string    `json:"customer_id,omitempty"`
}

// Reconciler reconciles billed with estimated cost. The query service
// implements it; it is an organisation-wide view, so customer principals get
// CodeForbidden.
type Reconciler interface {
	Reconcile(ctx context.Context, p Principal, req ReconcileRequest) (*Reconciliation, error)
	// Allocate splits one model-day's billed cost across customers in proportion
	// to their event tokens; the rest stays unattributed.
	Allocate(ctx context.Context, p Principal, req AllocationRequest) (*Allocation, error)
}

// AllocationRequest names one model-day of one provider.
type AllocationRequest struct {
	Date          time.Time `json:"date"`
	CloudProvider string    `json:"cloud_provider"`
	Model         string    `json:"model"`
}

// Allocation is one model-day's billed cost split by event tokens.
type Allocation struct {
	AllocationRequest
	BilledUSD       float64           `json:"billed_usd"`
	EventTokens     float64           `json:"event_tokens"`
	Shares          []AllocationShare `json:"shares"` // Largest first.
	UnattributedUSD float64           `json:"unattributed_usd"`
}

// AllocationShare is one customer's part of an Allocation.
type AllocationShare struct {
	CustomerID string  `json:"customer_id"`
	Tokens     float64 `json:"tokens"`
	CostUSD    float64 `json:"cost_usd"`
}
