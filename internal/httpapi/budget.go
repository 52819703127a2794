package httpapi

import (
	"net/http"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// budgetJSON is a budget as the API shows it: the organisation's budget has
// customer id "_org".
type budgetJSON struct {
	CustomerID string    `json:"customer_id"`
	MonthlyUSD float64   `json:"monthly_usd"`
	UpdatedAt  time.Time `json:"updated_at,omitzero"`
}

func toBudgetJSON(b cost.Budget) budgetJSON {
	id := b.CustomerID
	if id == "" {
		id = OrgBudgetID
	}
	return budgetJSON{CustomerID: id, MonthlyUSD: b.MonthlyUSD, UpdatedAt: b.UpdatedAt}
}

// budgetID maps the {customer_id} path value to the store's id ("_org" → "").
func budgetID(r *http.Request) (string, error) {
	id := r.PathValue("customer_id")
	if id == OrgBudgetID {
		return "", nil
	}
	return id, checkScope(principal(r), id)
}

// handleListBudgets lists all budgets for an admin, and only its own for a customer.
func (s *Server) handleListBudgets(w http.ResponseWriter, r *http.Request) {
	bs, err := s.cfg.Store.Budgets(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	p := principal(r)
	out := []budgetJSON{}
	for _, b := range bs {
		if p.Admin || b.CustomerID == p.CustomerID {
			out = append(out, toBudgetJSON(b))
		}
	}
	s.writeJSON(w, r, http.StatusOK, out)
}

func (s *Server) handleGetBudget(w http.ResponseWriter, r *http.Request) {
	id, err := budgetID(r)
	if err == nil && id == "" && !principal(r).Admin {
		err = cost.Errorf(cost.CodeForbidden, "Only the admin may see the organisation budget.")
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	b, err := s.cfg.Store.Budget(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, toBudgetJSON(*b))
}

// budgetRequest is the body of PUT /api/v1/budgets/{customer_id}.
type budgetRequest struct {
	CustomerID string   `json:"customer_id,omitempty"`
	MonthlyUSD *float64 `json:"monthly_usd"`
}

func (s *Server) handlePutBudget(w http.ResponseWriter, r *http.Request) {
	id, _ := budgetID(r) // Admin only: scope cannot fail.
	var req budgetRequest
	if err := s.decodeJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	b, err := req.budget(id, r.PathValue("customer_id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.cfg.Store.SetBudget(r.Context(), b); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.budgetsChanged(r.Context())
	// Answer with the stored budget: the store stamps updated_at with its clock.
	stored, err := s.cfg.Store.Budget(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, toBudgetJSON(*stored))
}

// budget validates the request against the path's customer id.
func (req budgetRequest) budget(id, pathID string) (cost.Budget, error) {
	if req.CustomerID != "" && req.CustomerID != pathID {
		return cost.Budget{}, cost.FieldErrorf("customer_id", "Body customer_id %q does not match the URL's %q.", req.CustomerID, pathID)
	}
	if req.MonthlyUSD == nil {
		return cost.Budget{}, cost.FieldErrorf("monthly_usd", "monthly_usd is required.")
	}
	b := cost.Budget{CustomerID: id, MonthlyUSD: *req.MonthlyUSD}
	return b, b.Validate()
}

func (s *Server) handleDeleteBudget(w http.ResponseWriter, r *http.Request) {
	id, _ := budgetID(r) // Admin only: scope cannot fail.
	if err := s.cfg.Store.DeleteBudget(r.Context(), id); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.budgetsChanged(r.Context())
	w.WriteHeader(http.StatusNoContent)
}

// handleBudgetStatus returns one budget status, or with all=1 (admin) every
// customer's with a budget.
func (s *Server) handleBudgetStatus(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	if all := query(r).Get("all"); all == "1" || all == "true" {
		sts, err := s.cfg.Query.BudgetStatuses(r.Context(), p)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if sts == nil {
			sts = []cost.BudgetStatus{}
		}
		s.writeJSON(w, r, http.StatusOK, sts)
		return
	}
	id, err := customerParam(r, "customer_id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if id == OrgBudgetID {
		id = ""
	}
	st, err := s.cfg.Query.BudgetStatus(r.Context(), p, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, st)
}
