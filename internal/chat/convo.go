package chat

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"
)

// conversations keeps the last plan of each conversation, in memory, bounded in
// size and age. Keys include the principal, so a conversation id cannot be used
// to continue another principal's conversation.
type conversations struct {
	mu    sync.Mutex
	ttl   time.Duration
	max   int
	plans map[string]entry
}

type entry struct {
	plan *plan
	at   time.Time
}

func newConversations(max int, ttl time.Duration) *conversations {
	return &conversations{ttl: ttl, max: max, plans: map[string]entry{}}
}

// get returns the last plan of a conversation, or nil.
func (c *conversations) get(key string, now time.Time) *plan {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.plans[key]
	if !ok || now.Sub(e.at) > c.ttl {
		delete(c.plans, key)
		return nil
	}
	return e.plan
}

// put stores the last plan of a conversation, dropping expired entries and, when
// full, the oldest one.
func (c *conversations) put(key string, p *plan, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.plans[key]; !ok && len(c.plans) >= c.max {
		oldest, at := "", now
		for k, e := range c.plans {
			if now.Sub(e.at) > c.ttl {
				delete(c.plans, k)
				continue
			}
			if e.at.Before(at) || oldest == "" {
				oldest, at = k, e.at
			}
		}
		if len(c.plans) >= c.max {
			delete(c.plans, oldest)
		}
	}
	c.plans[key] = entry{p, now}
}

// newID returns a random conversation id.
func newID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}
