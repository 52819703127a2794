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
	// UnattributedUSD is the billed cost no customer is attributed to.
	UnattributedUSD float64 `json:"unattributed_usd"`
}

// Reconciliation lists the provider-days that have both billed and estimated
// cost, oldest first, with their totals.
type Reconciliation struct {
	Period DateRange           `json:"period"`
	Rows   []ReconciliationRow `json:"rows"`
	Total  ReconciliationRow   `json:"total"` // Date and provider empty.
}

// Reconciler reconciles billed with estimated cost. The query service
// implements it; it is an organisation-wide view, so customer principals get
// CodeForbidden.
type Reconciler interface {
	Reconcile(ctx context.Context, p Principal, r DateRange) (*Reconciliation, error)
}
