// Package budgetcheck answers, from memory, whether a customer may spend more
// this month: gateways (LiteLLM, Envoy, a company's own proxy) ask it before
// each request. It keeps every customer's month-to-date spend, month-end
// forecast and budget in memory, refreshed from the query layer, and adds the
// cost of usage events as they are ingested, so a check sees today's gateway
// traffic, not only billed lines.
package budgetcheck

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// Checker answers budget checks. It is safe for concurrent use.
type Checker struct {
	query cost.QueryService
	store cost.Store
	log   *slog.Logger
	stale chan struct{}

	mu          sync.RWMutex
	month       time.Time // The first day of the month the figures are for.
	figures     map[string]figures
	delta       map[string]float64 // Spend ingested since the last refresh began.
	policies    map[string]Policy
	refreshedAt time.Time

	refreshMu sync.Mutex // Serialises refreshes and policy writes.
}

// New returns a checker over the query layer (figures) and the store (policies).
// Call Refresh before the first check.
func New(q cost.QueryService, s cost.Store, log *slog.Logger) *Checker {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Checker{query: q, store: s, log: log, stale: make(chan struct{}, 1),
		figures: map[string]figures{}, delta: map[string]float64{}, policies: map[string]Policy{}}
}

// Check answers whether customerID may spend more this month.
func (c *Checker) Check(customerID string) Decision {
	month := cost.MonthOf(c.query.Now())
	label := month.Format("2006-01")
	c.mu.RLock()
	defer c.mu.RUnlock()
	if !month.Equal(c.month) {
		c.markStale()
		return decide(customerID, label, figures{budget: c.figures[customerID].budget}, 0, c.policies[customerID], c.refreshedAt)
	}
	return decide(customerID, label, c.figures[customerID], c.delta[customerID], c.policies[customerID], c.refreshedAt)
}

// Ingested records an ingest. The spend of new events is added at once; a
// billing file re-reads the figures before returning (its lines may restate
// the month); an event ingest that met already-stored events, whose new
// spend per customer is unknown, marks the figures stale for the Run loop.
func (c *Checker) Ingested(ctx context.Context, sum *cost.IngestSummary) error {
	switch {
	case sum == nil:
		return nil
	case sum.Spend == nil && sum.LinesWritten > 0:
		return c.Refresh(ctx)
	case sum.EventsDuplicate > 0:
		c.markStale()
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, usd := range sum.Spend {
		if k.Month.Equal(c.month) {
			c.delta[k.CustomerID] += usd
		}
	}
	return nil
}

// markStale asks the Run loop for a refresh.
func (c *Checker) markStale() {
	select {
	case c.stale <- struct{}{}:
	default:
	}
}

// Refresh reads every customer's month-to-date spend, budget, forecast and
// policy from the query layer and the store.
func (c *Checker) Refresh(ctx context.Context) error {
	c.refreshMu.Lock()
	defer c.refreshMu.Unlock()
	now := c.query.Now().UTC()
	c.mu.Lock()
	pending := c.delta
	c.delta = map[string]float64{}
	c.mu.Unlock()
	figs, policies, err := c.read(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		for id, usd := range pending { // Keep what the failed refresh would have replaced.
			c.delta[id] += usd
		}
		return err
	}
	c.month, c.figures, c.policies, c.refreshedAt = cost.MonthOf(now), figs, policies, time.Now().UTC()
	return nil
}

// read loads the figures and policies.
func (c *Checker) read(ctx context.Context) (map[string]figures, map[string]Policy, error) {
	admin := cost.AdminPrincipal()
	res, err := c.query.Query(ctx, admin, cost.Query{Metrics: []cost.Metric{cost.MetricCost},
		GroupBy: []cost.Dimension{cost.DimCustomer}, Period: cost.Period{Name: "this_month"}})
	if err != nil {
		return nil, nil, err
	}
	figs := map[string]figures{}
	for _, row := range res.Rows {
		id, _ := row[0].(string)
		usd, _ := row[1].(float64)
		figs[id] = figures{spent: usd, projected: usd}
	}
	statuses, err := c.query.BudgetStatuses(ctx, admin)
	if err != nil {
		return nil, nil, err
	}
	for _, st := range statuses {
		if st.CustomerID == "" || !st.HasBudget {
			continue
		}
		b := st.Budget
		figs[st.CustomerID] = figures{spent: st.Spent, projected: st.Projected, budget: &b}
	}
	policies, err := c.loadPolicies(ctx)
	return figs, policies, err
}

// loadPolicies reads the stored policies.
func (c *Checker) loadPolicies(ctx context.Context) (map[string]Policy, error) {
	s, err := c.store.Setting(ctx, policiesSetting)
	if cost.ErrorCode(err) == cost.CodeNotFound {
		return map[string]Policy{}, nil
	} else if err != nil {
		return nil, err
	}
	return decodePolicies(s)
}

// Policy returns a customer's policy, or the default one.
func (c *Checker) Policy(ctx context.Context, customerID string) (Policy, error) {
	ps, err := c.loadPolicies(ctx)
	if err != nil {
		return Policy{}, err
	}
	if p, ok := ps[customerID]; ok {
		return p.normalize(), nil
	}
	return DefaultPolicy(), nil
}

// SetPolicy stores a customer's policy and applies it to the next checks.
func (c *Checker) SetPolicy(ctx context.Context, customerID string, p Policy) (Policy, error) {
	if err := p.Validate(); err != nil {
		return Policy{}, err
	}
	if customerID == "" || len(customerID) > 200 {
		return Policy{}, cost.FieldErrorf("customer_id", "A customer id of at most 200 characters is required.")
	}
	p = p.normalize()
	c.refreshMu.Lock()
	defer c.refreshMu.Unlock()
	ps, err := c.loadPolicies(ctx)
	if err != nil {
		return Policy{}, err
	}
	ps[customerID] = p
	b, err := json.Marshal(ps)
	if err != nil {
		return Policy{}, err
	}
	if err := c.store.SetSetting(ctx, policiesSetting, string(b)); err != nil {
		return Policy{}, err
	}
	c.mu.Lock()
	c.policies = ps
	c.mu.Unlock()
	return p, nil
}

// Run refreshes the figures every interval, and soon after they are marked
// stale (a billing ingest, a budget change, a new month), until ctx ends.
func (c *Checker) Run(ctx context.Context, every time.Duration) {
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		case <-c.stale:
		}
		if err := c.Refresh(ctx); err != nil && ctx.Err() == nil {
			c.log.Warn("budget check refresh failed", "err", err)
		}
	}
}

// Changed re-reads the figures after a budget was set or removed.
func (c *Checker) Changed(ctx context.Context) error { return c.Refresh(ctx) }
