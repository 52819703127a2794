package httpapi

import (
	"net/http"

	"github.com/llmcost/llmcost/internal/cost"
)

// registerAlertRoutes adds the alert rules, channels and history routes.
func (s *Server) registerAlertRoutes() {
	s.handle("GET /api/v1/alerts/rules", s.authed(s.withAlerts(s.handleListAlertRules)))
	s.handle("POST /api/v1/alerts/rules", s.authed(s.withAlerts(s.handleSaveAlertRule)))
	s.handle("GET /api/v1/alerts/rules/{id}", s.authed(s.withAlerts(s.handleGetAlertRule)))
	s.handle("PUT /api/v1/alerts/rules/{id}", s.authed(s.withAlerts(s.handleSaveAlertRule)))
	s.handle("DELETE /api/v1/alerts/rules/{id}", s.authed(s.withAlerts(s.handleDeleteAlertRule)))
	s.handle("POST /api/v1/alerts/rules/{id}/test", s.authed(s.withAlerts(s.handleTestAlertRule)))
	s.handle("GET /api/v1/alerts/channels", s.authed(s.withAlerts(s.handleListAlertChannels)))
	s.handle("POST /api/v1/alerts/channels", s.authed(s.withAlerts(s.handleSaveAlertChannel)))
	s.handle("PUT /api/v1/alerts/channels/{id}", s.authed(s.withAlerts(s.handleSaveAlertChannel)))
	s.handle("DELETE /api/v1/alerts/channels/{id}", s.authed(s.withAlerts(s.handleDeleteAlertChannel)))
	s.handle("GET /api/v1/alerts/events", s.authed(s.withAlerts(s.handleAlertEvents)))
}

// withAlerts answers 501 when the server has no alert service.
func (s *Server) withAlerts(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.Alerts == nil {
			s.writeError(w, r, cost.Errorf(cost.CodeNotImplemented, "Alerts are not configured on this server."))
			return
		}
		h(w, r)
	}
}

func (s *Server) handleListAlertRules(w http.ResponseWriter, r *http.Request) {
	rules, err := s.cfg.Alerts.Rules(r.Context(), principal(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, rules)
}

func (s *Server) handleGetAlertRule(w http.ResponseWriter, r *http.Request) {
	rule, err := s.cfg.Alerts.Rule(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, rule)
}

// alertRuleRequest is a rule as the API takes it: "enabled" defaults to true.
type alertRuleRequest struct {
	cost.AlertRule
	Enabled *bool `json:"enabled"`
}

// handleSaveAlertRule creates (POST) or replaces (PUT /{id}) a rule.
func (s *Server) handleSaveAlertRule(w http.ResponseWriter, r *http.Request) {
	var req alertRuleRequest
	if err := s.decodeJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	rule := req.AlertRule
	rule.Enabled = req.Enabled == nil || *req.Enabled
	status := http.StatusCreated
	rule.ID, rule.CreatedBy = "", ""
	if id := r.PathValue("id"); id != "" {
		rule.ID, status = id, http.StatusOK
	}
	if err := s.cfg.Alerts.SaveRule(r.Context(), principal(r), &rule); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, status, rule)
}

func (s *Server) handleDeleteAlertRule(w http.ResponseWriter, r *http.Request) {
	if err := s.cfg.Alerts.DeleteRule(r.Context(), principal(r), r.PathValue("id")); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleTestAlertRule(w http.ResponseWriter, r *http.Request) {
	ev, err := s.cfg.Alerts.TestRule(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, ev)
}

func (s *Server) handleListAlertChannels(w http.ResponseWriter, r *http.Request) {
	chs, err := s.cfg.Alerts.Channels(r.Context(), principal(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, chs)
}

// handleSaveAlertChannel creates (POST) or replaces (PUT /{id}) a channel; the
// answer never includes its secrets.
func (s *Server) handleSaveAlertChannel(w http.ResponseWriter, r *http.Request) {
	var c cost.AlertChannel
	if err := s.decodeJSON(w, r, &c); err != nil {
		s.writeError(w, r, err)
		return
	}
	status := http.StatusCreated
	c.ID = ""
	if id := r.PathValue("id"); id != "" {
		c.ID, status = id, http.StatusOK
	}
	if err := s.cfg.Alerts.SaveChannel(r.Context(), principal(r), &c); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, status, c.Redacted())
}

func (s *Server) handleDeleteAlertChannel(w http.ResponseWriter, r *http.Request) {
	if err := s.cfg.Alerts.DeleteChannel(r.Context(), principal(r), r.PathValue("id")); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// handleAlertEvents lists alert history: ?rule_id=, ?customer_id= (_org for
// organisation rules), ?limit= (default 100).
func (s *Server) handleAlertEvents(w http.ResponseWriter, r *http.Request) {
	limit, err := intParam(r, "limit", 100, 1, 1000)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f := cost.AlertEventFilter{RuleID: query(r).Get("rule_id"), Limit: limit}
	if query(r).Has("customer_id") {
		id := query(r).Get("customer_id")
		if id == OrgBudgetID {
			id = ""
		}
		f.CustomerID = &id
	}
	evs, err := s.cfg.Alerts.Events(r.Context(), principal(r), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, evs)
}
