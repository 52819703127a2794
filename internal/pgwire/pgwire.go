// Package pgwire serves the cost data over the PostgreSQL wire protocol, so
// Grafana's built-in PostgreSQL data source, psql and other SQL tools can query
// it. Logins are the product's principals: user "admin" with the admin token as
// password, or a customer id with a customer token minted by /api/v1/tokens.
// Queries must be a single read-only SELECT over a few relations (see Check);
// a customer login reads only its own rows whatever the SQL says.
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

// Config configures a Server.
type Config struct {
	DB     *sql.DB // The DuckDB store's handle.
	Auth   Authenticator
	Logger *slog.Logger     // nil = discard
	Now    func() time.Time // nil = time.Now
	// QueryTimeout bounds each query (default DefaultQueryTimeout).
	QueryTimeout time.Duration
	// MaxSessions caps concurrent logins, each holding a DuckDB connection
	// (default DefaultMaxSessions).
	MaxSessions int
}

// DefaultMaxSessions is Config.MaxSessions' default.
const DefaultMaxSessions = 64

// DefaultQueryTimeout is Config.QueryTimeout's default.
const DefaultQueryTimeout = 2 * time.Minute

// Server is a PostgreSQL wire endpoint.
type Server struct {
	c     Config
	wire  *wire.Server
	slots chan struct{} // One per open session.
}

type ctxKey int

const (
	principalKey ctxKey = iota
	sessionKey
)

// New builds a Server.
func New(c Config) (*Server, error) {
	if c.DB == nil || c.Auth == nil {
		return nil, errors.New("pgwire: DB and Auth are required")
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.QueryTimeout <= 0 {
		c.QueryTimeout = DefaultQueryTimeout
	}
	if c.MaxSessions <= 0 {
		c.MaxSessions = DefaultMaxSessions
	}
	s := &Server{c: c, slots: make(chan struct{}, c.MaxSessions)}
	ws, err := wire.NewServer(s.parse,
		wire.SessionAuthStrategy(wire.ClearTextPassword(s.login)),
		wire.SessionMiddleware(s.openSession),
		wire.CloseConn(s.closeSession),
		wire.Logger(c.Logger),
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
func (s *Server) Serve(l net.Listener) error { return s.wire.Serve(l) }

// ListenAndServe listens on addr and serves until Close.
func (s *Server) ListenAndServe(addr string) error { return s.wire.ListenAndServe(addr) }

// Close stops the server and closes its connections.
func (s *Server) Close() error { return s.wire.Close() }

// login maps a user name and password to a principal.
func (s *Server) login(ctx context.Context, _, user, password string) (context.Context, bool, error) {
	p, err := s.c.Auth.Authenticate(password, s.c.Now())
	if err != nil {
		return ctx, false, nil
	}
	switch {
	case user == AdminUser && p.Admin:
	case !p.Admin && p.CustomerID != "" && p.CustomerID == user:
	default:
		return ctx, false, nil
	}
	return context.WithValue(ctx, principalKey, p), true, nil
}

func (s *Server) openSession(ctx context.Context) (context.Context, error) {
	p, ok := ctx.Value(principalKey).(cost.Principal)
	if !ok {
		return ctx, pgerr.WithCode(errors.New("not authenticated"), codes.InvalidAuthorizationSpecification)
	}
	select {
	case s.slots <- struct{}{}:
	default:
		return ctx, pgerr.WithCode(errors.New("too many connections"), codes.TooManyConnections)
	}
	ss, err := openSession(ctx, s.c.DB, p)
	if err != nil {
		<-s.slots
		return ctx, err
	}
	s.c.Logger.Info("pgwire session", "principal", p.String())
	return context.WithValue(ctx, sessionKey, ss), nil
}

func (s *Server) closeSession(ctx context.Context) error {
	if ss, ok := ctx.Value(sessionKey).(*session); ok {
		<-s.slots
		return ss.close()
	}
	return nil
}

// parse checks and describes one query.
func (s *Server) parse(ctx context.Context, q wire.Query) (wire.PreparedStatements, error) {
	ss, ok := ctx.Value(sessionKey).(*session)
	if !ok {
		return nil, pgerr.WithCode(errors.New("no session"), codes.InvalidAuthorizationSpecification)
	}
	text := strings.TrimSpace(q.Query)
	if strings.Trim(text, "; \t\r\n") == "" {
		return wire.Prepared(wire.NewStatement(func(ctx context.Context, w wire.DataWriter, _ []wire.Parameter) error {
			return w.Empty()
		})), nil
	}
	pctx, cancel := context.WithTimeout(ctx, s.c.QueryTimeout)
	defer cancel()
	cols, oids, err := ss.prepare(pctx, text)
	if err != nil {
		return nil, pgError(err)
	}
	run := func(ctx context.Context, w wire.DataWriter, ps []wire.Parameter) error {
		ctx, cancel := context.WithTimeout(ctx, s.c.QueryTimeout)
		defer cancel()
		if err := ss.run(ctx, text, cols, oids, w, ps); err != nil {
			return pgError(err)
		}
		return nil
	}
	return wire.Prepared(wire.NewStatement(run, wire.WithColumns(cols), wire.WithParameters(oids))), nil
}

// pgError gives an error the PostgreSQL code matching its cost code.
func pgError(err error) error {
	var e *cost.Error
	if !errors.As(err, &e) {
		return err
	}
	switch e.Code {
	case cost.CodeForbidden:
		return pgerr.WithCode(err, codes.InsufficientPrivilege)
	case cost.CodeInvalid:
		return pgerr.WithCode(err, codes.SyntaxErrorOrAccessRuleViolation)
	}
	return err
}
