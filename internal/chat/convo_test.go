package chat

import (
	"testing"
	"time"
)

func TestConversationsBoundedAndExpiring(t *testing.T) {
	c := newConversations(2, time.Minute)
	t0 := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	a, b, d := &plan{Intent: "a"}, &plan{Intent: "b"}, &plan{Intent: "d"}
	c.put("a", a, t0)
	c.put("b", b, t0.Add(time.Second))
	c.put("d", d, t0.Add(2*time.Second)) // Full: the oldest ("a") goes.
	if got := c.get("a", t0.Add(3*time.Second)); got != nil {
		t.Errorf("get(a) = %v after eviction, want nil", got)
	}
	if got := c.get("b", t0.Add(3*time.Second)); got != b {
		t.Errorf("get(b) = %v, want b", got)
	}
	if got := c.get("d", t0.Add(2*time.Minute)); got != nil {
		t.Errorf("get(d) = %v after the TTL, want nil", got)
	}
	if len(c.plans) > 2 {
		t.Errorf("%d conversations kept, want at most 2", len(c.plans))
	}
}
