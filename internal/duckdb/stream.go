package duckdb

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/llmcost/llmcost/internal/cost"
)

// streamError marks an error returned by a batch's Stream or by the validation
// of a streamed line, so that Apply returns it as it is.
type streamError struct{ err error }

func (e *streamError) Error() string { return e.err.Error() }
func (e *streamError) Unwrap() error { return e.err }

// stageStream appends the lines b.Stream emits to the temporary table
// stage_lines on the apply's connection, validating each as it comes; DuckDB
// spills the table to disk when it outgrows memory. It then adds the partitions
// the lines name to stage_parts.
func (s *stage) stageStream(ctx context.Context, b *cost.Batch) error {
	if _, err := s.conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE stage_lines AS SELECT "+
		strings.Join(lineColumns, ", ")+" FROM cost_lines LIMIT 0"); err != nil {
		return fmt.Errorf("create staging: %w", err)
	}
	err := s.conn.Raw(func(dc any) error {
		c, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", dc)
		}
		a, err := duckdb.NewAppenderWithColumns(c, "temp", "main", "stage_lines", lineColumns)
		if err != nil {
			return fmt.Errorf("appender stage_lines: %w", err)
		}
		n := 0
		vals := make([]driver.Value, 0, len(lineColumns))
		err = b.Stream(func(l *cost.LineItem) error {
			n++
			if err := cost.ValidateLine(n, l); err != nil {
				return &streamError{err}
			}
			v, err := lineValues(vals[:0], l)
			if err == nil {
				err = a.AppendRow(v...)
			}
			if err != nil {
				return fmt.Errorf("stage line %d: %w", n, err)
			}
			return nil
		})
		if err != nil {
			a.Close()
			if se := (*streamError)(nil); !errors.As(err, &se) {
				err = &streamError{err}
			}
			return err
		}
		return a.Close()
	})
	if err != nil {
		return err
	}
	if _, err := s.conn.ExecContext(ctx, `INSERT INTO stage_parts
		SELECT DISTINCT source, source_partition FROM stage_lines
		EXCEPT SELECT source, key FROM stage_parts`); err != nil {
		return fmt.Errorf("stage partitions: %w", err)
	}
	return nil
}

// dropStream removes the stage_lines table.
func (s *stage) dropStream() {
	s.conn.ExecContext(context.Background(), "DROP TABLE IF EXISTS temp.main.stage_lines")
}

// insertStaged moves the staged lines into cost_lines in date order.
func (a *applier) insertStaged(ctx context.Context) error {
	cols := strings.Join(lineColumns, ", ")
	n, err := a.exec(ctx, "INSERT INTO cost_lines ("+cols+", ingested_at) SELECT "+cols+
		", ? FROM stage_lines ORDER BY date", a.now)
	if err != nil {
		return fmt.Errorf("insert lines: %w", err)
	}
	a.res.LinesWritten += n
	return nil
}

// recordStaged records every staged partition's line count and cost.
func (a *applier) recordStaged(ctx context.Context) error {
	if _, err := a.exec(ctx, `INSERT INTO partitions (source, key, line_count, cost_usd, ingested_at)
		SELECT p.source, p.key, count(l.source), coalesce(sum(l.cost_usd), 0), ?
		FROM stage_parts p LEFT JOIN stage_lines l ON l.source = p.source AND l.source_partition = p.key
		GROUP BY p.source, p.key`, a.now); err != nil {
		return fmt.Errorf("record partitions: %w", err)
	}
	return nil
}
