package cost

import "context"

// Principal is who is asking: an admin (all customers) or one customer.
type Principal struct {
	// CustomerID is "" for an admin.
	CustomerID string `json:"customer_id,omitempty"`
	Admin      bool   `json:"admin"`
}

// AdminPrincipal returns the all-customers principal.
func AdminPrincipal() Principal { return Principal{Admin: true} }

// CustomerPrincipal returns a principal scoped to one customer.
func CustomerPrincipal(id string) Principal { return Principal{CustomerID: id} }

// IsCustomer reports whether p is scoped to a single customer.
func (p Principal) IsCustomer() bool { return !p.Admin }

// String returns "admin" or "customer:<id>", for logs.
func (p Principal) String() string {
	if p.Admin {
		return "admin"
	}
	return "customer:" + p.CustomerID
}

type principalKey struct{}

// NewContextWithPrincipal returns ctx carrying p.
func NewContextWithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFromContext returns the principal in ctx and whether there was one.
func PrincipalFromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}
