package httpapi

import "sync"

// defaultBodiesBytes bounds the encoded answers the server keeps by default.
const defaultBodiesBytes = 32 << 20

// encodedBodies keeps the encoded bodies of tagged answers by ETag and by
// the coding negotiated with the client, so that a repeat of a request whose data
// has not changed is written without encoding it again. The ETag names the
// data version, the principal, today and the request, so a body is only ever
// served for exactly the answer it encodes. The oldest entries go first.
type encodedBodies struct {
	mu      sync.Mutex
	max     int // 0: keep nothing.
	size    int
	order   []string
	entries map[string]encodedBody
}

type encodedBody struct {
	body   []byte
	coding coding // The body's content coding.
}

// newEncodedBodies keeps up to maxBytes (0 = defaultBodiesBytes; negative: nothing).
func newEncodedBodies(maxBytes int64) *encodedBodies {
	switch {
	case maxBytes == 0:
		maxBytes = defaultBodiesBytes
	case maxBytes < 0:
		maxBytes = 0
	}
	return &encodedBodies{max: int(maxBytes), entries: map[string]encodedBody{}}
}

// bodyKey names the body of an answer for clients that negotiated coding c:
// a body is kept, and looked up, by the coding negotiated rather than the
// one it has, as a small body goes uncompressed either way.
func bodyKey(etag string, c coding) string {
	return etag + "+" + string(c)
}

func (c *encodedBodies) get(etag string, accepted coding) (encodedBody, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[bodyKey(etag, accepted)]
	return e, ok
}

func (c *encodedBodies) put(etag string, accepted coding, e encodedBody) {
	if len(e.body) > c.max/8 {
		return
	}
	key := bodyKey(etag, accepted)
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[key]; ok {
		return
	}
	c.entries[key] = e
	c.order = append(c.order, key)
	c.size += len(e.body) + len(key)
	for c.size > c.max && len(c.order) > 0 {
		old := c.order[0]
		c.order = c.order[1:]
		c.size -= len(c.entries[old].body) + len(old)
		delete(c.entries, old)
	}
}
