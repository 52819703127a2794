package pgwire

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/jeroenrinzema/psql-wire/codes"
	pgerr "github.com/jeroenrinzema/psql-wire/errors"
)

// TestWireLog_RefusedLoginsAreDebug checks the handler given to psql-wire: a
// connection ended by a refused login, which the library reports at error
// level, is logged at debug; any other error keeps its level.
func TestWireLog_RefusedLoginsAreDebug(t *testing.T) {
	const msg = "an unexpected error got returned while serving a client connection"
	tests := []struct {
		name      string
		err       error
		level     slog.Level // of the underlying handler
		wantLevel string     // "" = nothing written
	}{
		{"WrongPasswordAtInfo", pgerr.WithCode(errors.New("invalid username/password"), codes.InvalidPassword), slog.LevelInfo, ""},
		{"WrongPasswordAtDebug", pgerr.WithCode(errors.New("invalid username/password"), codes.InvalidPassword), slog.LevelDebug, "DEBUG"},
		{"LockedOutWrapped", fmt.Errorf("auth: %w", pgerr.WithCode(errors.New("too many failed logins"), codes.InvalidAuthorizationSpecification)), slog.LevelInfo, ""},
		{"SessionLimit", pgerr.WithCode(errors.New("too many connections"), codes.TooManyConnections), slog.LevelInfo, ""},
		{"OtherError", errors.New("read: connection reset by peer"), slog.LevelInfo, "ERROR"},
		{"InternalCode", pgerr.WithCode(errors.New("cannot open a session"), codes.Internal), slog.LevelInfo, "ERROR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			log := slog.New(wireLog{slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: tt.level})}).With("component", "wire")
			log.Error(msg, "err", tt.err)
			got := buf.String()
			if tt.wantLevel == "" {
				if got != "" {
					t.Errorf("logged %q, want nothing", got)
				}
				return
			}
			if !strings.Contains(got, "level="+tt.wantLevel+" ") || !strings.Contains(got, "component=wire") {
				t.Errorf("logged %q, want level %s with the logger's attributes", got, tt.wantLevel)
			}
		})
	}
}
