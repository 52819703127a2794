package main

import (
	"context"
	"flag"
	"fmt"

	"strings"
)

const mainUsage = `llmcost: LLM cost tracking across clouds, per customer.

Usage:
  llmcost <command> [flags] [arguments]

Commands:
  serve     run the HTTP API, dashboards and chat widget on a data directory
  demo      run the server on generated demo data (a fresh temporary directory)
  ingest    load billing files or usage events: ingest --format F FILE...
  sync      pull billing exports from S3, GCS and Azure Blob: sync --sources FILE
  allocate  write billed cost back to customers by event tokens: allocate [--from D] [--to D] [--off]
  export    write cost lines as a unified CSV: export [--format unified] [-o FILE]
  ask       ask a cost question in plain English: ask "How much did we spend yesterday?"
  mcp       serve the Model Context Protocol on stdin/stdout for AI assistants
  alerts    alert rules: alerts test RULE sends a test notification
  grafana   write Grafana provisioning files: grafana export DIR
  version   print the version

Run "llmcost <command> --help" for a command's flags and examples.

Environment:
  LLMCOST_DATA, LLMCOST_ADDR, LLMCOST_PG_ADDR, LLMCOST_ADMIN_TOKEN, LLMCOST_NOW, LLMCOST_STORE,
  LLMCOST_PRICING, LLMCOST_CUSTOMER_KEYS, LLMCOST_LOG_LEVEL, LLMCOST_LOG_FORMAT,
  LLMCOST_GRAFANA_URL, LLMCOST_SERVER, LLMCOST_TOKEN, LLMCOST_LLM,
  LLMCOST_LLM_MODEL, LLMCOST_LLM_API_KEY, LLMCOST_LLM_BASE_URL,
  LLMCOST_ALERT_CHANNELS, LLMCOST_ALERT_INTERVAL, LLMCOST_PUBLIC_URL,
  LLMCOST_CLICKHOUSE_CLUSTER, LLMCOST_SYNC_SOURCES, LLMCOST_SYNC_INTERVAL,
  LLMCOST_ALLOCATION, LLMCOST_DUCKDB_MEMORY, LLMCOST_FX_RATES, LLMCOST_OTEL_CUSTOMER_KEYS,
  LLMCOST_GATEWAY_CUSTOMER_HEADER, LLMCOST_BUDGET_CHECK_REFRESH (see README.md).
`

// commandUsage is each command's synopsis and examples, printed above its flags.
var commandUsage = map[string]string{
	"serve": `Usage: llmcost serve [--data DIR] [--addr ADDR] [--store duckdb] [--pricing FILE]

Serves the API (/api/v1), the dashboards (/), the chat widget (/widget.js) and
Prometheus metrics (/metrics) over the DuckDB store in the data directory. On
first start, when LLMCOST_ADMIN_TOKEN is unset, an admin token is generated,
stored in DIR/admin-token and printed once.

Examples:
  llmcost serve
  LLMCOST_ADMIN_TOKEN=$(openssl rand -hex 24) llmcost serve --data /var/lib/llmcost --addr :9090
`,
	"demo": `Usage: llmcost demo [--data DIR] [--addr ADDR] [--seed N]

Generates 180 days of realistic demo data (GCP, AWS, Azure; 24 customers; one
spike and one drift; budgets) ending yesterday, loads it, and serves it. Without
--data it uses a fresh temporary directory that is removed on exit.

Examples:
  llmcost demo
  llmcost demo --addr :9090 --seed 7
  LLMCOST_NOW=2026-11-28 llmcost demo --data ./demo-data
`,
	"ingest": `Usage: llmcost ingest --format F [--data DIR | --server URL] FILE...

Ingests billing exports or usage events. Billing files given together are
applied together, atomically, as one delivery: the parts of a split CUR or Azure
export add up, the partitions they name are replaced once, and an error in any
file writes nothing. Event files (and files sent with --server) are applied one
by one. Files may be gzip-compressed; "-" reads standard input.

Formats: unified, focus, events (and others the ingester lists).

Examples:
  llmcost ingest --format focus ./exports/focus-2026-11.csv.gz
  llmcost ingest --format unified costs.csv more-costs.csv
  llmcost ingest --format aws-cur cur-2026-11/*-000*.csv.gz
  LLMCOST_TOKEN=$ADMIN llmcost ingest --server http://localhost:8080 --format events events.ndjson
`,
	"export": `Usage: llmcost export [--format unified] [-o FILE] [--from DATE] [--to DATE] [--customer ID]

Writes cost lines as a unified CSV (the format "ingest --format unified" reads)
to standard output or FILE.

Examples:
  llmcost export > all.csv
  llmcost export -o november.csv --from 2026-11-01 --to 2026-11-30
  llmcost export --customer cust_acme -o acme.csv
`,
	"mcp": `Usage: llmcost mcp [--data DIR [--customer ID] | --server URL --token T]

Serves the Model Context Protocol over standard input and output, for desktop
AI assistants: tools for cost totals, breakdowns, top-N, quick stats, budget
status, forecast, anomalies and day explanations, and one resource per
dashboard. With --server it forwards to a running server's /mcp endpoint in
the token's scope; otherwise it reads the data directory as the admin (or as
--customer).

Examples:
  llmcost mcp --data /var/lib/llmcost
  llmcost mcp --server https://llmcost.example.com --token $LLMCOST_TOKEN
`,
	"ask": `Usage: llmcost ask [--data DIR | --server URL] [--customer ID] "question"

Answers a plain-English cost question from the data directory, or from a running
server with --server (token from --token or LLMCOST_TOKEN).

Examples:
  llmcost ask "How much did we spend yesterday?"
  llmcost ask "Why did costs spike on Tuesday?"
  llmcost ask --customer cust_acme "Are we over budget this month?"
  llmcost ask --server http://localhost:8080 --token $TOKEN "top 5 models last week"
`,
	"alerts":   alertsUsage,
	"grafana":  grafanaUsage,
	"sync":     syncUsage,
	"allocate": allocateUsage,
	"version": `Usage: llmcost version

Prints the version.
`,
}

// ParseFlags reads the environment, then the command and its flags from args.
// It returns flag.ErrHelp after printing help.
func (m *Main) ParseFlags(_ context.Context, args []string) error {
	if err := m.Config.ReadEnv(m.Getenv); err != nil {
		return err
	}
	m.dataSet = m.Getenv("LLMCOST_DATA") != ""
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, mainUsage)
		return fmt.Errorf("a command is required")
	}
	m.Command, args = args[0], args[1:]
	switch m.Command {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(m.Stdout, mainUsage)
		return flag.ErrHelp
	}
	usage, ok := commandUsage[m.Command]
	if !ok {
		fmt.Fprint(m.Stderr, mainUsage)
		return fmt.Errorf("unknown command %q", m.Command)
	}
	fs := m.flagSet(usage)
	if err := fs.Parse(args); err != nil {
		return err
	}
	m.Args = fs.Args()
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "data" {
			m.dataSet = true
		}
	})
	if err := m.Config.Validate(); err != nil {
		return err
	}
	return m.checkArgs()
}

// flagSet builds the flags of m.Command, writing help to Stdout.
func (m *Main) flagSet(usage string) *flag.FlagSet {
	fs := flag.NewFlagSet("llmcost "+m.Command, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.Usage = func() {
		fmt.Fprint(m.Stdout, usage)
		if hasFlags(fs) {
			fmt.Fprint(m.Stdout, "\nFlags:\n")
			fs.SetOutput(m.Stdout)
			fs.PrintDefaults()
			fs.SetOutput(m.Stderr)
		}
	}
	c := &m.Config
	if m.Command == "version" {
		return fs
	}
	fs.StringVar(&c.DataDir, "data", c.DataDir, "data directory (LLMCOST_DATA)")
	fs.StringVar(&c.Store, "store", c.Store, "store engine: duckdb, or clickhouse://host:port/db (LLMCOST_STORE)")
	fs.StringVar(&c.ClickHouseCluster, "clickhouse-cluster", c.ClickHouseCluster, "ClickHouse cluster for Distributed tables (LLMCOST_CLICKHOUSE_CLUSTER)")
	switch m.Command {
	case "serve", "demo":
		fs.StringVar(&c.Addr, "addr", c.Addr, "listen address (LLMCOST_ADDR)")
		fs.StringVar(&c.PricingFile, "pricing", c.PricingFile, "price catalog override file (LLMCOST_PRICING)")
		fs.StringVar(&c.PGAddr, "pg-addr", c.PGAddr, "PostgreSQL wire endpoint address, e.g. :5432 (LLMCOST_PG_ADDR; default off)")
		if m.Command == "demo" {
			fs.Int64Var(&m.Seed, "seed", 1, "demo data seed")
		}
		allocationFlag(fs, c)
	case "ingest":
		fs.StringVar(&m.Format, "format", "", "input format: unified, focus, events, … (required)")
		fs.StringVar(&c.PricingFile, "pricing", c.PricingFile, "price catalog override file (LLMCOST_PRICING)")
		allocationFlag(fs, c)
		m.remoteFlags(fs)
	case "export":
		fs.StringVar(&m.Format, "format", "unified", "output format (unified)")
		fs.StringVar(&m.Output, "o", "", "output file (default standard output)")
		fs.StringVar(&m.exportFrom, "from", "", "first day, YYYY-MM-DD (default: all)")
		fs.StringVar(&m.exportTo, "to", "", "last day, YYYY-MM-DD (default: all)")
		fs.StringVar(&m.Customer, "customer", "", "only this customer's lines")
	case "sync":
		fs.StringVar(&c.SyncSources, "sources", c.SyncSources, "sources file (LLMCOST_SYNC_SOURCES)")
		fs.StringVar(&c.PricingFile, "pricing", c.PricingFile, "price catalog override file (LLMCOST_PRICING)")
		allocationFlag(fs, c)
	case "allocate":
		m.allocateFlags(fs)
	case "ask":
		fs.StringVar(&m.Customer, "customer", "", "ask as (or about) this customer")
		m.remoteFlags(fs)
	case "alerts":
		m.remoteFlags(fs)
	case "mcp":
		fs.StringVar(&m.Customer, "customer", "", "serve only this customer's data (local data directory)")
		m.remoteFlags(fs)
	case "grafana":
		m.grafanaFlags(fs)
	}
	return fs
}

func (m *Main) remoteFlags(fs *flag.FlagSet) {
	fs.StringVar(&m.Config.Server, "server", m.Config.Server, "URL of a running llmcost server instead of --data (LLMCOST_SERVER)")
	fs.StringVar(&m.Config.Token, "token", m.Config.Token, "bearer token for --server (LLMCOST_TOKEN)")
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// checkArgs validates the positional arguments of the command.
func (m *Main) checkArgs() error {
	switch m.Command {
	case "ingest":
		if m.Format == "" {
			return fmt.Errorf("ingest: --format is required (unified, focus, events, …)")
		}
		if len(m.Args) == 0 {
			return fmt.Errorf("ingest: at least one FILE (or - for standard input) is required")
		}
	case "export":
		if m.Format != "unified" {
			return fmt.Errorf("export: format %q is not supported; use unified", m.Format)
		}
	case "ask":
		if strings.TrimSpace(strings.Join(m.Args, " ")) == "" {
			return fmt.Errorf("ask: a question is required, e.g. llmcost ask \"How much did we spend yesterday?\"")
		}
	case "alerts":
		return m.checkAlertsArgs()
	case "grafana":
		return m.checkGrafanaArgs()
	case "allocate":
		return m.checkAllocateArgs()
	default:
		if len(m.Args) > 0 {
			return fmt.Errorf("%s: unexpected argument %q", m.Command, m.Args[0])
		}
	}
	return nil
}
