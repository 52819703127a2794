package httpapi

import (
	"net/http"

	"github.com/llmcost/llmcost/internal/cost"
)

// handleQuery runs a typed cost query in the caller's scope.
func (s *Server) handleQuery(w http.ResponseWriter, r *http.Request) {
	var q cost.Query
	if err := s.decodeJSON(w, r, &q); err != nil {
		s.writeError(w, r, err)
		return
	}
	if s.notModified(w, r, q) {
		return
	}
	res, err := s.cfg.Query.Query(r.Context(), principal(r), q)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, res)
}

func (s *Server) handleQuickStats(w http.ResponseWriter, r *http.Request) {
	id, err := customerParam(r, "customer_id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if s.notModified(w, r, nil) {
		return
	}
	st, err := s.cfg.Query.QuickStats(r.Context(), principal(r), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, st)
}
