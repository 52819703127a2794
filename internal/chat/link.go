package chat

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// dashboardLink returns a link to a dashboard with the plan's range and variables:
// the built-in UI by default, Grafana when a Grafana URL is configured. date, when
// set, selects the day an anomaly drill-down explains.
func (e *Engine) dashboardLink(id string, r cost.DateRange, v cost.DashboardVars, date time.Time) cost.Link {
	title := "View dashboard →"
	uid := id
	for _, d := range cost.Dashboards {
		if d.ID == id {
			title, uid = "View "+d.Title+" dashboard →", d.UID
		}
	}
	if e.grafanaURL == "" {
		u := cost.DashboardPath(id, r, v)
		if !date.IsZero() {
			u += "&date=" + date.Format(cost.DateLayout)
		}
		return cost.Link{Title: title, URL: u}
	}
	q := url.Values{}
	q.Set("from", strconv.FormatInt(r.From.UnixMilli(), 10))
	q.Set("to", strconv.FormatInt(r.To.AddDate(0, 0, 1).UnixMilli()-1, 10))
	for _, p := range v.Providers {
		q.Add("var-cloud_provider", p)
	}
	if v.CustomerID != "" {
		q.Set("var-customer_id", v.CustomerID)
	}
	for _, m := range v.Models {
		q.Add("var-model", m)
	}
	if !date.IsZero() {
		q.Set("var-date", date.Format(cost.DateLayout))
	}
	return cost.Link{Title: title, URL: strings.TrimRight(e.grafanaURL, "/") + "/d/" + uid + "?" + q.Encode()}
}

// vars returns the dashboard variables of a plan in principal p's scope.
func vars(p cost.Principal, pl *plan) cost.DashboardVars {
	var v cost.DashboardVars
	for _, f := range pl.filters() {
		switch {
		case f.Dimension == cost.DimCloudProvider && f.Op != cost.OpPrefix && f.Op != cost.OpNotIn:
			v.Providers = append(v.Providers, f.Values...)
		case f.Dimension == cost.DimModel && (f.Op == cost.OpEq || f.Op == cost.OpIn):
			v.Models = append(v.Models, f.Values...)
		case f.Dimension == cost.DimCustomer && len(f.Values) == 1 && !p.IsCustomer():
			v.CustomerID = f.Values[0]
		}
	}
	if p.IsCustomer() {
		v.CustomerID = p.CustomerID
	}
	return v
}

// dashboardFor picks the dashboard that shows what a plan asked.
func dashboardFor(pl *plan) string {
	switch {
	case pl.Intent == intentExplain || pl.Intent == intentAnomalies:
		return "anomalies"
	case pl.GroupBy == cost.DimCustomer || pl.Intent == intentOverBudget:
		return "customers"
	case pl.GroupBy == cost.DimModel || pl.GroupBy == cost.DimModelFamily || pl.GroupBy == cost.DimTokenType ||
		pl.Metric == cost.MetricTokens || pl.Metric == cost.MetricCostPer1K:
		return "models"
	}
	for _, e := range pl.Filters {
		if e.Dim == cost.DimModel || e.Dim == cost.DimModelFamily || e.Dim == cost.DimTokenType {
			return "models"
		}
	}
	return "overview"
}
