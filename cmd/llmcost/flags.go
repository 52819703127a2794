package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/llmcost/llmcost/internal/ingest"
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
  export    write cost lines as a unified CSV: export [--format unified] [--output FILE]
  ask       ask a cost question in plain English: ask "How much did we spend yesterday?"
  mcp       serve the Model Context Protocol on stdin/stdout for AI assistants
  alerts    alert rules: alerts test RULE sends a test notification
  grafana   write Grafana provisioning files: grafana export DIR
  version   print the version

Run "llmcost <command> --help" for a command's flags and examples.

Environment (flags win over the environment; README.md has the defaults):
  LLMCOST_DATA                data directory (--data)
  LLMCOST_ADDR                listen address (--addr)
  LLMCOST_PG_ADDR             PostgreSQL wire endpoint (--pg-addr)
  LLMCOST_ADMIN_TOKEN         admin token, at least 16 characters
  LLMCOST_NOW                 fixed clock: 2026-11-28 or an RFC 3339 time
  LLMCOST_STORE               store engine: duckdb or clickhouse://host:port/db (--store)
  LLMCOST_CLICKHOUSE_CLUSTER  ClickHouse cluster for Distributed tables (--clickhouse-cluster)
  LLMCOST_META                metadata store: duckdb or postgres://user:pass@host:5432/db (--meta)
  LLMCOST_PRICING             price catalog override file (--pricing)
  LLMCOST_CUSTOMER_KEYS       tag keys naming the customer, comma-separated
  LLMCOST_MAPPING             meter and customer rules for native cloud exports (JSON file)
  LLMCOST_LOG_LEVEL           debug, info, warn or error
  LLMCOST_LOG_FORMAT          text or json
  LLMCOST_LLM                 chat language-model planner: anthropic or openai
  LLMCOST_LLM_MODEL           the planner's model
  LLMCOST_LLM_API_KEY         the planner's API key
  LLMCOST_LLM_BASE_URL        the planner's API base URL (any OpenAI-compatible server)
  LLMCOST_GRAFANA_URL         chat links point at this Grafana
  LLMCOST_SERVER              remote server for ingest, ask and alerts (--server)
  LLMCOST_TOKEN               bearer token for --server (--token)
  LLMCOST_ALERT_CHANNELS      alert channels file
  LLMCOST_ALERT_INTERVAL      alert evaluation period
  LLMCOST_PUBLIC_URL          base URL of links in alerts
  LLMCOST_SYNC_SOURCES        billing-export sources file (sync --sources)
  LLMCOST_SYNC_INTERVAL       serve's sync period
  LLMCOST_FX_RATES            exchange rates to USD (CSV file)
  LLMCOST_DUCKDB_MEMORY       DuckDB memory limit, e.g. 2GB
  LLMCOST_ALLOCATION          off or event-tokens (--allocation)
  LLMCOST_ALERT_ALLOW_HOSTS   internal hosts organisation alert channels may reach
  LLMCOST_ALERT_MAX_RULES     alert rules per customer
  LLMCOST_ALERT_MAX_CHANNELS  alert channels per customer
  LLMCOST_CHAT_PER_MINUTE     chat questions per principal a minute
  LLMCOST_AUTH_FAILURES_PER_MINUTE  wrong tokens per client address a minute
  LLMCOST_WIDGET_ORIGINS      origins whose pages may embed the widget and call the API
  LLMCOST_PG_QUERY_TIMEOUT    PostgreSQL endpoint: time per query
  LLMCOST_PG_QUERY_MEMORY     PostgreSQL endpoint: memory per customer login
  LLMCOST_QUERY_CACHE_MB      serve's result cache in MiB
  LLMCOST_OTEL_CUSTOMER_KEYS  span/resource attributes naming the customer in OTLP traces
  LLMCOST_GATEWAY_CUSTOMER_HEADER  header naming the customer in the Envoy budget check
  LLMCOST_BUDGET_CHECK_REFRESH  how often budget checks re-read spend from the store
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

Formats:
  unified      CSV: date,cloud_provider,service,model,token_type,cost_usd,usage_amount,customer_id
  focus        FOCUS 1.0-1.2 CSV or Parquet from any cloud
  events       per-request usage events as NDJSON or a JSON array
  aws-cur      AWS CUR 2.0 / Data Exports (CSV, Parquet) and legacy CUR CSV
  gcp-billing  Google Cloud Billing export rows as NDJSON or CSV
  azure-cost   Azure cost details CSV or Parquet (EA and MCA)

Examples:
  llmcost ingest --format focus ./exports/focus-2026-11.csv.gz
  llmcost ingest --format unified costs.csv more-costs.csv
  llmcost ingest --format aws-cur cur-2026-11/*-000*.csv.gz
  LLMCOST_TOKEN=$ADMIN llmcost ingest --server http://localhost:8080 --format events events.ndjson
`,
	"export": `Usage: llmcost export [--data DIR] [--format unified] [--output FILE] [--from DATE] [--to DATE] [--customer ID]

Writes cost lines as a unified CSV (the format "ingest --format unified" reads)
to standard output or FILE. The data directory must hold a store (see --init).

Examples:
  llmcost export > all.csv
  llmcost export --output november.csv --from 2026-11-01 --to 2026-11-30
  llmcost export --customer cust_acme --output acme.csv
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
server with --server (token from --token or LLMCOST_TOKEN). A data directory
without a store is an error unless --init is given; "llmcost demo" prints a
ready-to-paste --server line for its data.

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

Prints the version stamped in at build time ("make build" stamps git describe).

Examples:
  llmcost version
`,
}

// ParseFlags reads the environment, then the command and its flags from args.
// It returns flag.ErrHelp after printing help.
func (m *Main) ParseFlags(_ context.Context, args []string) error {
	if err := m.Config.ReadEnv(m.Getenv); err != nil {
		return err
	}
	if m.Getenv("LLMCOST_DATA") != "" {
		m.dataSet, m.dataFrom = true, "LLMCOST_DATA"
	}
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
	m.noteDataFlag(fs)
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
			printFlags(m.Stdout, fs)
		}
	}
	c := &m.Config
	switch m.Command {
	case "serve":
		m.storeFlags(fs)
		m.serverFlags(fs)
		pricingFlag(fs, c)
		allocationFlag(fs, c)
	case "demo":
		demoData := ""
		if m.dataSet {
			demoData = c.DataDir
		}
		fs.Func("data", "data `directory`; empty = a fresh temporary directory, removed on exit (LLMCOST_DATA)",
			func(v string) error { c.DataDir = v; return nil })
		if demoData != "" {
			fs.Lookup("data").DefValue = demoData
		}
		m.serverFlags(fs)
		fs.Int64Var(&m.Seed, "seed", 1, "demo data seed")
	case "ingest":
		m.storeFlags(fs)
		fs.StringVar(&m.Format, "format", "", "input format (required): "+strings.Join(ingest.Formats, ", "))
		pricingFlag(fs, c)
		allocationFlag(fs, c)
		m.remoteFlags(fs)
	case "export":
		m.storeFlags(fs)
		m.initFlag(fs)
		fs.StringVar(&m.Format, "format", "unified", "output format (unified)")
		fs.StringVar(&m.Output, "output", "", "output `file` (default: standard output)")
		fs.StringVar(&m.Output, "o", "", "short for --output")
		fs.StringVar(&m.exportFrom, "from", "", "first day, YYYY-MM-DD (default: all)")
		fs.StringVar(&m.exportTo, "to", "", "last day, YYYY-MM-DD (default: all)")
		fs.StringVar(&m.Customer, "customer", "", "only this customer's lines")
	case "sync":
		m.storeFlags(fs)
		fs.StringVar(&c.SyncSources, "sources", c.SyncSources, "sources `file` (LLMCOST_SYNC_SOURCES)")
		pricingFlag(fs, c)
		allocationFlag(fs, c)
	case "allocate":
		m.storeFlags(fs)
		m.initFlag(fs)
		m.allocateFlags(fs)
	case "ask":
		m.storeFlags(fs)
		m.initFlag(fs)
		fs.StringVar(&m.Customer, "customer", "", "ask as (or about) this customer")
		m.remoteFlags(fs)
	case "alerts":
		m.storeFlags(fs)
		m.initFlag(fs)
		m.remoteFlags(fs)
	case "mcp":
		m.storeFlags(fs)
		fs.StringVar(&m.Customer, "customer", "", "serve only this customer's data (local data directory)")
		m.remoteFlags(fs)
	case "grafana":
		m.storeFlags(fs)
		m.grafanaFlags(fs)
	}
	return fs
}

// storeFlags adds the flags that locate the store.
func (m *Main) storeFlags(fs *flag.FlagSet) {
	c := &m.Config
	fs.StringVar(&c.DataDir, "data", c.DataDir, "data `directory` (LLMCOST_DATA)")
	fs.StringVar(&c.Store, "store", c.Store, "store engine: duckdb, or clickhouse://host:port/db (LLMCOST_STORE)")
	fs.StringVar(&c.ClickHouseCluster, "clickhouse-cluster", c.ClickHouseCluster,
		"ClickHouse `cluster` for Distributed tables; empty = a single server (LLMCOST_CLICKHOUSE_CLUSTER)")
	fs.StringVar(&c.Meta, "meta", c.Meta,
		"metadata store: duckdb, or postgres://user:pass@host:5432/db shared by replicas; postgres needs --store clickhouse:// (LLMCOST_META)")
}

// serverFlags adds the listen addresses of serve and demo.
func (m *Main) serverFlags(fs *flag.FlagSet) {
	c := &m.Config
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address (LLMCOST_ADDR)")
	fs.StringVar(&c.PGAddr, "pg-addr", c.PGAddr, "PostgreSQL wire endpoint address, e.g. :5432; empty = off (LLMCOST_PG_ADDR)")
}

func pricingFlag(fs *flag.FlagSet, c *Config) {
	fs.StringVar(&c.PricingFile, "pricing", c.PricingFile, "price catalog override `file`; empty = the embedded catalog (LLMCOST_PRICING)")
}

// initFlag adds --init to a command that reads an existing store.
func (m *Main) initFlag(fs *flag.FlagSet) {
	fs.BoolVar(&m.initStore, "init", false, "create the data directory and an empty store when there is none")
}

func (m *Main) remoteFlags(fs *flag.FlagSet) {
	fs.StringVar(&m.Config.Server, "server", m.Config.Server, "`URL` of a running llmcost server instead of --data (LLMCOST_SERVER)")
	fs.StringVar(&m.Config.Token, "token", m.Config.Token, "bearer token for --server (LLMCOST_TOKEN)")
}

// flagAliases are short names printed only inside their long flag's help.
var flagAliases = map[string]bool{"o": true}

// printFlags writes fs's flags in one style, "--name", each with its default
// unless that is the zero value.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		if flagAliases[f.Name] {
			return
		}
		arg, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if arg != "" {
			line += " " + arg
		}
		line += "\n    \t" + strings.ReplaceAll(usage, "\n", "\n    \t")
		switch {
		case f.DefValue == "" || f.DefValue == "0" || f.DefValue == "false":
		case fmt.Sprintf("%T", f.Value) == "*flag.stringValue":
			line += fmt.Sprintf(" (default %q)", f.DefValue)
		default:
			line += fmt.Sprintf(" (default %v)", f.DefValue)
		}
		fmt.Fprintln(w, line)
	})
}

// noteDataFlag records that --data was given on the command line.
func (m *Main) noteDataFlag(fs *flag.FlagSet) {
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "data" {
			m.dataSet, m.dataFrom = true, "--data"
		}
	})
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
