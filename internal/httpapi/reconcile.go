package httpapi

import (
	"net/http"

	"github.com/llmcost/llmcost/internal/cost"
)

// registerReconcileRoutes adds the billed-vs-estimated reconciliation route.
func (s *Server) registerReconcileRoutes() {
	s.handle("GET /api/v1/reconciliation", s.adminOnly(s.handleReconcile))
}

// handleReconcile compares billed with event-estimated cost per provider-day
// over from/to (default the last 30 days).
func (s *Server) handleReconcile(w http.ResponseWriter, r *http.Request) {
	rc, ok := s.cfg.Query.(cost.Reconciler)
	if !ok {
		s.writeError(w, r, cost.Errorf(cost.CodeNotImplemented, "This server's query service cannot reconcile."))
		return
	}
	rg, err := dateRange(r, s.now())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := rc.Reconcile(r.Context(), principal(r), rg)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, res)
}
