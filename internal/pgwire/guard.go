package pgwire

import (
	"net"
	"sync"
	"time"
)

// loginGuard slows down password guessing: after FreeFailures failed logins
// from one source address for one user name, that pair is locked out for a time
// that doubles with each further failure, up to MaxLockout. A success clears the
// pair's record.
type loginGuard struct {
	mu       sync.Mutex
	failures map[guardKey]*failures
	free     int
	base     time.Duration // First lockout.
	max      time.Duration // Longest lockout.
	now      func() time.Time
}

type guardKey struct{ source, user string }

type failures struct {
	n     int
	until time.Time // Locked out until then.
	last  time.Time
}

// maxTracked bounds the guard's memory; the oldest records go first.
const maxTracked = 10000

// lockedFor reports how long the pair is still locked out (0 = not locked).
func (g *loginGuard) lockedFor(source, user string) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	f := g.failures[guardKey{source, user}]
	if f == nil {
		return 0
	}
	return max(0, f.until.Sub(g.now()))
}

// failed records a failed login and returns the lockout it starts (0 = none).
func (g *loginGuard) failed(source, user string) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.failures) >= maxTracked {
		g.evict()
	}
	k := guardKey{source, user}
	f := g.failures[k]
	if f == nil {
		f = &failures{}
		g.failures[k] = f
	}
	now := g.now()
	f.n++
	f.last = now
	if f.n <= g.free {
		return 0
	}
	lock := g.base << min(f.n-g.free-1, 20)
	if lock > g.max || lock <= 0 {
		lock = g.max
	}
	f.until = now.Add(lock)
	return lock
}

// succeeded clears the pair's failures.
func (g *loginGuard) succeeded(source, user string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.failures, guardKey{source, user})
}

// evict drops records whose lockout is over, or the oldest half if none is.
func (g *loginGuard) evict() {
	now := g.now()
	for k, f := range g.failures {
		if f.until.Before(now) && now.Sub(f.last) > g.max {
			delete(g.failures, k)
		}
	}
	if len(g.failures) < maxTracked {
		return
	}
	n := 0
	for k := range g.failures {
		if n >= maxTracked/2 {
			break
		}
		delete(g.failures, k)
		n++
	}
}

// sourceOf is the host part of a remote address.
func sourceOf(a net.Addr) string {
	if a == nil {
		return ""
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}
