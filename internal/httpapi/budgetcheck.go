package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/budgetcheck"
	"github.com/llmcost/llmcost/internal/cost"
)

// DefaultGatewayCustomerHeader is the request header that names the customer in
// the Envoy ext_authz mode of the budget check.
const DefaultGatewayCustomerHeader = "x-llmcost-customer-id"

// gatewayTokenHeader carries the llmcost token in the Envoy ext_authz mode,
// where Authorization is the original request's own credential.
const gatewayTokenHeader = "x-llmcost-token"

// handleBudgetCheck answers GET /api/v1/budget-check?customer_id=ID: 200 with
// allowed true, or 403 with allowed false, from memory.
func (s *Server) handleBudgetCheck(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimSpace(r.URL.Query().Get("customer_id"))
	s.budgetCheck(w, r, bearer(r.Header.Get("Authorization")), id, "customer_id")
}

// handleEnvoyCheck is the budget check as an Envoy HTTP ext_authz service: Envoy
// forwards the original request's method, path (after the configured prefix)
// and headers; the customer comes from the configured header and the llmcost
// token from x-llmcost-token (or Authorization).
func (s *Server) handleEnvoyCheck(w http.ResponseWriter, r *http.Request) {
	header := s.cfg.GatewayCustomerHeader
	if header == "" {
		header = DefaultGatewayCustomerHeader
	}
	token := strings.TrimSpace(r.Header.Get(gatewayTokenHeader))
	if token == "" {
		token = bearer(r.Header.Get("Authorization"))
	}
	s.budgetCheck(w, r, token, strings.TrimSpace(r.Header.Get(header)), header)
}

// budgetCheck authenticates token (admin, the customer itself, or a gateway)
// and writes the decision for customerID.
func (s *Server) budgetCheck(w http.ResponseWriter, r *http.Request, token, customerID, field string) {
	if s.cfg.Budgets == nil {
		s.writeError(w, r, cost.Errorf(cost.CodeNotImplemented, "Budget checks are not configured on this server."))
		return
	}
	if err := s.authenticateCheck(token, customerID); err != nil {
		s.writeError(w, r, err)
		return
	}
	if customerID == "" {
		s.writeError(w, r, cost.FieldErrorf(field, "A customer id is required (%s).", field))
		return
	}
	d := s.cfg.Budgets.Check(customerID)
	writeDecisionHeaders(w.Header(), d)
	status := http.StatusOK
	if !d.Allowed {
		status = http.StatusForbidden
	}
	s.gw.budgetChecks.WithLabelValues(strconv.FormatBool(d.Allowed)).Inc()
	s.writeJSON(w, r, status, d)
}

// authenticateCheck accepts the admin token, a gateway token, or the token of
// the customer being checked.
func (s *Server) authenticateCheck(token, customerID string) error {
	if s.cfg.Keyring == nil {
		return cost.Errorf(cost.CodeUnauthorized, "Authentication is not configured.")
	}
	if token == "" {
		return cost.Errorf(cost.CodeUnauthorized, "An Authorization: Bearer <token> header is required.")
	}
	if _, err := s.cfg.Keyring.AuthenticateGateway(token, s.now()); err == nil {
		return nil
	}
	p, err := s.cfg.Keyring.Authenticate(token, s.now())
	if err != nil {
		return err
	}
	if p.Admin || customerID == p.CustomerID {
		return nil
	}
	return cost.Errorf(cost.CodeForbidden, "This token may only check its own customer's budget.")
}

// writeDecisionHeaders sets the x-llmcost-* headers a gateway can forward.
func writeDecisionHeaders(h http.Header, d budgetcheck.Decision) {
	h.Set("x-llmcost-allowed", strconv.FormatBool(d.Allowed))
	h.Set("x-llmcost-customer-id", d.CustomerID)
	h.Set("x-llmcost-spent", strconv.FormatFloat(d.Spent, 'f', 2, 64))
	h.Set("x-llmcost-projected", strconv.FormatFloat(d.Projected, 'f', 2, 64))
	if d.Budget != nil {
		h.Set("x-llmcost-budget", strconv.FormatFloat(*d.Budget, 'f', 2, 64))
		h.Set("x-llmcost-percent-used", strconv.FormatFloat(*d.PercentUsed, 'f', 1, 64))
	}
	if d.Warning != "" {
		h.Set("x-llmcost-warning", d.Warning)
	}
}

// bearer returns the token of an "Authorization: Bearer <token>" value.
func bearer(h string) string {
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// gatewayTokenRequest is the body of POST /api/v1/gateway-tokens.
type gatewayTokenRequest struct {
	Name       string `json:"name"`
	TTLSeconds *int64 `json:"ttl_seconds"`
}

// gatewayTokenResponse is a freshly minted gateway token.
type gatewayTokenResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	Name      string    `json:"name"`
}

// defaultGatewayTokenTTL applies when a gateway token request gives no ttl_seconds.
const defaultGatewayTokenTTL = 90 * 24 * time.Hour

func (s *Server) handleMintGatewayToken(w http.ResponseWriter, r *http.Request) {
	var req gatewayTokenRequest
	if err := s.decodeJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	ttl := defaultGatewayTokenTTL
	if req.TTLSeconds != nil {
		if *req.TTLSeconds <= 0 || *req.TTLSeconds > int64(1<<40) {
			s.writeError(w, r, cost.FieldErrorf("ttl_seconds", "ttl_seconds must be a positive number of seconds."))
			return
		}
		ttl = time.Duration(*req.TTLSeconds) * time.Second
	}
	tok, exp, err := s.cfg.Keyring.MintGateway(req.Name, ttl, s.now())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.log.Info("gateway token minted", "name", req.Name, "expires_at", exp)
	s.writeJSON(w, r, http.StatusCreated, gatewayTokenResponse{Token: tok, ExpiresAt: exp, Name: req.Name})
}

// policyJSON is a budget's check policy as the API shows it.
type policyJSON struct {
	CustomerID string `json:"customer_id"`
	budgetcheck.Policy
}

func (s *Server) handleGetPolicy(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("customer_id")
	if err := s.policyScope(r, id); err != nil {
		s.writeError(w, r, err)
		return
	}
	p, err := s.cfg.Budgets.Policy(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, policyJSON{CustomerID: id, Policy: p})
}

func (s *Server) handlePutPolicy(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("customer_id")
	if err := s.policyScope(r, id); err != nil {
		s.writeError(w, r, err)
		return
	}
	var req budgetcheck.Policy
	if err := s.decodeJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	p, err := s.cfg.Budgets.SetPolicy(r.Context(), id, req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, policyJSON{CustomerID: id, Policy: p})
}

// policyScope checks the policy routes' preconditions.
func (s *Server) policyScope(r *http.Request, id string) error {
	if s.cfg.Budgets == nil {
		return cost.Errorf(cost.CodeNotImplemented, "Budget checks are not configured on this server.")
	}
	if id == OrgBudgetID {
		return cost.FieldErrorf("customer_id", "Budget checks apply to customers, not to the organisation.")
	}
	return checkScope(principal(r), id)
}

// budgetsChanged tells the budget checker that budgets changed; a failure
// is logged (the periodic refresh catches up), not returned to the caller.
func (s *Server) budgetsChanged(ctx context.Context) {
	if s.cfg.Budgets == nil {
		return
	}
	if err := s.cfg.Budgets.Changed(ctx); err != nil {
		s.log.Warn("budget check refresh failed", "err", err)
	}
}

// budgetsIngested adds an ingest's spend to the budget checks.
func (s *Server) budgetsIngested(ctx context.Context, sum *cost.IngestSummary) {
	if s.cfg.Budgets == nil {
		return
	}
	if err := s.cfg.Budgets.Ingested(ctx, sum); err != nil {
		s.log.Warn("budget check refresh failed", "err", err)
	}
}
