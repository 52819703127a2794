package query

import (
	"container/list"
	"sync"

	"github.com/llmcost/llmcost/internal/cost"
)

// lru is a least-recently-used map bounded by the bytes of its entries.
type lru struct {
	mu      sync.Mutex
	max     int64
	bytes   int64
	order   *list.List // Front = most recently used.
	entries map[string]*list.Element
	hits    int64
	misses  int64
	evicted int64
}

type lruEntry struct {
	key  string
	val  any
	size int64
}

func newLRU(maxBytes int64) *lru {
	return &lru{max: maxBytes, order: list.New(), entries: map[string]*list.Element{}}
}

// get returns the value under key, counting a hit or a miss.
func (c *lru) get(key string) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok {
		c.misses++
		return nil, false
	}
	c.hits++
	c.order.MoveToFront(e)
	return e.Value.(*lruEntry).val, true
}

// put stores val under key, evicting the least recently used entries until the
// total size fits. A value larger than the whole cache is not stored.
func (c *lru) put(key string, val any, size int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if size > c.max {
		return
	}
	if e, ok := c.entries[key]; ok {
		c.remove(e)
	}
	c.entries[key] = c.order.PushFront(&lruEntry{key: key, val: val, size: size})
	c.bytes += size
	for c.bytes > c.max {
		c.remove(c.order.Back())
		c.evicted++
	}
}

func (c *lru) remove(e *list.Element) {
	en := e.Value.(*lruEntry)
	c.order.Remove(e)
	delete(c.entries, en.key)
	c.bytes -= en.size
}

func (c *lru) stats() cost.CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return cost.CacheStats{Hits: c.hits, Misses: c.misses, Evictions: c.evicted, Bytes: c.bytes,
		Entries: int64(len(c.entries)), MaxBytes: c.max}
}
