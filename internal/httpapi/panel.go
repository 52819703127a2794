package httpapi

import (
	"net/http"
	"slices"

	"github.com/llmcost/llmcost/internal/cost"
)

func (s *Server) handleDashboards(w http.ResponseWriter, r *http.Request) {
	s.writeJSON(w, r, http.StatusOK, cost.Dashboards)
}

// handlePanel runs one dashboard panel with Grafana-style range and variables.
func (s *Server) handlePanel(w http.ResponseWriter, r *http.Request) {
	req, err := s.panelRequest(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if s.notModified(w, r, nil) {
		return
	}
	res, err := s.cfg.Query.Panel(r.Context(), principal(r), req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, res)
}

func (s *Server) panelRequest(r *http.Request) (cost.PanelRequest, error) {
	req := cost.PanelRequest{Dashboard: r.PathValue("dashboard"), Panel: r.PathValue("panel")}
	if _, _, ok := cost.FindPanel(req.Dashboard, req.Panel); !ok {
		return req, notFound("No panel %q on dashboard %q.", req.Panel, req.Dashboard)
	}
	now := s.now()
	var err error
	if req.Range, err = dateRange(r, now); err != nil {
		return req, err
	}
	if req.CustomerID, err = customerParam(r, "var-customer_id"); err != nil {
		return req, err
	}
	req.Providers = varValues(r, "cloud_provider")
	req.Models = varValues(r, "model")
	req.Date, err = dateParam(r, "date", now)
	return req, err
}

// valuesResponse is the body of GET /api/v1/values/{dimension}.
type valuesResponse struct {
	Dimension cost.Dimension `json:"dimension"`
	Values    []string       `json:"values"`
}

// handleValues lists a dimension's values in the caller's scope.
func (s *Server) handleValues(w http.ResponseWriter, r *http.Request) {
	d := cost.Dimension(r.PathValue("dimension"))
	if !slices.Contains(cost.AllDimensions, d) {
		s.writeError(w, r, cost.FieldErrorf("dimension", "Unknown dimension %q.", d))
		return
	}
	if s.notModified(w, r, nil) {
		return
	}
	vs, err := s.cfg.Query.Values(r.Context(), principal(r), d)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if vs == nil {
		vs = []string{}
	}
	s.writeJSON(w, r, http.StatusOK, valuesResponse{Dimension: d, Values: vs})
}

// handleCustomers lists the customers the caller may see.
func (s *Server) handleCustomers(w http.ResponseWriter, r *http.Request) {
	if s.notModified(w, r, nil) {
		return
	}
	cs, err := s.cfg.Query.Customers(r.Context(), principal(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if cs == nil {
		cs = []cost.Customer{}
	}
	s.writeJSON(w, r, http.StatusOK, cs)
}
