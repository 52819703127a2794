package cost

import "net/url"

// Panel kinds, named after the seed's Grafana panel types.
const (
	KindStat       = "stat"
	KindPie        = "piechart"
	KindTimeSeries = "timeseries"
	KindBarGauge   = "bargauge"
	KindGauge      = "gauge"
	KindTable      = "table"
	KindHeatmap    = "heatmap"
	KindBarChart   = "barchart"  // Stacked bars.
	KindThreshold  = "threshold" // Time series with threshold bands.
)

// PanelDef describes one panel of a built-in dashboard.
type PanelDef struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Kind  string `json:"kind"`
	Unit  string `json:"unit"` // "usd", "tokens", "percent", "count", "usd_per_1k".
}

// DashboardDef describes one built-in dashboard.
type DashboardDef struct {
	ID     string     `json:"id"`
	UID    string     `json:"uid"` // Stable Grafana uid.
	Title  string     `json:"title"`
	Panels []PanelDef `json:"panels"`
}

// Dashboards are the seed's four dashboards with every panel. The web UI, the
// Grafana export and the chat's deep links all use these ids.
var Dashboards = []DashboardDef{
	{ID: "overview", UID: "llmcost-overview", Title: "Multi-Cloud Cost Overview", Panels: []PanelDef{
		{"total-cost-this-month", "Total Cost, Month to Date", KindStat, "usd"},
		{"cost-by-provider", "Cost by Cloud Provider", KindPie, "usd"},
		{"daily-cost-trend", "Daily Cost Trend", KindTimeSeries, "usd"},
		{"top-customers", "Top 10 Customers by Spend", KindBarGauge, "usd"},
		{"budget-vs-actual", "Budget vs Actual, Month to Date", KindGauge, "percent"},
	}},
	{ID: "models", UID: "llmcost-models", Title: "Model Performance Analysis", Panels: []PanelDef{
		{"cost-per-model", "Cost per Model", KindTable, "usd"},
		{"model-cost-trend", "Model Cost Trend", KindTimeSeries, "usd"},
		{"input-vs-output", "Cost by Token Type", KindBarChart, "usd"},
		{"model-efficiency", "Cost per 1K Tokens, Last 7 Days", KindBarGauge, "usd_per_1k"},
	}},
	{ID: "customers", UID: "llmcost-customers", Title: "Customer Attribution", Panels: []PanelDef{
		{"customer-heatmap", "Customer Spend Heatmap", KindHeatmap, "usd"},
		{"top-spenders", "Top Spenders, Month to Date", KindTable, "usd"},
		{"customer-growth", "Active Customers and Daily Cost", KindTimeSeries, "count"},
	}},
	{ID: "anomalies", UID: "llmcost-anomalies", Title: "Anomaly Detection & Alerts", Panels: []PanelDef{
		{"cost-anomalies", "Daily Cost against its 7-Day Band", KindThreshold, "usd"},
		{"unusual-customers", "Unusual Customers on the Day", KindTable, "usd"},
	}},
}

// FindPanel returns a dashboard and panel by id.
func FindPanel(dashboard, panel string) (*DashboardDef, *PanelDef, bool) {
	for i := range Dashboards {
		d := &Dashboards[i]
		if d.ID != dashboard {
			continue
		}
		for j := range d.Panels {
			if d.Panels[j].ID == panel {
				return d, &d.Panels[j], true
			}
		}
	}
	return nil, nil, false
}

// DashboardVars are a dashboard's variables, named as Grafana names them.
type DashboardVars struct {
	Providers  []string
	CustomerID string
	Models     []string
}

// DashboardPath returns the built-in UI path of a dashboard with its range and
// variables in Grafana's URL parameters, e.g.
// /d/overview?from=2026-11-01&to=2026-11-28&var-customer_id=cust_acme.
func DashboardPath(dashboardID string, r DateRange, v DashboardVars) string {
	q := url.Values{}
	q.Set("from", r.From.Format(DateLayout))
	q.Set("to", r.To.Format(DateLayout))
	for _, p := range v.Providers {
		q.Add("var-cloud_provider", p)
	}
	if v.CustomerID != "" {
		q.Set("var-customer_id", v.CustomerID)
	}
	for _, m := range v.Models {
		q.Add("var-model", m)
	}
	return "/d/" + dashboardID + "?" + q.Encode()
}
