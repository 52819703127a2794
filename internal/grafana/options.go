package grafana

// Options configure the exported files.
type Options struct {
	// UIURL is llmcost's address as the browser sees it, for links back to the
	// built-in dashboards and the chat widget (default http://localhost:8080).
	UIURL string
	// PGAddr is the PostgreSQL endpoint's host:port as Grafana sees it
	// (default llmcost:5432).
	PGAddr string
	// DashboardsPath is where Grafana reads the dashboard files
	// (default /var/lib/grafana/dashboards/llmcost).
	DashboardsPath string
	// DailySpendUSD is the threshold of the seed's daily-spend alert (default 1000).
	DailySpendUSD float64
	// Folder is the Grafana folder of dashboards and alert rules (default "LLM Cost").
	Folder string
}

func (o Options) normalised() Options {
	if o.UIURL == "" {
		o.UIURL = "http://localhost:8080"
	}
	if o.PGAddr == "" {
		o.PGAddr = "llmcost:5432"
	}
	if o.DashboardsPath == "" {
		o.DashboardsPath = "/var/lib/grafana/dashboards/llmcost"
	}
	if o.DailySpendUSD == 0 {
		o.DailySpendUSD = 1000
	}
	if o.Folder == "" {
		o.Folder = "LLM Cost"
	}
	return o
}
