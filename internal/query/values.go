package query

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// allTime is the range Values reads: every date a cost line can carry.
var allTime = cost.DateRange{From: time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC),
	To: time.Date(2999, 12, 31, 0, 0, 0, 0, time.UTC)}

// Values lists the distinct non-empty values of d in p's scope over all time,
// sorted. Returns CodeInvalid for an unknown dimension.
func (s *Service) Values(ctx context.Context, p cost.Principal, d cost.Dimension) ([]string, error) {
	if !slices.Contains(cost.AllDimensions, d) {
		return nil, cost.FieldErrorf("dimension", "Unknown dimension %q.", d)
	}
	filters, err := scopeFilters(p, nil)
	if err != nil {
		return nil, err
	}
	vs, err := s.store.Distinct(ctx, d, &cost.AggregateQuery{Filters: filters, From: allTime.From, To: allTime.To})
	if err != nil {
		return nil, fmt.Errorf("query.values: %w", err)
	}
	out := []string{}
	for _, v := range vs {
		if v != "" {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// Customers lists the customers p may see: for an admin every named customer and
// every customer id found in the data (named by its id when it has no name); for
// a customer principal only itself.
func (s *Service) Customers(ctx context.Context, p cost.Principal) ([]cost.Customer, error) {
	if _, err := scopeFilters(p, nil); err != nil {
		return nil, err
	}
	named, err := s.store.Customers(ctx)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, c := range named {
		names[c.ID] = c.Name
	}
	if !p.Admin {
		name := names[p.CustomerID]
		if name == "" {
			name = p.CustomerID
		}
		return []cost.Customer{{ID: p.CustomerID, Name: name}}, nil
	}
	ids, err := s.Values(ctx, p, cost.DimCustomer)
	if err != nil {
		return nil, err
	}
	for id := range names {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	out := make([]cost.Customer, 0, len(ids))
	for _, id := range ids {
		name := names[id]
		if name == "" {
			name = id
		}
		out = append(out, cost.Customer{ID: id, Name: name})
	}
	return out, nil
}
