package httpapi

import (
	"net/http"

	"github.com/llmcost/llmcost/internal/cost"
)

// handleAnomalies scans daily cost in a range (default the last 30 days).
func (s *Server) handleAnomalies(w http.ResponseWriter, r *http.Request) {
	req, err := s.anomalyRequest(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if s.notModified(w, r, nil) {
		return
	}
	rep, err := s.cfg.Query.Anomalies(r.Context(), principal(r), req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, rep)
}

func (s *Server) anomalyRequest(r *http.Request) (cost.AnomalyRequest, error) {
	var req cost.AnomalyRequest
	var err error
	if req.Range, err = dateRange(r, s.now()); err != nil {
		return req, err
	}
	if req.CustomerID, err = customerParam(r, "customer_id"); err != nil {
		return req, err
	}
	switch by := query(r).Get("by"); by {
	case "", "total":
	case string(cost.DimCustomer), "customer":
		req.By = cost.DimCustomer
	case string(cost.DimModel):
		req.By = cost.DimModel
	default:
		return req, cost.FieldErrorf("by", "Unknown split %q; use total, customer_id or model.", by)
	}
	req.Filters = varFilters(r)
	return req, nil
}

// varFilters turns var-cloud_provider and var-model values into filters.
func varFilters(r *http.Request) []cost.Filter {
	var fs []cost.Filter
	if v := varValues(r, "cloud_provider"); len(v) > 0 {
		fs = append(fs, cost.Filter{Dimension: cost.DimCloudProvider, Op: cost.OpIn, Values: v})
	}
	if v := varValues(r, "model"); len(v) > 0 {
		fs = append(fs, cost.Filter{Dimension: cost.DimModel, Op: cost.OpIn, Values: v})
	}
	return fs
}

// handleExplain attributes one day's (date=) or a range's (from=&to=) change
// against its baseline.
func (s *Server) handleExplain(w http.ResponseWriter, r *http.Request) {
	req, err := s.explainRequest(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if s.notModified(w, r, nil) {
		return
	}
	ex, err := s.cfg.Query.Explain(r.Context(), principal(r), req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, ex)
}

func (s *Server) explainRequest(r *http.Request) (cost.ExplainRequest, error) {
	var req cost.ExplainRequest
	now := s.now()
	day, err := dateParam(r, "date", now)
	if err != nil {
		return req, err
	}
	q := query(r)
	switch {
	case !day.IsZero():
		req.Range = cost.DateRange{From: day, To: day}
	case q.Get("from") != "" && q.Get("to") != "":
		if req.Range, err = dateRange(r, now); err != nil {
			return req, err
		}
	default:
		return req, cost.FieldErrorf("date", "A date (YYYY-MM-DD) or from and to are required.")
	}
	if req.CustomerID, err = customerParam(r, "customer_id"); err != nil {
		return req, err
	}
	if req.BaselineDays, err = intParam(r, "baseline_days", 0, 1, 366); err != nil {
		return req, err
	}
	req.Filters = varFilters(r)
	return req, nil
}

// handleForecast projects the current month's spend.
func (s *Server) handleForecast(w http.ResponseWriter, r *http.Request) {
	id, err := customerParam(r, "customer_id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if s.notModified(w, r, nil) {
		return
	}
	f, err := s.cfg.Query.Forecast(r.Context(), principal(r), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, f)
}
