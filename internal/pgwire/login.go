package pgwire

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	wire "github.com/jeroenrinzema/psql-wire"
	"github.com/jeroenrinzema/psql-wire/codes"
	pgerr "github.com/jeroenrinzema/psql-wire/errors"
	"github.com/jeroenrinzema/psql-wire/pkg/buffer"
	"github.com/jeroenrinzema/psql-wire/pkg/types"

	"github.com/llmcost/llmcost/internal/cost"
)

// Authentication request codes of the protocol.
const (
	authOK        = 0
	authCleartext = 3
)

// authenticate asks for a cleartext password, logs the user in and opens its
// session before answering, so that a refusal (bad password, lockout, no free
// slot) reaches the client as a FATAL error with its SQLSTATE.
func (s *Server) authenticate(ctx context.Context, w *buffer.Writer, r *buffer.Reader) (context.Context, error) {
	if err := writeAuth(w, authCleartext); err != nil {
		return ctx, err
	}
	t, _, err := r.ReadTypedMsg()
	if err != nil {
		return ctx, err
	}
	if t != types.ClientPassword {
		return ctx, errors.New("pgwire: expected a password message")
	}
	password, err := r.GetString()
	if err != nil {
		return ctx, err
	}
	user := wire.ClientParameters(ctx)[wire.ParamUsername]
	rel, err := s.admit(ctx, user, password)
	if err != nil {
		fatal := pgerr.WithSeverity(err, pgerr.LevelFatal)
		if werr := wire.WriteUnterminatedError(w, fatal); werr != nil {
			return ctx, werr
		}
		return ctx, fatal
	}
	if c, ok := wire.RemoteAddress(ctx).(trackedAddr); ok {
		c.conn.onClose(rel.do)
	}
	if err := writeAuth(w, authOK); err != nil {
		rel.do()
		return ctx, err
	}
	return context.WithValue(ctx, sessionKey, rel), nil
}

func writeAuth(w *buffer.Writer, code int32) error {
	w.Start(types.ServerAuth)
	w.AddInt32(code)
	return w.End()
}

// admit checks the login and opens its session, holding a slot.
func (s *Server) admit(ctx context.Context, user, password string) (*releaser, error) {
	source := sourceOf(wire.RemoteAddress(ctx))
	if wait := s.guard.lockedFor(source, user); wait > 0 {
		s.c.Logger.Debug("pgwire login locked out", "user", user, "source", source, "retry_in", wait.Round(time.Second))
		return nil, pgerr.WithCode(fmt.Errorf("too many failed logins; retry in %s", wait.Round(time.Second)),
			codes.InvalidAuthorizationSpecification)
	}
	p, ok := s.login(user, password)
	if !ok {
		// Warn once per lockout, so the log grows with lockouts, not with attempts.
		if lock := s.guard.failed(source, user); lock > 0 {
			s.c.Logger.Warn("pgwire login failures: locked out", "user", user, "source", source, "lockout", lock)
		} else {
			s.c.Logger.Debug("pgwire login failed", "user", user, "source", source)
		}
		time.Sleep(s.c.FailureDelay)
		return nil, pgerr.WithCode(errors.New("invalid username/password"), codes.InvalidPassword)
	}
	s.guard.succeeded(source, user)
	if err := s.slots.take(p); err != nil {
		s.c.Logger.Warn("pgwire login refused", "principal", p.String(), "err", err)
		return nil, err
	}
	ss, err := openSession(ctx, s.c.DB, p, s.c.QueryMemory, s.limits)
	if err != nil {
		s.slots.give(p)
		s.c.Logger.Error("pgwire session", "principal", p.String(), "err", err)
		if outOfMemory(err) {
			return nil, pgerr.WithCode(errors.New("this login's rows do not fit in the query memory"), codes.OutOfMemory)
		}
		return nil, pgerr.WithCode(errors.New("cannot open a session"), codes.Internal)
	}
	s.c.Logger.Info("pgwire session", "principal", p.String(), "source", source)
	return &releaser{session: ss, release: func() { s.slots.give(p) }}, nil
}

// login maps a user name and password to a principal.
func (s *Server) login(user, password string) (cost.Principal, bool) {
	p, err := s.c.Auth.Authenticate(password, s.c.Now())
	if err != nil {
		return p, false
	}
	switch {
	case user == AdminUser && p.Admin:
	case !p.Admin && p.CustomerID != "" && p.CustomerID == user:
	default:
		return p, false
	}
	return p, true
}

// releaser closes a session and frees its slot, once, whichever of the
// connection's close and the protocol's end comes first.
type releaser struct {
	session *session
	release func()
	once    sync.Once
	err     error
}

func (r *releaser) do() error {
	r.once.Do(func() {
		r.err = r.session.close()
		r.release()
	})
	return r.err
}

// trackedListener hands out connections that run registered functions when
// they close, so a session's resources are freed however its connection ends.
type trackedListener struct{ net.Listener }

func (l trackedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &trackedConn{Conn: c}, nil
}

type trackedConn struct {
	net.Conn
	mu      sync.Mutex
	closers []func() error
	closed  bool
}

// trackedAddr is the remote address of a trackedConn; it leads the login
// back to its connection.
type trackedAddr struct {
	net.Addr
	conn *trackedConn
}

func (c *trackedConn) RemoteAddr() net.Addr { return trackedAddr{c.Conn.RemoteAddr(), c} }

func (c *trackedConn) onClose(f func() error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		f()
		return
	}
	c.closers = append(c.closers, f)
}

func (c *trackedConn) Close() error {
	c.mu.Lock()
	closers := c.closers
	c.closers, c.closed = nil, true
	c.mu.Unlock()
	for _, f := range closers {
		f()
	}
	return c.Conn.Close()
}
