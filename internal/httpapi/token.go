package httpapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// defaultTokenTTL applies when a token request gives no ttl_seconds.
const defaultTokenTTL = 24 * time.Hour

// meResponse is the body of GET /api/v1/me.
type meResponse struct {
	Admin      bool   `json:"admin"`
	CustomerID string `json:"customer_id"`
}

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	s.writeJSON(w, r, http.StatusOK, meResponse{Admin: p.Admin, CustomerID: p.CustomerID})
}

// tokenRequest is the body of POST /api/v1/tokens.
type tokenRequest struct {
	CustomerID string `json:"customer_id"`
	TTLSeconds *int64 `json:"ttl_seconds"`
}

// tokenResponse is a freshly minted customer token.
type tokenResponse struct {
	Token      string    `json:"token"`
	ExpiresAt  time.Time `json:"expires_at"`
	CustomerID string    `json:"customer_id"`
}

func (s *Server) handleMintToken(w http.ResponseWriter, r *http.Request) {
	var req tokenRequest
	if err := s.decodeJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	ttl := defaultTokenTTL
	if req.TTLSeconds != nil {
		if *req.TTLSeconds <= 0 || *req.TTLSeconds > int64(1<<40) {
			s.writeError(w, r, cost.FieldErrorf("ttl_seconds", "ttl_seconds must be a positive number of seconds."))
			return
		}
		ttl = time.Duration(*req.TTLSeconds) * time.Second
	}
	tok, exp, err := s.cfg.Keyring.Mint(req.CustomerID, ttl, s.now())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.log.Info("customer token minted", "customer_id", req.CustomerID, "expires_at", exp)
	s.writeJSON(w, r, http.StatusCreated, tokenResponse{Token: tok, ExpiresAt: exp, CustomerID: req.CustomerID})
}

// handleMintLinkToken gives a customer token holder (e.g. the chat widget) a
// short-lived token for its own customer, to open a dashboard link with.
func (s *Server) handleMintLinkToken(w http.ResponseWriter, r *http.Request) {
	_, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	tok, exp, err := s.cfg.Keyring.MintLink(strings.TrimSpace(token), s.now())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	p := principal(r)
	s.writeJSON(w, r, http.StatusCreated, tokenResponse{Token: tok, ExpiresAt: exp, CustomerID: p.CustomerID})
}
