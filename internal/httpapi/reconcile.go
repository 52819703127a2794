package httpapi

import (
	"net/http"

	"github.com/llmcost/llmcost/internal/cost"
)

// registerReconcileRoutes adds the billed-vs-estimated reconciliation route.
func (s *Server) registerReconcileRoutes() {
	s.handle("GET /api/v1/reconciliation", s.adminOnly(s.handleReconcile))
	s.handle("GET /api/v1/reconciliation/allocation", s.adminOnly(s.handleAllocate))
}

// reconciler returns the query service's reconciler, or CodeNotImplemented.
func (s *Server) reconciler() (cost.Reconciler, error) {
	rc, ok := s.cfg.Query.(cost.Reconciler)
	if !ok {
		return nil, cost.Errorf(cost.CodeNotImplemented, "This server's query service cannot reconcile.")
	}
	return rc, nil
}

// handleReconcile compares billed with event-estimated cost per provider-day
// over from/to (default the last 30 days), narrowed by the dashboard
// variables a panel takes: var-cloud_provider and var-model (repeatable) and
// var-customer_id.
func (s *Server) handleReconcile(w http.ResponseWriter, r *http.Request) {
	rc, err := s.reconciler()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	req, err := s.reconcileRequest(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if s.notModified(w, r, nil) {
		return
	}
	res, err := rc.Reconcile(r.Context(), principal(r), req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, res)
}

func (s *Server) reconcileRequest(r *http.Request) (cost.ReconcileRequest, error) {
	var req cost.ReconcileRequest
	var err error
	if req.Range, err = dateRange(r, s.now()); err != nil {
		return req, err
	}
	if req.CustomerID, err = customerParam(r, "var-customer_id"); err != nil {
		return req, err
	}
	if req.CustomerID == OrgBudgetID {
		req.CustomerID = ""
	}
	req.Providers, req.Models = varValues(r, "cloud_provider"), varValues(r, "model")
	return req, nil
}

// handleAllocate splits one model-day's billed cost across customers by their
// event tokens: ?date=YYYY-MM-DD&cloud_provider=AWS&model=claude-3-5-sonnet.
func (s *Server) handleAllocate(w http.ResponseWriter, r *http.Request) {
	rc, err := s.reconciler()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	q := query(r)
	day, err := cost.ParseDate(q.Get("date"))
	if err != nil {
		s.writeError(w, r, cost.FieldErrorf("date", "date must be a YYYY-MM-DD day, not %q.", q.Get("date")))
		return
	}
	req := cost.AllocationRequest{Date: day, CloudProvider: q.Get("cloud_provider"), Model: q.Get("model")}
	if s.notModified(w, r, nil) {
		return
	}
	res, err := rc.Allocate(r.Context(), principal(r), req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, res)
}
