package query

import (
	"context"
	"encoding/json"
	"errors"
	"sync"

	"github.com/llmcost/llmcost/internal/cost"
)

// sharedKept is how many base aggregates a service keeps once computed.
const sharedKept = 8

// sharedAggregates lets the panels of one dashboard, which the web UI requests
// together, share a base aggregate they each roll up: the first request of a
// (query, data version) runs it and the others wait for its answer. The last
// sharedKept answers are kept; a new data version is a new key, so a kept
// answer is never stale.
type sharedAggregates struct {
	mu   sync.Mutex
	m    map[string]*sharedAggregate
	keys []string // Oldest first.
}

type sharedAggregate struct {
	done chan struct{}
	f    *cost.Frame // Read only: shared by every caller.
	err  error
}

func newSharedAggregates() *sharedAggregates {
	return &sharedAggregates{m: map[string]*sharedAggregate{}}
}

// do returns the answer kept under key, waiting for it while it is computed,
// or runs run and keeps its answer. Errors are not kept. A caller whose wait
// ends because the request computing the answer was cancelled computes it
// anew (run is the caller's own, bound to its context).
func (s *sharedAggregates) do(ctx context.Context, key string, run func() (*cost.Frame, error)) (*cost.Frame, error) {
	s.mu.Lock()
	if e, ok := s.m[key]; ok {
		s.mu.Unlock()
		select {
		case <-e.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if cancelled(e.err) && ctx.Err() == nil {
			return s.do(ctx, key, run)
		}
		return e.f, e.err
	}
	e := &sharedAggregate{done: make(chan struct{})}
	s.m[key], s.keys = e, append(s.keys, key)
	for len(s.keys) > sharedKept {
		delete(s.m, s.keys[0])
		s.keys = s.keys[1:]
	}
	s.mu.Unlock()
	e.f, e.err = run()
	close(e.done)
	if e.err != nil {
		s.mu.Lock()
		if s.m[key] == e {
			delete(s.m, key)
		}
		s.mu.Unlock()
	}
	return e.f, e.err
}

// cancelled reports whether err ended a computation because its request's
// context was cancelled or timed out.
func cancelled(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// sharing reports whether the service shares base aggregates between panels
// (NewCached turns it on).
func (s *Service) sharing() bool { return s.shared != nil }

// base runs an already-scoped query over r as aggregate does, sharing its
// answer between concurrent and later callers of the same data version when
// the service shares aggregates. The frame it returns must not be changed.
func (s *Service) base(ctx context.Context, r cost.DateRange, q cost.AggregateQuery) (*cost.Frame, error) {
	if s.shared == nil {
		return s.aggregate(ctx, r, q)
	}
	v, err := s.store.DataVersion(ctx)
	if err != nil {
		return s.aggregate(ctx, r, q)
	}
	q.From, q.To = r.From, r.To
	if len(q.Filters) == 0 {
		q.Filters = nil // No filters, however given, are one key.
	}
	k, err := json.Marshal(struct {
		Query   cost.AggregateQuery `json:"q"`
		Version string              `json:"v"`
	}{q, v})
	if err != nil {
		return s.aggregate(ctx, r, q)
	}
	return s.shared.do(ctx, string(k), func() (*cost.Frame, error) { return s.aggregate(ctx, r, q) })
}
