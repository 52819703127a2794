package httpapi

import (
	"net/http"
	"slices"
)

// registerRoutes lists every route of the server. The OpenAPI document must list
// the same API routes (openapi_test.go checks it).
func (s *Server) registerRoutes() {
	s.handle("GET /healthz", http.HandlerFunc(s.handleHealth))
	s.handle("GET /metrics", s.metrics.handler())
	s.handle("GET /api/v1/openapi.json", http.HandlerFunc(s.handleOpenAPI))

	s.handle("GET /api/v1/me", s.authed(s.handleMe))
	s.handle("POST /api/v1/tokens", s.adminOnly(s.handleMintToken))
	s.handle("POST /api/v1/link-tokens", s.authed(s.handleMintLinkToken))
	s.handle("POST /api/v1/ingest", s.adminOnly(s.handleIngest))

	s.handle("GET /api/v1/budgets", s.authed(s.handleListBudgets))
	s.handle("GET /api/v1/budgets/status", s.authed(s.handleBudgetStatus))
	s.handle("GET /api/v1/budgets/{customer_id}", s.authed(s.handleGetBudget))
	s.handle("PUT /api/v1/budgets/{customer_id}", s.adminOnly(s.handlePutBudget))
	s.handle("DELETE /api/v1/budgets/{customer_id}", s.adminOnly(s.handleDeleteBudget))

	s.handle("POST /api/v1/query", s.authed(s.handleQuery))
	s.handle("GET /api/v1/quick-stats", s.authed(s.handleQuickStats))
	s.handle("GET /api/v1/freshness", s.authed(s.handleFreshness))
	s.handle("GET /api/v1/dashboards", s.authed(s.handleDashboards))
	s.handle("GET /api/v1/panels/{dashboard}/{panel}", s.authed(s.handlePanel))
	s.handle("GET /api/v1/values/{dimension}", s.authed(s.handleValues))
	s.handle("GET /api/v1/customers", s.authed(s.handleCustomers))

	s.handle("GET /api/v1/anomalies", s.authed(s.handleAnomalies))
	s.handle("GET /api/v1/explain", s.authed(s.handleExplain))
	s.handle("GET /api/v1/forecast", s.authed(s.handleForecast))

	s.handle("POST /api/v1/chat", s.authed(s.handleChat))
	s.registerAlertRoutes()
	s.registerReconcileRoutes()
	s.registerGatewayRoutes()

	s.mux.HandleFunc("/api/", s.handleAPINotFound)
	if s.cfg.Widget != nil {
		s.mux.Handle("GET /widget.js", s.cfg.Widget)
		s.mux.Handle("GET /widget-demo", s.cfg.Widget)
	}
	if s.cfg.UI != nil {
		s.mux.Handle("/", s.cfg.UI)
	}
}

// handle registers a documented route.
func (s *Server) handle(pattern string, h http.Handler) {
	s.routes = append(s.routes, pattern)
	s.mux.Handle(pattern, h)
}

// Routes returns the patterns ("METHOD /path") of the documented routes, in
// registration order. The UI, widget and catch-all routes are not included.
func (s *Server) Routes() []string { return slices.Clone(s.routes) }

func (s *Server) handleAPINotFound(w http.ResponseWriter, r *http.Request) {
	s.writeError(w, r, notFound("No API route matches %s %s.", r.Method, r.URL.Path))
}
