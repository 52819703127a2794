package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/grafana"
)

const grafanaUsage = `Usage: llmcost grafana export [--url URL] [--pg-host HOST:PORT] [--daily-threshold USD] DIR

Writes a Grafana provisioning tree into DIR: datasources/llmcost.yaml (Grafana's
PostgreSQL data source pointed at "llmcost serve --pg-addr"), dashboards/llmcost.yaml
with one dashboard JSON per built-in dashboard under dashboards/llmcost/, and
alerting/llmcost.yaml (the daily-spend rule, the data directory's enabled
threshold rules when --data is given, a webhook contact point and a policy).
Grafana reads the login from LLMCOST_PG_USER and LLMCOST_PG_PASSWORD, and the
webhook from LLMCOST_ALERT_WEBHOOK_URL. See docs/grafana.md.

Examples:
  llmcost grafana export ./provisioning
  llmcost grafana export --url https://cost.example.com --pg-host llmcost:5432 ./provisioning
`

// grafanaOptions are the flags of "grafana export".
type grafanaOptions struct {
	url, pgHost, dashboardsPath string
	dailyUSD                    float64
}

var defaultGrafanaOptions = grafanaOptions{url: "http://localhost:8080", pgHost: "llmcost:5432",
	dashboardsPath: "/var/lib/grafana/dashboards/llmcost", dailyUSD: 1000}

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
}

// checkGrafanaArgs reads the flags that follow "export" and checks for one DIR.
func (m *Main) checkGrafanaArgs() error {
	if len(m.Args) == 0 || m.Args[0] != "export" {
		return fmt.Errorf("grafana: usage: llmcost grafana export [flags] DIR")
	}
	fs := flag.NewFlagSet("llmcost grafana export", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	registerGrafanaFlags(fs)
	fs.StringVar(&m.Config.DataDir, "data", m.Config.DataDir, "data directory whose alert rules to export")
	if err := fs.Parse(m.Args[1:]); err != nil {
		return err
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "data" {
			m.dataSet = true
		}
	})
	m.Args = append([]string{"export"}, fs.Args()...)
	if len(m.Args) != 2 {
		return fmt.Errorf("grafana: usage: llmcost grafana export [flags] DIR")
	}
	if grafanaFlagValues.dailyUSD <= 0 {
		return fmt.Errorf("grafana: --daily-threshold must be positive")
	}
	return nil
}

// runGrafana writes the provisioning tree.
func (m *Main) runGrafana(ctx context.Context) error {
	o := grafanaFlagValues
	var rules []cost.AlertRule
	if m.dataSet {
		db, err := m.openStore()
		if err != nil {
			return err
		}
		if rules, err = db.AlertRules(ctx, ""); err != nil {
			return err
		}
	}
	dir := m.Args[1]
	files, err := grafana.Export(dir, grafana.Options{UIURL: o.url, PGAddr: o.pgHost,
		DashboardsPath: o.dashboardsPath, DailySpendUSD: o.dailyUSD}, rules)
	if err != nil {
		return err
	}
	for _, f := range files {
		fmt.Fprintln(m.Stdout, filepath.Join(dir, filepath.FromSlash(f)))
	}
	return nil
}
