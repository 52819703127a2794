package clickhouse

import (
	"slices"

	"github.com/llmcost/llmcost/internal/cost"
)

// occurrences numbers the occurrences of events in a stream of usages, keeping
// only the current one's id and token types. An event's usages are contiguous;
// a new occurrence starts at a usage marked First, at a change of event id, or
// when a token type repeats.
type occurrences struct {
	n     uint64
	id    string
	types []string
}

// next returns the number (from 1) of the occurrence u belongs to.
func (o *occurrences) next(u *cost.EventUsage) uint64 {
	if o.n == 0 || u.First || u.EventID != o.id || slices.Contains(o.types, u.TokenType) {
		o.n++
		o.id = u.EventID
		o.types = o.types[:0]
	}
	o.types = append(o.types, u.TokenType)
	return o.n
}

// usageSource returns what supplies b's usages: its EventStream, or a stream
// over Events that returns EventBatch.
func usageSource(b *cost.Batch) func(emit func(*cost.EventUsage) error) (string, error) {
	if b.EventStream != nil {
		return b.EventStream
	}
	return func(emit func(*cost.EventUsage) error) (string, error) {
		for i := range b.Events {
			if err := emit(&b.Events[i]); err != nil {
				return "", err
			}
		}
		return b.EventBatch, nil
	}
}

// uniqueParts returns ps without repeats, in first-seen order.
func uniqueParts(ps []cost.Partition) []cost.Partition {
	seen := make(map[cost.Partition]bool, len(ps))
	var out []cost.Partition
	for _, p := range ps {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}
