package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/grafana"
)

const grafanaUsage = `Usage: llmcost grafana export [--url URL] [--pg-host HOST:PORT] [--daily-threshold USD]
       [--datasource postgres|clickhouse] [--ch-host HOST:PORT] [--ch-database DB] [--data DIR] DIR

Writes a Grafana provisioning tree into DIR: datasources/llmcost.yaml (Grafana's
PostgreSQL data source pointed at "llmcost serve --pg-addr"), dashboards/llmcost.yaml
with one dashboard JSON per built-in dashboard under dashboards/llmcost/, and
alerting/llmcost.yaml (the daily-spend rule, the data directory's enabled
threshold rules when --data is given, a webhook contact point and a policy).
A --data directory must hold a store.
Grafana reads the login from LLMCOST_PG_USER and LLMCOST_PG_PASSWORD, and the
webhook from LLMCOST_ALERT_WEBHOOK_URL. See docs/grafana.md.

With --datasource clickhouse, when the store is ClickHouse, the same dashboards
and rules query the store's database through the official ClickHouse plugin
(grafana-clickhouse-datasource 4.19 or later) at --ch-host, with the login from
LLMCOST_CH_USER and LLMCOST_CH_PASSWORD. Budgets are not kept in ClickHouse: the
budget panel carries the budgets of --data at export time.

Examples:
  llmcost grafana export ./provisioning
  llmcost grafana export --url https://cost.example.com --pg-host llmcost:5432 ./provisioning
  llmcost grafana export --datasource clickhouse --ch-host clickhouse:9000 --data ./data ./provisioning
`

// grafanaOptions are the flags of "grafana export".
type grafanaOptions struct {
	url, pgHost, dashboardsPath string
	dailyUSD                    float64
	datasource, chHost, chDB    string
}

var defaultGrafanaOptions = grafanaOptions{url: "http://localhost:8080", pgHost: "llmcost:5432",
	dashboardsPath: "/var/lib/grafana/dashboards/llmcost", dailyUSD: 1000,
	datasource: grafana.DatasourcePostgres, chHost: "clickhouse:9000", chDB: "llmcost"}

var grafanaFlagValues grafanaOptions

func (m *Main) grafanaFlags(fs *flag.FlagSet) {
	grafanaFlagValues = defaultGrafanaOptions
	registerGrafanaFlags(fs)
}

// registerGrafanaFlags defines the flags with their current values as defaults.
func registerGrafanaFlags(fs *flag.FlagSet) {
	o := &grafanaFlagValues
	fs.StringVar(&o.url, "url", o.url, "llmcost's address as the browser sees it, for links")
	fs.StringVar(&o.pgHost, "pg-host", o.pgHost, "the PostgreSQL endpoint's host:port as Grafana sees it")
	fs.StringVar(&o.dashboardsPath, "dashboards-path", o.dashboardsPath, "where Grafana reads the dashboard files")
	fs.Float64Var(&o.dailyUSD, "daily-threshold", o.dailyUSD, "USD threshold of the daily-spend alert rule")
	fs.StringVar(&o.datasource, "datasource", o.datasource, "data source of the panels: postgres (llmcost's endpoint) or clickhouse (the store)")
	fs.StringVar(&o.chHost, "ch-host", o.chHost, "with --datasource clickhouse: the ClickHouse server's native host:port as Grafana sees it")
	fs.StringVar(&o.chDB, "ch-database", o.chDB, "with --datasource clickhouse: the store's database")
}

// checkGrafanaArgs reads the flags that follow "export" and checks for one DIR.
func (m *Main) checkGrafanaArgs() error {
	if len(m.Args) == 0 || m.Args[0] != "export" {
		return fmt.Errorf("grafana: usage: llmcost grafana export [flags] DIR")
	}
	fs := flag.NewFlagSet("llmcost grafana export", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.Usage = func() {
		fmt.Fprint(m.Stdout, grafanaUsage, "\nFlags:\n")
		printFlags(m.Stdout, fs)
	}
	registerGrafanaFlags(fs)
	fs.StringVar(&m.Config.DataDir, "data", m.Config.DataDir, "data directory whose alert rules to export")
	if err := fs.Parse(m.Args[1:]); err != nil {
		return err
	}
	m.noteDataFlag(fs)
	m.Args = append([]string{"export"}, fs.Args()...)
	if len(m.Args) != 2 {
		return fmt.Errorf("grafana: usage: llmcost grafana export [flags] DIR")
	}
	if grafanaFlagValues.dailyUSD <= 0 {
		return fmt.Errorf("grafana: --daily-threshold must be positive")
	}
	if ds := grafanaFlagValues.datasource; ds != grafana.DatasourcePostgres && ds != grafana.DatasourceClickHouse {
		return fmt.Errorf("grafana: --datasource %q: want %s or %s", ds, grafana.DatasourcePostgres, grafana.DatasourceClickHouse)
	}
	return nil
}

// runGrafana writes the provisioning tree.
func (m *Main) runGrafana(ctx context.Context) error {
	o := grafanaFlagValues
	var rules []cost.AlertRule
	var budgets []cost.Budget
	if m.dataSet {
		db, err := m.openExistingStore()
		if err != nil {
			return err
		}
		if rules, err = m.costStore(db).AlertRules(ctx, ""); err != nil {
			return err
		}
		if o.datasource == grafana.DatasourceClickHouse {
			if budgets, err = m.costStore(db).Budgets(ctx); err != nil {
				return err
			}
		}
	}
	dir := m.Args[1]
	files, err := grafana.Export(dir, grafana.Options{UIURL: o.url, PGAddr: o.pgHost,
		DashboardsPath: o.dashboardsPath, DailySpendUSD: o.dailyUSD,
		Datasource: o.datasource, ClickHouseAddr: o.chHost, ClickHouseDatabase: o.chDB, Budgets: budgets}, rules)
	if err != nil {
		return err
	}
	for _, f := range files {
		fmt.Fprintln(m.Stdout, filepath.Join(dir, filepath.FromSlash(f)))
	}
	return nil
}
