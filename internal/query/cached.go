package query

import (
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"slices"

	"github.com/llmcost/llmcost/internal/cost"
)

// DefaultCacheBytes bounds the result cache when NewCached is given no size.
const DefaultCacheBytes = 128 << 20

// Cached is a Service whose answers are kept in a result cache, keyed by the
// principal's scope, the request, "today" (periods are relative to it) and the
// store's data version. The data version changes with every ingest, allocation,
// restatement, budget and customer change, so a cached answer is never stale:
// the version is read before an answer is computed and the answer stored under
// it. The cache is bounded in bytes (least recently used entries go first).
// Answers are shared between callers: each call gets its own copy of the
// top-level slices and maps, never of the cached value itself.
type Cached struct {
	*Service
	cache *lru
	log   *slog.Logger
}

var (
	_ cost.QueryService = (*Cached)(nil)
	_ cost.Reconciler   = (*Cached)(nil)
)

// NewCached wraps s in a result cache of at most maxBytes (0 = DefaultCacheBytes).
// Errors reading the data version are logged and the answer is computed uncached.
// It also has s share base aggregates between the panels of a dashboard, by
// data version (the customers dashboard's cost by day and customer).
func NewCached(s *Service, maxBytes int64, log *slog.Logger) *Cached {
	if maxBytes <= 0 {
		maxBytes = DefaultCacheBytes
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if s.shared == nil {
		s.shared = newSharedAggregates()
	}
	return &Cached{Service: s, cache: newLRU(maxBytes), log: log}
}

// CacheStats returns the cache's counters.
func (c *Cached) CacheStats() cost.CacheStats { return c.cache.stats() }

// cacheKey is everything an answer depends on.
type cacheKey struct {
	Kind      string         `json:"k"`
	Principal cost.Principal `json:"p"`
	Request   any            `json:"r"`
	Today     string         `json:"t"`
	Version   string         `json:"v"`
}

// remember returns the answer of run for (kind, p, req) from the cache, or runs
// it and stores the answer. Errors are not cached.
func remember[T any](ctx context.Context, c *Cached, kind string, p cost.Principal, req any,
	clone func(T) T, run func() (T, error)) (T, error) {
	v, err := c.store.DataVersion(ctx)
	if err != nil {
		c.log.Warn("result cache: data version", "err", err)
		return run()
	}
	k, err := json.Marshal(cacheKey{Kind: kind, Principal: p, Request: req,
		Today: c.today().Format(cost.DateLayout), Version: v})
	if err != nil {
		return run()
	}
	key := string(k)
	if x, ok := c.cache.get(key); ok {
		return clone(x.(T)), nil
	}
	out, err := run()
	if err != nil {
		return out, err
	}
	if size, ok := answerSize(out); ok {
		c.cache.put(key, out, size+int64(2*len(key)+256))
	}
	return clone(out), nil
}

// answerSize estimates the bytes an answer holds as the length of its JSON.
// A result's cells are counted rather than encoded, as a panel's thousands of
// rows would otherwise be encoded once more just to be measured; any other
// answer, a few fields, is encoded. It reports false when the answer cannot
// be encoded.
func answerSize(v any) (int64, bool) {
	r, ok := v.(*cost.Result)
	if !ok || r == nil {
		b, err := json.Marshal(v)
		return int64(len(b)), err == nil
	}
	n := int64(256 + 32*len(r.Meta))
	for _, c := range append(slices.Clone(r.Columns), r.Types...) {
		n += int64(len(c)) + 3
	}
	for _, row := range r.Rows {
		n += 3
		for _, cell := range row {
			if s, ok := cell.(string); ok {
				n += int64(len(s)) + 3
			} else {
				n += 20 // A number's digits, or null.
			}
		}
	}
	return n, true
}

// Query is Service.Query, cached.
func (c *Cached) Query(ctx context.Context, p cost.Principal, q cost.Query) (*cost.Result, error) {
	return remember(ctx, c, "query", p, q, cloneResult, func() (*cost.Result, error) { return c.Service.Query(ctx, p, q) })
}

// Panel is Service.Panel, cached.
func (c *Cached) Panel(ctx context.Context, p cost.Principal, req cost.PanelRequest) (*cost.Result, error) {
	return remember(ctx, c, "panel", p, req, cloneResult, func() (*cost.Result, error) { return c.Service.Panel(ctx, p, req) })
}

// Values is Service.Values, cached.
func (c *Cached) Values(ctx context.Context, p cost.Principal, d cost.Dimension) ([]string, error) {
	return remember(ctx, c, "values", p, d, slices.Clone[[]string], func() ([]string, error) { return c.Service.Values(ctx, p, d) })
}

// Customers is Service.Customers, cached.
func (c *Cached) Customers(ctx context.Context, p cost.Principal) ([]cost.Customer, error) {
	return remember(ctx, c, "customers", p, nil, slices.Clone[[]cost.Customer],
		func() ([]cost.Customer, error) { return c.Service.Customers(ctx, p) })
}

// QuickStats is Service.QuickStats, cached; AsOf is the time of the call.
func (c *Cached) QuickStats(ctx context.Context, p cost.Principal, customerID string) (*cost.QuickStats, error) {
	qs, err := remember(ctx, c, "quick-stats", p, customerID, cloneQuickStats,
		func() (*cost.QuickStats, error) { return c.Service.QuickStats(ctx, p, customerID) })
	if err == nil {
		qs.AsOf = c.now().UTC()
	}
	return qs, err
}

// Anomalies is Service.Anomalies, cached.
func (c *Cached) Anomalies(ctx context.Context, p cost.Principal, req cost.AnomalyRequest) (*cost.AnomalyReport, error) {
	return remember(ctx, c, "anomalies", p, req, func(r *cost.AnomalyReport) *cost.AnomalyReport {
		out := *r
		out.Series, out.Anomalies = slices.Clone(r.Series), slices.Clone(r.Anomalies)
		return &out
	}, func() (*cost.AnomalyReport, error) { return c.Service.Anomalies(ctx, p, req) })
}

// Explain is Service.Explain, cached.
func (c *Cached) Explain(ctx context.Context, p cost.Principal, req cost.ExplainRequest) (*cost.Explanation, error) {
	return remember(ctx, c, "explain", p, req, func(e *cost.Explanation) *cost.Explanation {
		out := *e
		out.Contributions, out.Top = slices.Clone(e.Contributions), slices.Clone(e.Top)
		return &out
	}, func() (*cost.Explanation, error) { return c.Service.Explain(ctx, p, req) })
}

// Forecast is Service.Forecast, cached.
func (c *Cached) Forecast(ctx context.Context, p cost.Principal, customerID string) (*cost.Forecast, error) {
	return remember(ctx, c, "forecast", p, customerID, func(f *cost.Forecast) *cost.Forecast {
		out := *f
		out.Budget, out.DaysUntilExhausted = clonePtr(f.Budget), clonePtr(f.DaysUntilExhausted)
		return &out
	}, func() (*cost.Forecast, error) { return c.Service.Forecast(ctx, p, customerID) })
}

// BudgetStatus is Service.BudgetStatus, cached.
func (c *Cached) BudgetStatus(ctx context.Context, p cost.Principal, customerID string) (*cost.BudgetStatus, error) {
	return remember(ctx, c, "budget-status", p, customerID, clonePtr[cost.BudgetStatus],
		func() (*cost.BudgetStatus, error) { return c.Service.BudgetStatus(ctx, p, customerID) })
}

// BudgetStatuses is Service.BudgetStatuses, cached.
func (c *Cached) BudgetStatuses(ctx context.Context, p cost.Principal) ([]cost.BudgetStatus, error) {
	return remember(ctx, c, "budget-statuses", p, nil, slices.Clone[[]cost.BudgetStatus],
		func() ([]cost.BudgetStatus, error) { return c.Service.BudgetStatuses(ctx, p) })
}

// Reconcile is Service.Reconcile, cached.
func (c *Cached) Reconcile(ctx context.Context, p cost.Principal, req cost.ReconcileRequest) (*cost.Reconciliation, error) {
	return remember(ctx, c, "reconcile", p, req, func(x *cost.Reconciliation) *cost.Reconciliation {
		out := *x
		out.Rows = slices.Clone(x.Rows)
		return &out
	}, func() (*cost.Reconciliation, error) { return c.Service.Reconcile(ctx, p, req) })
}

// Allocate is Service.Allocate, cached.
func (c *Cached) Allocate(ctx context.Context, p cost.Principal, req cost.AllocationRequest) (*cost.Allocation, error) {
	return remember(ctx, c, "allocate", p, req, func(a *cost.Allocation) *cost.Allocation {
		out := *a
		out.Shares = slices.Clone(a.Shares)
		return &out
	}, func() (*cost.Allocation, error) { return c.Service.Allocate(ctx, p, req) })
}

func cloneResult(r *cost.Result) *cost.Result {
	out := *r
	out.Columns, out.Types = slices.Clone(r.Columns), slices.Clone(r.Types)
	out.Rows = make([][]any, len(r.Rows))
	for i, row := range r.Rows {
		out.Rows[i] = slices.Clone(row)
	}
	out.Previous = clonePtr(r.Previous)
	if r.Meta != nil {
		out.Meta = maps.Clone(r.Meta)
	}
	return &out
}

func cloneQuickStats(q *cost.QuickStats) *cost.QuickStats {
	out := *q
	out.Budget, out.BudgetUsedPercent = clonePtr(q.Budget), clonePtr(q.BudgetUsedPercent)
	out.UnpricedModels = slices.Clone(q.UnpricedModels)
	out.DataThrough = clonePtr(q.DataThrough)
	return &out
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
