package pgwire

import (
	"context"
	"log/slog"

	"github.com/jeroenrinzema/psql-wire/codes"
	pgerr "github.com/jeroenrinzema/psql-wire/errors"
)

// wireLog is the log handler given to psql-wire. The library logs every
// connection that ends in an error at error level, refused logins included,
// which admit has already logged (at debug, and once per lockout at warn, so
// that the log grows with lockouts, not with attempts): those are lowered to
// debug. Every other record passes unchanged.
type wireLog struct{ slog.Handler }

func (h wireLog) Handle(ctx context.Context, r slog.Record) error {
	if r.Level > slog.LevelDebug && loginRefused(r) {
		if !h.Handler.Enabled(ctx, slog.LevelDebug) {
			return nil
		}
		r.Level = slog.LevelDebug
	}
	return h.Handler.Handle(ctx, r)
}

func (h wireLog) WithAttrs(attrs []slog.Attr) slog.Handler {
	return wireLog{h.Handler.WithAttrs(attrs)}
}

func (h wireLog) WithGroup(name string) slog.Handler { return wireLog{h.Handler.WithGroup(name)} }

// loginRefused reports whether r carries an error refusing a login: a wrong
// password, a lockout or a session limit.
func loginRefused(r slog.Record) bool {
	refused := false
	r.Attrs(func(a slog.Attr) bool {
		if err, ok := a.Value.Any().(error); ok {
			switch pgerr.GetCode(err) {
			case codes.InvalidPassword, codes.InvalidAuthorizationSpecification, codes.TooManyConnections:
				refused = true
			}
		}
		return !refused
	})
	return refused
}
