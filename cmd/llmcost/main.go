// Command llmcost ingests LLM billing data from several clouds, answers cost
// questions per customer, and serves dashboards, an HTTP API and a chat widget.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/llmcost/llmcost/internal/alert"
	"github.com/llmcost/llmcost/internal/allocation"
	"github.com/llmcost/llmcost/internal/auth"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/httpapi"
	"github.com/llmcost/llmcost/internal/postgres"
)

// Version is set at build time with -ldflags "-X main.Version=…".
var Version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := NewMain()
	m.Program = os.Args[0]
	if err := m.ParseFlags(ctx, os.Args[1:]); errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	} else if err != nil {
		fmt.Fprintln(os.Stderr, "llmcost:", userMessage(err))
		os.Exit(2)
	}
	if err := m.Run(ctx); err != nil {
		m.Close()
		fmt.Fprintln(os.Stderr, "llmcost:", userMessage(err))
		os.Exit(1)
	}
	if m.Serving() {
		<-ctx.Done()
		fmt.Fprintln(m.Stderr, "llmcost: shutting down")
	}
	if err := m.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "llmcost:", userMessage(err))
		os.Exit(1)
	}
}

// userMessage returns the message of an application error, or the error text.
func userMessage(err error) string {
	var e *cost.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}

// Main is the program: the parsed command and configuration, and the components
// it opened. Tests drive it the same way main does.
type Main struct {
	Config  Config
	Command string   // serve, demo, ingest, export, ask, alerts, sync, allocate, grafana, version
	Args    []string // Positional arguments after the command's flags.

	// Command-specific flags.
	Format     string // ingest, export
	Output     string // export -o
	Customer   string // ask --customer, export --customer
	Seed       int64  // demo --seed
	exportFrom string // export --from
	exportTo   string // export --to
	allocFrom  string // allocate --from
	allocTo    string // allocate --to
	allocOff   bool   // allocate --off
	initStore  bool   // ask, export, alerts, allocate --init: create an empty store
	dataSet    bool   // --data or LLMCOST_DATA was given
	dataFrom   string // "--data", "LLMCOST_DATA" or "" (the default)

	// Program is how the user runs llmcost, for commands printed to paste.
	Program string

	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string

	// Components opened by Run.
	Logger  *slog.Logger
	Store   *duckdb.DB
	Costs   cost.Store     // The ClickHouse store when configured; costStore picks it.
	Meta    *postgres.Meta // The shared metadata store when --meta names PostgreSQL.
	Keyring *auth.Keyring
	Server  *httpapi.Server
	alloc   *allocation.Allocator // Shared by every allocation hook; see allocator.
	// cliAlerts evaluates rules after a command's local ingests; see evaluateAlerts.
	cliAlerts *alert.Engine

	tempDir string // Removed on Close (demo without --data).
	// requestLog is the level of per-request log lines: info for serve, debug
	// for the demo, whose first session would otherwise bury its sign-in help.
	requestLog slog.Level
	// farewell is printed on Close: the demo repeats how it was signed in to.
	farewell  string
	closeFunc []func() error
}

// NewMain returns a Main reading the process environment and standard streams.
func NewMain() *Main {
	return &Main{Config: DefaultConfig(), Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv,
		Program: "llmcost"}
}

// Serving reports whether Run started a server that runs until Close.
func (m *Main) Serving() bool { return m.Server != nil }

// Run executes the parsed command. serve and demo return once the server
// listens; the others return when done.
func (m *Main) Run(ctx context.Context) error {
	lvl, _ := m.Config.SlogLevel()
	opts := &slog.HandlerOptions{Level: lvl}
	if m.Config.LogFormat == "json" {
		m.Logger = slog.New(slog.NewJSONHandler(m.Stderr, opts))
	} else {
		m.Logger = slog.New(slog.NewTextHandler(m.Stderr, opts))
	}
	switch m.Command {
	case "serve":
		return m.runServe(ctx)
	case "demo":
		return m.runDemo(ctx)
	case "ingest":
		return m.runIngest(ctx)
	case "export":
		return m.runExport(ctx)
	case "ask":
		return m.runAsk(ctx)
	case "mcp":
		return m.runMCP(ctx)
	case "alerts":
		return m.runAlerts(ctx)
	case "sync":
		return m.runSync(ctx)
	case "grafana":
		return m.runGrafana(ctx)
	case "allocate":
		return m.runAllocate(ctx)
	case "version":
		fmt.Fprintf(m.Stdout, "llmcost %s\n", Version)
		return nil
	}
	return fmt.Errorf("unknown command %q", m.Command)
}

// Close stops the server and closes what Run opened, in reverse order.
func (m *Main) Close() error {
	var errs []error
	if m.Server != nil {
		errs = append(errs, m.Server.Close())
		m.Server = nil
	}
	for i := len(m.closeFunc) - 1; i >= 0; i-- {
		errs = append(errs, m.closeFunc[i]())
	}
	m.closeFunc = nil
	if m.farewell != "" {
		fmt.Fprint(m.Stdout, m.farewell)
		m.farewell = ""
	}
	if m.tempDir != "" {
		errs = append(errs, os.RemoveAll(m.tempDir))
		m.tempDir = ""
	}
	return errors.Join(errs...)
}

// onClose registers fn to run on Close.
func (m *Main) onClose(fn func() error) { m.closeFunc = append(m.closeFunc, fn) }
