package query

import (
	"slices"

	"github.com/llmcost/llmcost/internal/cost"
)

// scopeFilters returns filters narrowed to p's scope. For a customer principal it
// appends customer_id = own, and returns CodeForbidden when a customer_id filter
// names any other customer (eq, in, prefix); not_in can only narrow and is kept.
// A customer principal without an id is refused. Admin filters pass unchanged.
func scopeFilters(p cost.Principal, filters []cost.Filter) ([]cost.Filter, error) {
	if p.Admin {
		return filters, nil
	}
	if p.CustomerID == "" {
		return nil, cost.Errorf(cost.CodeForbidden, "This principal has no customer scope.")
	}
	for _, f := range filters {
		if f.Dimension != cost.DimCustomer || f.Op == cost.OpNotIn {
			continue
		}
		for _, v := range f.Values {
			if v != p.CustomerID {
				return nil, forbidden(p)
			}
		}
	}
	out := slices.Clone(filters)
	return append(out, cost.Filter{Dimension: cost.DimCustomer, Op: cost.OpEq, Values: []string{p.CustomerID}}), nil
}

// scopeCustomer returns the customer a request about customerID may see: an
// admin's choice as given ("" = the organisation), a customer principal's own id
// (for "" or its own), and CodeForbidden for any other customer.
func scopeCustomer(p cost.Principal, customerID string) (string, error) {
	if p.Admin {
		return customerID, nil
	}
	if p.CustomerID == "" {
		return "", cost.Errorf(cost.CodeForbidden, "This principal has no customer scope.")
	}
	if customerID != "" && customerID != p.CustomerID {
		return "", forbidden(p)
	}
	return p.CustomerID, nil
}

func forbidden(p cost.Principal) error {
	return cost.Errorf(cost.CodeForbidden, "A customer token may only see its own customer (%s).", p.CustomerID)
}

// customerFilters returns the scoped filters for one customer ("" = all) plus extra.
func customerFilters(p cost.Principal, customerID string, extra []cost.Filter) ([]cost.Filter, error) {
	id, err := scopeCustomer(p, customerID)
	if err != nil {
		return nil, err
	}
	fs := slices.Clone(extra)
	if id != "" && id != orgBudgetID {
		fs = append(fs, cost.Filter{Dimension: cost.DimCustomer, Op: cost.OpEq, Values: []string{id}})
	}
	return scopeFilters(p, fs)
}

// orgBudgetID is how the API names the organisation's budget.
const orgBudgetID = "_org"
