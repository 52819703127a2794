package httpapi

import (
	"context"
	"net/http"
	"time"
)

// pinger is a store that can say whether it still answers queries.
type pinger interface {
	Ping(ctx context.Context) error
}

// handleHealth reports that the server is up and its store answers (503 when
// it does not, e.g. after a fatal engine error that needs a restart). It needs
// no token.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	status, code := "ok", http.StatusOK
	if p, ok := s.cfg.Store.(pinger); ok {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		if err := p.Ping(ctx); err != nil {
			s.log.Error("health: the store does not answer", "err", err)
			status, code = "store unavailable", http.StatusServiceUnavailable
		}
	}
	s.writeJSON(w, r, code, struct {
		Status string    `json:"status"`
		Time   time.Time `json:"time"`
	}{status, s.now().UTC()})
}
