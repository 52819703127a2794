package duckdb

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/llmcost/llmcost/internal/cost"
)

// streamError marks an error returned by a batch's Stream or by the validation
// of a streamed line, so that Apply returns it as it is.
type streamError struct{ err error }

func (e *streamError) Error() string { return e.err.Error() }
func (e *streamError) Unwrap() error { return e.err }

// streamLines appends the lines b.Stream emits straight to cost_rows, inside
// the apply's transaction, validating each as it comes; each line is written
// once and DuckDB spills what does not fit in memory. The first line of a
// partition not yet replaced deletes that partition's old lines first (the
// appender is flushed around the delete), so the Go side holds one record per
// partition, never per line.
func (a *applier) streamLines(ctx context.Context) error {
	stats := a.streamStats()
	cols := append(append([]string(nil), lineColumns...), "ingested_at")
	return a.conn.Raw(func(dc any) error {
		c, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", dc)
		}
		var app *duckdb.Appender
		open := func() (err error) {
			app, err = duckdb.NewAppenderWithColumns(c, "", "main", "cost_rows", cols)
			return err
		}
		if err := open(); err != nil {
			return fmt.Errorf("appender cost_rows: %w", err)
		}
		n := 0
		vals := make([]driver.Value, 0, len(cols))
		err := a.batch.Stream(func(l *cost.LineItem) error {
			n++
			if err := cost.ValidateLine(n, l); err != nil {
				return &streamError{err}
			}
			p := cost.Partition{Source: l.Source, Key: l.SourcePartition}
			s := stats[p]
			if s == nil {
				s = &partStats{}
				stats[p] = s
				if err := app.Close(); err != nil {
					return fmt.Errorf("insert lines: %w", err)
				}
				if err := a.replaceStreamed(ctx, c, p); err != nil {
					return err
				}
				if err := open(); err != nil {
					return fmt.Errorf("appender cost_rows: %w", err)
				}
			}
			s.add(l)
			v, err := lineValues(vals[:0], l)
			if err == nil {
				err = app.AppendRow(append(v, a.now)...)
			}
			if err != nil {
				return fmt.Errorf("insert line %d: %w", n, err)
			}
			return nil
		})
		if err != nil {
			app.Close()
			if se := (*streamError)(nil); !errors.As(err, &se) {
				err = &streamError{err}
			}
			return err
		}
		if err := app.Close(); err != nil {
			return fmt.Errorf("insert lines: %w", err)
		}
		a.res.LinesWritten += n
		return nil
	})
}

// streamStats returns a record for each partition the batch replaces up front;
// streamLines adds one for each further partition its lines name.
func (a *applier) streamStats() map[cost.Partition]*partStats {
	a.stats = make(map[cost.Partition]*partStats, len(a.parts))
	for _, p := range a.parts {
		a.stats[p] = &partStats{}
	}
	return a.stats
}

// replaceStreamed deletes the old lines of a partition a streamed line names
// for the first time, and lists it in stage_parts. It runs on the driver
// connection c that holds the apply's transaction (the *sql.Conn is held by
// the appender's Raw call).
func (a *applier) replaceStreamed(ctx context.Context, c driver.Conn, p cost.Partition) error {
	ex, ok := c.(driver.ExecerContext)
	if !ok {
		return fmt.Errorf("driver connection %T cannot execute", c)
	}
	args := []driver.NamedValue{{Ordinal: 1, Value: p.Source}, {Ordinal: 2, Value: p.Key}}
	for _, t := range lineTables {
		r, err := ex.ExecContext(ctx, `DELETE FROM `+t+` WHERE `+sourceOf(t)+` = ? AND `+partitionKey(t)+` = ?`, args)
		if err != nil {
			return fmt.Errorf("delete lines: %w", err)
		}
		n, err := r.RowsAffected()
		if err != nil {
			return fmt.Errorf("delete lines: %w", err)
		}
		a.res.LinesDeleted += int(n)
	}
	a.parts = append(a.parts, p)
	if _, err := ex.ExecContext(ctx, `INSERT INTO stage_parts (source, key) VALUES (?, ?)`, args); err != nil {
		return fmt.Errorf("stage partitions: %w", err)
	}
	return nil
}
