package httpapi

import (
	"net/http"

	"github.com/llmcost/llmcost/internal/cost"
)

// registerGatewayRoutes adds the routes where LLM traffic flows: the
// budget check, its Envoy ext_authz mode, budget policies, gateway tokens,
// OTLP trace ingest and the MCP endpoint.
func (s *Server) registerGatewayRoutes() {
	s.handle("GET /api/v1/budget-check", http.HandlerFunc(s.handleBudgetCheck))
	s.handle("GET /api/v1/budget-check/envoy/{path...}", http.HandlerFunc(s.handleEnvoyCheck))
	s.handle("POST /api/v1/budget-check/envoy/{path...}", http.HandlerFunc(s.handleEnvoyCheck))
	s.handle("POST /api/v1/gateway-tokens", s.adminOnly(s.handleMintGatewayToken))
	s.handle("GET /api/v1/budgets/{customer_id}/policy", s.authed(s.handleGetPolicy))
	s.handle("PUT /api/v1/budgets/{customer_id}/policy", s.adminOnly(s.handlePutPolicy))
	s.handle("POST /v1/traces", s.adminOnly(s.handleTraces))
	s.handle("POST /mcp", s.authed(s.handleMCP))
	s.handle("GET /mcp", s.authed(s.handleMCP))
	s.handle("DELETE /mcp", s.authed(s.handleMCP))
}

// handleMCP serves the Model Context Protocol (streamable HTTP) for the
// authenticated principal.
func (s *Server) handleMCP(w http.ResponseWriter, r *http.Request) {
	if s.cfg.MCP == nil {
		s.writeError(w, r, cost.Errorf(cost.CodeNotImplemented, "MCP is not configured on this server."))
		return
	}
	s.cfg.MCP.ServeHTTP(w, r)
}
