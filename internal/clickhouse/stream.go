package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/llmcost/llmcost/internal/cost"
)

// streamError marks an error returned by a batch's Stream or by the validation
// of a streamed line, so that Apply returns it as it is.
type streamError struct{ err error }

func (e *streamError) Error() string { return e.err.Error() }
func (e *streamError) Unwrap() error { return e.err }

// claim registers p as published by this apply and, the first time, counts what
// it replaces.
func (a *applier) claim(p cost.Partition) *published {
	if st, ok := a.stats[p]; ok {
		return st
	}
	if v, ok := a.current[p]; ok {
		a.res.PartitionsReplaced++
		a.res.LinesDeleted += int(v.lines)
	}
	return a.touch(p)
}

// stream inserts the lines the batch's Stream emits under the new version, in
// blocks of insertChunk rows, validating each and tallying its partition as it
// passes; only the partition tallies are kept. Nothing is visible until publish,
// so a failed stream leaves only rows under a version never published.
func (a *applier) stream(ctx context.Context) error {
	q := "INSERT INTO cost_lines (" + strings.Join(lineColumns, ", ") + ", version, ingested_at)"
	var block driver.Batch
	rows, n := 0, 0
	err := a.batch.Stream(func(l *cost.LineItem) error {
		n++
		if err := cost.ValidateLine(n, l); err != nil {
			return &streamError{err}
		}
		st := a.claim(cost.Partition{Source: l.Source, Key: l.SourcePartition})
		st.lines++
		st.cost += l.CostUSD
		vals, err := lineValues(l)
		if err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
		if block == nil {
			if block, err = a.s.conn.PrepareBatch(ctx, q); err != nil {
				return fmt.Errorf("insert lines: %w", err)
			}
		}
		if err := block.Append(append(vals, a.version, a.now)...); err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
		if rows++; rows == insertChunk {
			err := block.Send()
			block, rows = nil, 0
			if err != nil {
				return fmt.Errorf("insert lines: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		if block != nil {
			block.Abort()
		}
		if se := (*streamError)(nil); !errors.As(err, &se) {
			err = &streamError{err}
		}
		return err
	}
	if block != nil {
		if err := block.Send(); err != nil {
			return fmt.Errorf("insert lines: %w", err)
		}
	}
	a.res.LinesWritten = n
	return nil
}
