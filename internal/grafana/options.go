package grafana

import (
	"fmt"

	"github.com/llmcost/llmcost/internal/cost"
)

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
	// Datasource is the kind of data source the panels query: DatasourcePostgres
	// (default) or DatasourceClickHouse.
	Datasource string
	// ClickHouseAddr is the ClickHouse server's native-protocol host:port as
	// Grafana sees it (default clickhouse:9000), with DatasourceClickHouse.
	ClickHouseAddr string
	// ClickHouseDatabase is the store's database (default llmcost).
	ClickHouseDatabase string
	// Budgets are the monthly budgets written into the ClickHouse budget panel,
	// which cannot read llmcost's metadata store.
	Budgets []cost.Budget
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
	if o.Datasource == "" {
		o.Datasource = DatasourcePostgres
	}
	if o.ClickHouseAddr == "" {
		o.ClickHouseAddr = "clickhouse:9000"
	}
	if o.ClickHouseDatabase == "" {
		o.ClickHouseDatabase = "llmcost"
	}
	return o
}

func (o Options) check() error {
	if o.Datasource != DatasourcePostgres && o.Datasource != DatasourceClickHouse {
		return fmt.Errorf("grafana: data source %q: want %s or %s", o.Datasource, DatasourcePostgres, DatasourceClickHouse)
	}
	return nil
}

// dsRef is the provisioned data source's uid and type.
func (o Options) dsRef() (uid, typ string) {
	if o.Datasource == DatasourceClickHouse {
		return ClickHouseDatasourceUID, ClickHouseDatasourceType
	}
	return DatasourceUID, DatasourceType
}
