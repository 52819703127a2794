// Package httpapi serves the llmcost JSON API, metrics, and mounts the web UI and
// chat widget. Handlers parse, call a domain service, and respond; errors are
// mapped to HTTP status in one place (error.go).
package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/llmcost/llmcost/internal/auth"
	"github.com/llmcost/llmcost/internal/budgetcheck"
	"github.com/llmcost/llmcost/internal/cost"
)

// Ingester parses a billing file or event stream and writes it to the store.
// *ingest.Ingester implements it.
type Ingester interface {
	Ingest(ctx context.Context, format, name string, r io.Reader) (*cost.IngestSummary, error)
}

// Config holds the server's dependencies and settings.
type Config struct {
	// Addr is the listen address, e.g. ":8080" or "127.0.0.1:0".
	Addr     string
	Store    cost.Store
	Query    cost.QueryService
	Ingester Ingester
	Keyring  *auth.Keyring
	// Chat is optional; without it POST /api/v1/chat answers 501.
	Chat cost.ChatService
	// Alerts is optional; without it the /api/v1/alerts routes answer 501.
	Alerts cost.AlertService
	// UI is optional and mounted at "/".
	UI http.Handler
	// Widget is optional and serves /widget.js and /widget-demo.
	Widget http.Handler
	Logger *slog.Logger
	// RequestLogLevel is the level of the per-request log lines (default info;
	// errors are always logged at error). The demo logs them at debug.
	RequestLogLevel slog.Level
	// Now is the clock; defaults to time.Now.
	Now func() time.Time
	// MaxIngestBytes bounds an ingest body (default 8 GiB); JSON bodies are
	// bounded by MaxJSONBytes (default 1 MiB).
	MaxIngestBytes int64
	MaxJSONBytes   int64
	// Limits are the rate limits on chat and on failed tokens.
	Limits Limits
	// WidgetOrigins are the origins ("https://app.example.com") whose pages
	// may call the API from a browser (CORS) and frame the widget page; "*"
	// allows any. None: same-origin only.
	WidgetOrigins []string
	// AnswerCacheBytes bounds the encoded bodies of tagged answers kept for
	// repeats (0 = 32 MiB; negative keeps none).
	AnswerCacheBytes int64
	// Budgets answers budget checks; without it they answer 501.
	Budgets *budgetcheck.Checker
	// GatewayCustomerHeader names the customer in the Envoy ext_authz mode
	// of the budget check (default DefaultGatewayCustomerHeader).
	GatewayCustomerHeader string
	// Events ingests OTLP spans' usage (POST /v1/traces); without it that
	// route answers 501.
	Events EventIngester
	// OTelCustomerKeys are the span/resource attributes naming the customer
	// (default otlp.DefaultCustomerKeys).
	OTelCustomerKeys []string
	// MaxOTLPBytes bounds an OTLP body, compressed and decompressed (default 16 MiB).
	MaxOTLPBytes int64
	// MCP serves the Model Context Protocol at /mcp, behind bearer
	// authentication; nil leaves /mcp unanswered (501).
	MCP http.Handler
}

// Server is the llmcost HTTP server.
type Server struct {
	cfg     Config
	log     *slog.Logger
	now     func() time.Time
	metrics *metrics
	limits  *limits
	bodies  *encodedBodies
	gw      *gatewayMetrics
	handler http.Handler
	mux     *http.ServeMux
	routes  []string

	ln   net.Listener
	srv  *http.Server
	done chan error
}

// NewServer builds a server from c, filling defaults. Call Open to listen.
func NewServer(c Config) *Server {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.MaxIngestBytes <= 0 {
		c.MaxIngestBytes = 8 << 30
	}
	if c.MaxJSONBytes <= 0 {
		c.MaxJSONBytes = 1 << 20
	}
	s := &Server{cfg: c, log: c.Logger, now: c.Now, metrics: newMetrics(), bodies: newEncodedBodies(c.AnswerCacheBytes),
		mux: http.NewServeMux()}
	s.limits = newLimits(c.Limits, s.log, s.metrics)
	if cs, ok := c.Query.(cacheStatser); ok {
		s.metrics.watchCache(cs)
	}
	s.gw = newGatewayMetrics(s.metrics.reg)
	s.registerRoutes()
	s.handler = s.observe(s.recoverPanics(s.securityHeaders(s.cors(s.mux))))
	return s
}

// Handler returns the server's root handler (for tests and embedding).
func (s *Server) Handler() http.Handler { return s.handler }

// Open starts listening on Config.Addr and serving in the background.
func (s *Server) Open() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("httpapi: listen %s: %w", s.cfg.Addr, err)
	}
	s.ln = ln
	s.srv = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	s.done = make(chan error, 1)
	go func() { s.done <- s.srv.Serve(ln) }()
	return nil
}

// Close shuts the server down gracefully: it stops accepting connections and
// waits up to 10 seconds for requests in flight.
func (s *Server) Close() error {
	if s.srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if serr := <-s.done; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	s.srv = nil
	return err
}

// URL returns the base URL the server listens on, e.g. "http://localhost:8080".
func (s *Server) URL() string {
	if s.ln == nil {
		return ""
	}
	addr := s.ln.Addr().(*net.TCPAddr)
	host := "localhost"
	if ip := addr.IP; ip != nil && !ip.IsUnspecified() {
		host = ip.String()
		if ip.To4() == nil {
			host = "[" + host + "]"
		}
	}
	return fmt.Sprintf("http://%s:%d", host, addr.Port)
}
