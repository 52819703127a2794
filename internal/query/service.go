// Package query is llmcost's one query layer: it validates typed cost queries,
// resolves their periods against the clock, applies the principal's tenant scope,
// runs them on a cost.Store, and builds the dashboards' named panels, quick stats,
// anomalies, spike explanations, forecasts and budget status on top of them.
package query

import (
	"context"
	"fmt"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// Service implements cost.QueryService over a cost.Store.
type Service struct {
	store cost.Store
	now   func() time.Time
	// shared, when set, keeps the base aggregates panels share (NewCached).
	shared *sharedAggregates
}

var _ cost.QueryService = (*Service)(nil)

// NewService returns a query service over store. now is the clock (nil = time.Now);
// "today" is its UTC day.
func NewService(store cost.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, now: now}
}

// Now returns the service clock's current time.
func (s *Service) Now() time.Time { return s.now() }

func (s *Service) today() time.Time { return cost.Day(s.now()) }

// Query validates q, resolves its period, applies p's scope and runs it. With
// Compare, every metric m gains a column "m_previous" for cost.PreviousRange of the
// period, joined on the group-by keys (time keys shifted by the offset between the
// periods); rows missing on either side get 0. Returns CodeInvalid for a bad query
// and CodeForbidden when a customer principal filters on another customer.
func (s *Service) Query(ctx context.Context, p cost.Principal, q cost.Query) (*cost.Result, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	r, err := q.Period.Resolve(s.now())
	if err != nil {
		return nil, err
	}
	filters, err := scopeFilters(p, q.Filters)
	if err != nil {
		return nil, err
	}
	aq := &cost.AggregateQuery{Metrics: q.Metrics, GroupBy: q.GroupBy, Filters: filters,
		Having: q.Having, From: r.From, To: r.To, OrderBy: q.OrderBy, Limit: q.Limit}
	f, err := s.store.Aggregate(ctx, aq)
	if err != nil {
		return nil, err
	}
	res := &cost.Result{Frame: *f, Period: r}
	if !q.Compare {
		return res, nil
	}
	prev := cost.PreviousRange(r)
	pq := *aq
	pq.From, pq.To, pq.Having, pq.Limit, pq.OrderBy = prev.From, prev.To, nil, 0, nil
	pf, err := s.store.Aggregate(ctx, &pq)
	if err != nil {
		return nil, err
	}
	res.Frame = joinPrevious(*f, *pf, q, r, prev)
	res.Previous = &prev
	return res, nil
}

// aggregate runs an already-scoped query over r.
func (s *Service) aggregate(ctx context.Context, r cost.DateRange, q cost.AggregateQuery) (*cost.Frame, error) {
	q.From, q.To = r.From, r.To
	f, err := s.store.Aggregate(ctx, &q)
	if err != nil {
		return nil, fmt.Errorf("query.aggregate: %w", err)
	}
	return f, nil
}

// total returns one metric summed over r under the (scoped) filters.
func (s *Service) total(ctx context.Context, r cost.DateRange, m cost.Metric, filters []cost.Filter) (float64, error) {
	f, err := s.aggregate(ctx, r, cost.AggregateQuery{Metrics: []cost.Metric{m}, Filters: filters})
	if err != nil {
		return 0, err
	}
	if len(f.Rows) == 0 {
		return 0, nil
	}
	return num(f.Rows[0][0]), nil
}

// num reads a frame cell: cost.Number.
func num(v any) float64 { return cost.Number(v) }

// str reads a frame string or date; NULL reads as "".
func str(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case time.Time:
		return x.Format(cost.DateLayout)
	}
	return fmt.Sprint(v)
}

// nullable returns nil for a frame NULL, else the number.
func nullable(v any) any {
	if v == nil {
		return nil
	}
	return num(v)
}
