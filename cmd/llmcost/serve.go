package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/auth"
	"github.com/llmcost/llmcost/internal/billing"
	"github.com/llmcost/llmcost/internal/budgetcheck"
	"github.com/llmcost/llmcost/internal/chat"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/demo"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/httpapi"
	"github.com/llmcost/llmcost/internal/ingest"
	"github.com/llmcost/llmcost/internal/mcp"
	"github.com/llmcost/llmcost/internal/pricing"
	"github.com/llmcost/llmcost/internal/query"
	"github.com/llmcost/llmcost/internal/web"
	"github.com/llmcost/llmcost/internal/widget"
)

// StoreFile is the DuckDB database file inside the data directory.
const StoreFile = "llmcost.duckdb"

// openStore opens the store in the data directory (creating both as needed).
func (m *Main) openStore() (*duckdb.DB, error) {
	if m.Store != nil {
		return m.Store, nil
	}
	spool, err := prepareDataDir(m.Config.DataDir)
	if err != nil {
		return nil, err
	}
	db, err := duckdb.OpenWith(filepath.Join(m.Config.DataDir, m.storeFile()), m.duckdbOptions(spool))
	if err != nil {
		return nil, fmt.Errorf("cannot open store: %w", err)
	}
	db.Now = m.Config.Clock()
	m.Store = db
	m.onClose(func() error { m.Store = nil; return db.Close() })
	if err := m.openClickHouse(db); err != nil {
		return nil, err
	}
	return db, nil
}

// duckdbOptions bounds the store's memory: LLMCOST_DUCKDB_MEMORY or half the
// machine's memory (at most 2 GiB), spilling beyond it to the data directory's
// tmp/ directory.
func (m *Main) duckdbOptions(spool string) duckdb.Options {
	limit := m.Config.DuckDBMemory
	if limit == "" {
		limit = defaultDuckDBMemory()
	}
	return duckdb.Options{MemoryLimit: limit, TempDirectory: spool,
		AllowedDirectories: []string{spool + string(filepath.Separator)}}
}

// newIngester returns an ingester writing to the store with the configured
// price catalog; progress goes to stderr when progress is true.
func (m *Main) newIngester(db *duckdb.DB, progress bool) (*ingest.Ingester, error) {
	cat, err := pricing.Load(m.Config.PricingFile)
	if err != nil {
		return nil, err
	}
	mapping, err := billing.LoadMapping(m.Config.MappingFile)
	if err != nil {
		return nil, err
	}
	rates, err := pricing.LoadRates(m.Config.FXRates)
	if err != nil {
		return nil, err
	}
	in := &ingest.Ingester{Store: m.costStore(db), Catalog: cat, Logger: m.Logger, CustomerKeys: m.Config.CustomerKeys,
		Now: m.Config.Clock(), Mapping: mapping, Rates: rates}
	if progress {
		in.Progress = m.Stderr
	}
	return in, nil
}

// newChat returns the chat engine over the query service, with the language-model
// planner when LLMCOST_LLM configures one.
func (m *Main) newChat(q cost.QueryService, db *duckdb.DB, alerts cost.AlertService) (*chat.Engine, error) {
	c := chat.Config{Query: q, Store: m.costStore(db), Alerts: alerts, GrafanaURL: m.Config.GrafanaURL, Logger: m.Logger}
	if m.Config.LLM.Provider != "" {
		p, err := chat.NewPlanner(m.Config.LLM)
		if err != nil {
			return nil, err
		}
		c.Planner = p
		m.Logger.Info("chat uses a language-model planner", "provider", m.Config.LLM.Provider, "model", m.Config.LLM.Model)
	}
	return chat.New(c), nil
}

// runServe opens the store and keyring and starts the HTTP server.
func (m *Main) runServe(ctx context.Context) error {
	db, err := m.openStore()
	if err != nil {
		return err
	}
	keys, err := auth.OpenKeyring(auth.Options{Dir: m.Config.DataDir, AdminToken: m.Config.AdminToken, Shared: m.sharedSecrets()})
	if err != nil {
		return err
	}
	m.Keyring = keys
	if err := m.allocateOnStart(ctx, db); err != nil {
		return err
	}
	clock := m.Config.Clock()
	q := query.NewCached(query.NewService(m.costStore(db), clock), int64(m.Config.QueryCacheMB)<<20, m.Logger)
	alerts, err := m.newAlerts(q, db)
	if err != nil {
		return err
	}
	in, err := m.newIngester(db, false)
	if err != nil {
		return err
	}
	in.After = m.afterSteps(db, triggerAlerts(alerts), nil)
	engine, err := m.newChat(q, db, alerts)
	if err != nil {
		return err
	}
	budgets := budgetcheck.New(q, m.costStore(db), m.Logger)
	if err := m.startBudgetChecks(ctx, budgets); err != nil {
		return err
	}
	mcp.Version = Version
	srv := httpapi.NewServer(httpapi.Config{
		Addr: m.Config.Addr, Store: m.costStore(db), Query: q, Ingester: in, Keyring: keys,
		Chat: engine, Alerts: alerts, UI: web.Handler(), Widget: widget.Handler(m.Config.Limits.WidgetOrigins...),
		Logger: m.Logger, RequestLogLevel: m.requestLog, Now: clock, Limits: m.Config.Limits.httpLimits(),
		WidgetOrigins: m.Config.Limits.WidgetOrigins,
		Budgets:       budgets, GatewayCustomerHeader: m.Config.Gateway.CustomerHeader,
		Events: in, OTelCustomerKeys: m.Config.Gateway.OTelCustomerKeys,
		MCP: mcp.NewHTTPHandler(q, m.Logger),
	})
	if err := srv.Open(); err != nil {
		return err
	}
	m.Server = srv
	if err := m.startPG(db, keys); err != nil {
		return err
	}
	m.startAlerts(alerts, srv.URL())
	if err := m.startSync(db, in.After); err != nil {
		return err
	}
	// The first question should not pay for loading the names it may mention.
	// Close stops the warm-up and waits for it, so it never outlives the store.
	warmCtx, stopWarm := context.WithCancel(ctx)
	warmed := make(chan struct{})
	go func() {
		defer close(warmed)
		if err := engine.Warm(warmCtx); err != nil && warmCtx.Err() == nil {
			m.Logger.Warn("chat: warming the vocabulary", "err", err)
		}
	}()
	m.onClose(func() error { stopWarm(); <-warmed; return nil })
	m.Logger.Info("llmcost serving", "url", srv.URL(), "data", m.Config.DataDir, "version", Version)
	fmt.Fprintf(m.Stdout, "llmcost %s listening on %s (data %s)\n", Version, srv.URL(), m.Config.DataDir)
	if keys.Generated() {
		where := filepath.Join(m.Config.DataDir, auth.AdminTokenFile)
		if m.Meta != nil {
			where = "the metadata store's setting " + auth.AdminTokenSetting
		}
		fmt.Fprintf(m.Stdout, "Admin token (generated now, stored in %s; shown only once):\n  %s\n", where, keys.AdminToken())
	}
	return nil
}

// runDemo fills a data directory with generated demo data, then serves it.
func (m *Main) runDemo(ctx context.Context) error {
	if !m.dataSet {
		dir, err := os.MkdirTemp("", "llmcost-demo-")
		if err != nil {
			return err
		}
		m.tempDir, m.Config.DataDir = dir, dir
	}
	db, err := m.openStore()
	if err != nil {
		return err
	}
	now := m.Config.Clock()()
	d := demo.Generate(demo.Options{Seed: m.Seed, End: now})
	if err := demo.Load(ctx, m.costStore(db), d); err != nil {
		return fmt.Errorf("cannot load demo data: %w", err)
	}
	rg := d.Range()
	fmt.Fprintf(m.Stdout, "Demo data: %d cost lines, %d customers, %s to %s; spike on %s (%s on %s).\n",
		len(d.Lines), len(d.Customers), rg.From.Format("2006-01-02"), rg.To.Format("2006-01-02"),
		d.SpikeDate.Format("Mon 2006-01-02"), d.SpikeCustomer, d.SpikeModel)
	m.requestLog = slog.LevelDebug
	if err := m.runServe(ctx); err != nil {
		return err
	}
	if !m.Keyring.Generated() {
		fmt.Fprintf(m.Stdout, "Admin token: %s\n", m.Keyring.AdminToken())
	}
	m.farewell = m.demoFarewell()
	if len(d.Customers) > 0 {
		id := d.Customers[0].ID
		tok, exp, err := m.Keyring.Mint(id, 24*time.Hour, now)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "Customer token for %s (until %s), for %s/widget-demo:\n  %s\n",
			id, exp.Format(time.RFC3339), m.Server.URL(), tok)
	}
	fmt.Fprintf(m.Stdout, "Ask from another terminal:\n  %s ask --server %s --token %s \"How much did we spend yesterday?\"\n",
		m.Program, m.Server.URL(), shellQuote(m.Keyring.AdminToken()))
	fmt.Fprintf(m.Stdout, "Open %s/ and sign in with the admin token. Ctrl-C stops the demo.\n", m.Server.URL())
	fmt.Fprintln(m.Stdout, "HTTP requests are logged at debug level (LLMCOST_LOG_LEVEL=debug shows them).")
	return nil
}

// demoFarewell says, on exit, how the demo was signed in to, and how to keep
// its data and tokens for the next run.
func (m *Main) demoFarewell() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Demo stopped. It served %s; the admin token was:\n  %s\n", m.Server.URL(), m.Keyring.AdminToken())
	if m.tempDir != "" {
		fmt.Fprintln(&b, "Its temporary data directory is removed, so that token no longer works. To keep data and tokens between runs: llmcost demo --data DIR")
	} else {
		fmt.Fprintf(&b, "Data and tokens are kept in %s: llmcost demo --data %s serves them again.\n", m.Config.DataDir, m.Config.DataDir)
	}
	return b.String()
}
