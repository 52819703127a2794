package httpapi

import (
	"net/http"
	"time"
)

// handleHealth reports that the server is up. It needs no token.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	s.writeJSON(w, r, http.StatusOK, struct {
		Status string    `json:"status"`
		Time   time.Time `json:"time"`
	}{"ok", s.now().UTC()})
}
