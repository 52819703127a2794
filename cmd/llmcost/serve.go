package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/llmcost/llmcost/internal/auth"
	"github.com/llmcost/llmcost/internal/billing"
	"github.com/llmcost/llmcost/internal/budgetcheck"
	"github.com/llmcost/llmcost/internal/chat"
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
	if err := os.MkdirAll(m.Config.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("cannot create data directory: %w", err)
	}
	db, err := duckdb.OpenWith(filepath.Join(m.Config.DataDir, m.storeFile()),
		duckdb.Options{MemoryLimit: m.Config.DuckDBMemory})
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
func (m *Main) newChat(q *query.Service, db *duckdb.DB) (*chat.Engine, error) {
	c := chat.Config{Query: q, Store: db, GrafanaURL: m.Config.GrafanaURL, Logger: m.Logger}
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
	keys, err := auth.OpenKeyring(auth.Options{Dir: m.Config.DataDir, AdminToken: m.Config.AdminToken})
	if err != nil {
		return err
	}
	m.Keyring = keys
	in, err := m.newIngester(db, false)
	if err != nil {
		return err
	}
	if err := m.allocateOnStart(ctx, db); err != nil {
		return err
	}
	var ingester httpapi.Ingester = in
	if m.allocating() {
		ingester = allocatingIngester{in, m.allocator(db)}
	}
	clock := m.Config.Clock()
	q := query.NewService(m.costStore(db), clock)
	engine, err := m.newChat(q, db)
	if err != nil {
		return err
	}
	alerts, err := m.newAlerts(q, db)
	if err != nil {
		return err
	}
	budgets := budgetcheck.New(q, m.costStore(db), m.Logger)
	if err := m.startBudgetChecks(ctx, budgets); err != nil {
		return err
	}
	mcp.Version = Version
	srv := httpapi.NewServer(httpapi.Config{
		Addr: m.Config.Addr, Store: m.costStore(db), Query: q, Ingester: alertingIngester{ingester, alerts}, Keyring: keys,
		Chat: engine, Alerts: alerts, UI: web.Handler(), Widget: widget.Handler(),
		Logger: m.Logger, Now: clock,
		Budgets: budgets, GatewayCustomerHeader: m.Config.Gateway.CustomerHeader,
		Events: alertingEvents{in, alerts}, OTelCustomerKeys: m.Config.Gateway.OTelCustomerKeys,
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
	if err := m.startSync(db); err != nil {
		return err
	}
	m.Logger.Info("llmcost serving", "url", srv.URL(), "data", m.Config.DataDir, "version", Version)
	fmt.Fprintf(m.Stdout, "llmcost %s listening on %s (data %s)\n", Version, srv.URL(), m.Config.DataDir)
	if keys.Generated() {
		fmt.Fprintf(m.Stdout, "Admin token (generated now, stored in %s; shown only once):\n  %s\n",
			filepath.Join(m.Config.DataDir, auth.AdminTokenFile), keys.AdminToken())
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
	if err := m.runServe(ctx); err != nil {
		return err
	}
	if !m.Keyring.Generated() {
		fmt.Fprintf(m.Stdout, "Admin token: %s\n", m.Keyring.AdminToken())
	}
	if len(d.Customers) > 0 {
		id := d.Customers[0].ID
		tok, exp, err := m.Keyring.Mint(id, 24*time.Hour, now)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "Customer token for %s (until %s), for %s/widget-demo:\n  %s\n",
			id, exp.Format(time.RFC3339), m.Server.URL(), tok)
	}
	fmt.Fprintf(m.Stdout, "Open %s/ and sign in with the admin token. Ctrl-C stops the demo.\n", m.Server.URL())
	return nil
}
