package duckdb

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/llmcost/llmcost/internal/cost"
)

// occurrences numbers the occurrences of events in a stream of usages, keeping
// only the current one's id and token types. An event's usages are contiguous;
// a new occurrence starts at a usage marked First, at a change of event id, or
// when a token type repeats.
type occurrences struct {
	n     int64
	id    string
	types []string
}

// next returns the number (from 1) of the occurrence u belongs to.
func (o *occurrences) next(u *cost.EventUsage) int64 {
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

// stagedEvents describes the usages staged for an apply.
type stagedEvents struct {
	batch   string // The event batch id.
	dropped int    // Repeated occurrences of events dropped.
	ids     int    // Distinct event ids left.
}

// stageEvents stages the batch's usages and drops repeated occurrences of
// their events. Errors of an EventStream, or of checking a usage, are returned
// as *streamError.
func (s *stage) stageEvents(ctx context.Context, b *cost.Batch) (stagedEvents, error) {
	if b.EventStream == nil && len(b.Events) == 0 {
		return stagedEvents{batch: b.EventBatch}, nil
	}
	batch, err := s.stageUsages(b)
	if err != nil {
		return stagedEvents{}, err
	}
	dropped, ids, err := s.dedupeStaged(ctx)
	return stagedEvents{batch: batch, dropped: dropped, ids: ids}, err
}

// stageUsages appends the batch's event usages to stage_usage through the
// appender as they come, each checked and numbered with its occurrence, and
// returns the event batch id. Errors of an EventStream, or of checking a usage,
// are returned as *streamError.
func (s *stage) stageUsages(b *cost.Batch) (string, error) {
	var batch string
	err := s.conn.Raw(func(dc any) error {
		c, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", dc)
		}
		a, err := duckdb.NewAppenderWithColumns(c, "temp", "main", "stage_usage", usageNames)
		if err != nil {
			return fmt.Errorf("appender stage_usage: %w", err)
		}
		var occ occurrences
		n := 0
		vals := make([]driver.Value, 0, len(usageNames))
		groups := map[rollupGroup]int32{}
		batch, err = usageSource(b)(func(u *cost.EventUsage) error {
			n++
			if err := cost.ValidateUsage(u); err != nil {
				return &streamError{err}
			}
			g := groupOf(u)
			grp, ok := groups[g]
			if !ok {
				grp = int32(len(groups))
				groups[g] = grp
			}
			if err := a.AppendRow(usageValues(vals[:0], u, grp, occ.next(u))...); err != nil {
				return fmt.Errorf("stage event usage %d: %w", n, err)
			}
			return nil
		})
		if err == nil {
			err = s.stageGroups(c, groups)
		}
		if err == nil && n > 0 && batch == "" {
			err = &streamError{cost.Errorf(cost.CodeInvalid, "The batch has events but no event batch id.")}
		}
		if err != nil {
			a.Close()
			if se := (*streamError)(nil); !errors.As(err, &se) && b.EventStream != nil {
				err = &streamError{err}
			}
			return err
		}
		return a.Close()
	})
	return batch, err
}

// stageGroups appends the batch's rollup groups to stage_groups on c.
func (s *stage) stageGroups(c driver.Conn, groups map[rollupGroup]int32) error {
	a, err := duckdb.NewAppenderWithColumns(c, "temp", "main", "stage_groups", groupNames)
	if err != nil {
		return fmt.Errorf("appender stage_groups: %w", err)
	}
	for g, n := range groups {
		if err := a.AppendRow(groupValues(n, g)...); err != nil {
			a.Close()
			return fmt.Errorf("stage rollup group: %w", err)
		}
	}
	return a.Close()
}

// dedupeStaged drops from stage_usage every occurrence of an event but its
// first, and returns how many occurrences it dropped and how many distinct
// event ids remain.
func (s *stage) dedupeStaged(ctx context.Context) (dropped, ids int, err error) {
	var occs int
	if err := s.conn.QueryRowContext(ctx, `SELECT count(DISTINCT occ), count(DISTINCT event_id)
		FROM stage_usage`).Scan(&occs, &ids); err != nil {
		return 0, 0, fmt.Errorf("dedupe events: %w", err)
	}
	if occs == ids {
		return 0, ids, nil
	}
	if _, err := s.conn.ExecContext(ctx, `DELETE FROM stage_usage WHERE occ NOT IN
		(SELECT min(occ) FROM stage_usage GROUP BY event_id)`); err != nil {
		return 0, 0, fmt.Errorf("dedupe events: %w", err)
	}
	return occs - ids, ids, nil
}
