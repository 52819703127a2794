// Package pgwire serves the cost data over the PostgreSQL wire protocol, so
// Grafana's built-in PostgreSQL data source, psql and other SQL tools can query
// it. Logins are the product's principals: user "admin" with the admin token as
// password, or a customer id with a customer token minted by /api/v1/tokens.
// Queries must be a single read-only SELECT over a few relations (see Check).
// A customer login's queries run in a private DuckDB instance holding only that
// customer's rows, so it reads only its own rows whatever the SQL says; every
// query is bounded in time, memory and result size.
package pgwire

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"net"
	"strings"
	"time"

	wire "github.com/jeroenrinzema/psql-wire"
	"github.com/jeroenrinzema/psql-wire/codes"
	pgerr "github.com/jeroenrinzema/psql-wire/errors"

	"github.com/llmcost/llmcost/internal/cost"
)

// AdminUser is the login name of the admin principal.
const AdminUser = "admin"

// Authenticator turns a token into a principal; *auth.Keyring is one.
type Authenticator interface {
	Authenticate(token string, now time.Time) (cost.Principal, error)
}

// Config configures a Server. Zero values take the defaults below.
type Config struct {
	DB     *sql.DB // The DuckDB store's handle.
	Auth   Authenticator
	Logger *slog.Logger     // nil = discard
	Now    func() time.Time // nil = time.Now
	// QueryTimeout bounds each query, from parse to the last row.
	QueryTimeout time.Duration
	// QueryMemory caps the DuckDB memory of a customer login's queries (its
	// sandbox's memory_limit), e.g. "256MB"; keep it below the store's limit.
	QueryMemory string
	// MaxQueries caps queries running at once over all sessions; others wait
	// (within their timeout) for a turn.
	MaxQueries int
	// MaxRows and MaxBytes cap one result; MaxValueBytes caps one text value.
	MaxRows       int
	MaxBytes      int64
	MaxValueBytes int64
	// MaxSessions caps concurrent logins; AdminSessions of them are kept for
	// the admin. MaxSessionsPerLogin caps one principal's concurrent logins.
	MaxSessions         int
	AdminSessions       int
	MaxSessionsPerLogin int
	// FreeFailures failed logins from one address for one user are tolerated;
	// each further one locks that pair out for LockoutBase, doubling up to
	// LockoutMax. Every failed login is answered after FailureDelay (negative:
	// at once).
	FreeFailures int
	LockoutBase  time.Duration
	LockoutMax   time.Duration
	FailureDelay time.Duration
}

// Defaults of Config.
const (
	DefaultQueryTimeout        = 30 * time.Second
	DefaultQueryMemory         = "256MB"
	DefaultMaxQueries          = 4
	DefaultMaxRows             = 1_000_000
	DefaultMaxBytes            = 256 << 20
	DefaultMaxValueBytes       = 1 << 20
	DefaultMaxSessions         = 64
	DefaultAdminSessions       = 4
	DefaultMaxSessionsPerLogin = 16
	DefaultFreeFailures        = 5
	DefaultLockoutBase         = time.Second
	DefaultLockoutMax          = 15 * time.Minute
	DefaultFailureDelay        = 250 * time.Millisecond
)

func (c *Config) setDefaults() {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def64 := func(v *int64, d int64) {
		if *v <= 0 {
			*v = d
		}
	}
	dur := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	dur(&c.QueryTimeout, DefaultQueryTimeout)
	if c.QueryMemory == "" {
		c.QueryMemory = DefaultQueryMemory
	}
	def(&c.MaxQueries, DefaultMaxQueries)
	def(&c.MaxRows, DefaultMaxRows)
	def64(&c.MaxBytes, DefaultMaxBytes)
	def64(&c.MaxValueBytes, DefaultMaxValueBytes)
	def(&c.MaxSessions, DefaultMaxSessions)
	if c.AdminSessions <= 0 {
		c.AdminSessions = min(DefaultAdminSessions, max(c.MaxSessions-1, 0))
	}
	def(&c.MaxSessionsPerLogin, DefaultMaxSessionsPerLogin)
	def(&c.FreeFailures, DefaultFreeFailures)
	dur(&c.LockoutBase, DefaultLockoutBase)
	dur(&c.LockoutMax, DefaultLockoutMax)
	if c.FailureDelay == 0 {
		c.FailureDelay = DefaultFailureDelay
	}
}

// Server is a PostgreSQL wire endpoint.
type Server struct {
	c       Config
	wire    *wire.Server
	slots   *slots
	guard   *loginGuard
	running chan struct{} // One per running query.
	limits  resultLimits
}

type ctxKey int

const sessionKey ctxKey = iota

// New builds a Server.
func New(c Config) (*Server, error) {
	if c.DB == nil || c.Auth == nil {
		return nil, errors.New("pgwire: DB and Auth are required")
	}
	c.setDefaults()
	if err := checkMemoryLimit(c.QueryMemory); err != nil {
		return nil, err
	}
	s := &Server{
		c: c,
		slots: &slots{byPrincipal: map[string]int{}, max: c.MaxSessions, perPrincipal: c.MaxSessionsPerLogin,
			reserved: c.AdminSessions},
		guard: &loginGuard{failures: map[guardKey]*failures{}, free: c.FreeFailures, base: c.LockoutBase,
			max: c.LockoutMax, now: c.Now},
		running: make(chan struct{}, c.MaxQueries),
		limits:  resultLimits{rows: c.MaxRows, bytes: c.MaxBytes, valueSize: c.MaxValueBytes},
	}
	ws, err := wire.NewServer(s.parse,
		wire.SessionAuthStrategy(s.authenticate),
		wire.CloseConn(s.closeSession),
		wire.Logger(slog.New(wireLog{c.Logger.Handler()})),
		wire.Version("16.0"),
		wire.GlobalParameters(wire.Parameters{"TimeZone": "UTC", "DateStyle": "ISO, MDY", "integer_datetimes": "on"}),
	)
	if err != nil {
		return nil, err
	}
	s.wire = ws
	return s, nil
}

// Serve accepts connections on l until Close.
func (s *Server) Serve(l net.Listener) error { return s.wire.Serve(trackedListener{l}) }

// ListenAndServe listens on addr and serves until Close.
func (s *Server) ListenAndServe(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return s.Serve(l)
}

// Close stops the server and closes its connections.
func (s *Server) Close() error { return s.wire.Close() }

// closeSession ends the connection's session, if it has one.
func (s *Server) closeSession(ctx context.Context) error {
	if release, ok := ctx.Value(sessionKey).(*releaser); ok {
		return release.do()
	}
	return nil
}

// parse checks and describes one query.
func (s *Server) parse(ctx context.Context, q wire.Query) (wire.PreparedStatements, error) {
	rel, ok := ctx.Value(sessionKey).(*releaser)
	if !ok {
		return nil, pgerr.WithCode(errors.New("no session"), codes.InvalidAuthorizationSpecification)
	}
	ss := rel.session
	text := strings.TrimSpace(q.Query)
	if strings.Trim(text, "; \t\r\n") == "" {
		return wire.Prepared(wire.NewStatement(func(ctx context.Context, w wire.DataWriter, _ []wire.Parameter) error {
			return w.Empty()
		})), nil
	}
	pctx, cancel := context.WithTimeout(ctx, s.c.QueryTimeout)
	defer cancel()
	st, err := s.turn(pctx, func() (*statement, error) { return ss.prepare(pctx, text) })
	if err != nil {
		s.logRefusal(ss, err)
		return nil, pgError(pctx, err)
	}
	run := func(ctx context.Context, w wire.DataWriter, ps []wire.Parameter) error {
		ctx, cancel := context.WithTimeout(ctx, s.c.QueryTimeout)
		defer cancel()
		_, err := s.turn(ctx, func() (*statement, error) { return nil, ss.run(ctx, st, w, ps) })
		if err != nil {
			s.logRefusal(ss, err)
			return pgError(ctx, err)
		}
		return nil
	}
	return wire.Prepared(wire.NewStatement(run, wire.WithColumns(st.cols), wire.WithParameters(st.params))), nil
}

// turn runs f once fewer than MaxQueries queries are running.
func (s *Server) turn(ctx context.Context, f func() (*statement, error)) (*statement, error) {
	select {
	case s.running <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-s.running }()
	return f()
}

func (s *Server) logRefusal(ss *session, err error) {
	s.c.Logger.Debug("pgwire query failed", "principal", ss.p.String(), "err", err)
}
