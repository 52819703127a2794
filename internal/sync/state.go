package sync

import (
	"context"
	"encoding/json"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// statePrefix starts the settings keys that record applied deliveries.
const statePrefix = "sync/"

// state records the last delivery applied for one (source, delivery key).
type state struct {
	ID          string    `json:"id"`
	Fingerprint string    `json:"fingerprint"`
	Files       int       `json:"files"`
	Lines       int       `json:"lines"`
	AppliedAt   time.Time `json:"applied_at"`
	// Partitions are those the delivery's lines wrote: the next delivery for the
	// key replaces them all. Records written before it was kept have none.
	Partitions []cost.Partition `json:"partitions,omitempty"`
}

func stateKey(source, key string) string { return statePrefix + source + "/" + key }

// loadState returns the recorded state, or nil when none is recorded.
func loadState(ctx context.Context, s cost.Store, source, key string) (*state, error) {
	v, err := s.Setting(ctx, stateKey(source, key))
	if cost.ErrorCode(err) == cost.CodeNotFound {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var st state
	if err := json.Unmarshal([]byte(v), &st); err != nil {
		return nil, nil // An unreadable record only costs one re-fetch.
	}
	return &st, nil
}

func saveState(ctx context.Context, s cost.Store, source, key string, st state) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return s.SetSetting(ctx, stateKey(source, key), string(b))
}
