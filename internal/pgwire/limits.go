package pgwire

import (
	"errors"
	"sync"

	"github.com/jeroenrinzema/psql-wire/codes"
	pgerr "github.com/jeroenrinzema/psql-wire/errors"

	"github.com/llmcost/llmcost/internal/cost"
)

// slots counts open sessions, overall and per principal. Customer logins may
// use all but the admin's reserved slots, so an admin can always log in.
type slots struct {
	mu           sync.Mutex
	total        int
	byPrincipal  map[string]int
	max          int // All sessions.
	perPrincipal int // Sessions of one principal.
	reserved     int // Slots only an admin login may take.
}

var errTooMany = errors.New("too many connections")

// take claims a slot for p or returns a 53300 error.
func (s *slots) take(p cost.Principal) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := p.String()
	limit := s.max
	if !p.Admin {
		limit -= s.reserved
	}
	switch {
	case s.total >= limit:
		return pgerr.WithCode(errors.New("too many connections: the server is at its session limit"), codes.TooManyConnections)
	case s.byPrincipal[key] >= s.perPrincipal:
		return pgerr.WithCode(errors.New("too many connections for this login: close an idle session first"), codes.TooManyConnections)
	}
	s.total++
	s.byPrincipal[key]++
	return nil
}

// give returns p's slot.
func (s *slots) give(p cost.Principal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := p.String()
	s.total--
	if s.byPrincipal[key]--; s.byPrincipal[key] <= 0 {
		delete(s.byPrincipal, key)
	}
}
