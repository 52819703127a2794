package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"math/big"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/sqlbuild"
)

// Aggregate compiles q with the DuckDB dialect and runs it. Dates come back as
// "YYYY-MM-DD" strings, numbers as float64 and NULL as nil.
// Returns CodeInvalid if q names an unknown metric, dimension or operator.
func (db *DB) Aggregate(ctx context.Context, q *cost.AggregateQuery) (*cost.Frame, error) {
	if i := providersIn(q); i >= 0 {
		return db.aggregateProviders(ctx, q, i)
	}
	return db.aggregate(ctx, nil, q)
}

// aggregate runs q, in tx when it is set.
func (db *DB) aggregate(ctx context.Context, tx *sql.Tx, q *cost.AggregateQuery) (*cost.Frame, error) {
	query, args, err := sqlbuild.Build(sqlbuild.DuckDB, q)
	if err != nil {
		return nil, err
	}
	names, types := sqlbuild.Columns(q)
	f, err := db.frame(ctx, tx, query, args, names, types)
	if err != nil {
		return nil, fmt.Errorf("duckdb: aggregate: %w", err)
	}
	return f, nil
}

// Distinct compiles the distinct values of d with the DuckDB dialect and runs
// it (cost.DataStore).
// Returns CodeInvalid for an unknown dimension or a malformed filter.
func (db *DB) Distinct(ctx context.Context, d cost.Dimension, q *cost.AggregateQuery) ([]string, error) {
	query, args, err := sqlbuild.BuildDistinct(sqlbuild.DuckDB, d, q)
	if err != nil {
		return nil, err
	}
	names, types := sqlbuild.Columns(&cost.AggregateQuery{GroupBy: []cost.Dimension{d}})
	f, err := db.frame(ctx, nil, query, args, names, types)
	if err != nil {
		return nil, fmt.Errorf("duckdb: distinct: %w", err)
	}
	return f.Strings(0), nil
}

var _ cost.ChangeRanker = (*DB)(nil)

// RankChanges compiles q with the DuckDB dialect, one scan grouped by every
// grouping, and runs it (cost.ChangeRanker).
// Returns CodeInvalid for a malformed query.
func (db *DB) RankChanges(ctx context.Context, q *cost.ChangeQuery) (*cost.Frame, error) {
	query, args, err := sqlbuild.BuildChange(sqlbuild.DuckDB, q)
	if err != nil {
		return nil, err
	}
	f, err := db.frame(ctx, nil, query, args, sqlbuild.ChangeColumns[0], sqlbuild.ChangeColumns[1])
	if err != nil {
		return nil, fmt.Errorf("duckdb: rank changes: %w", err)
	}
	return f, nil
}

var _ cost.OutlierRanker = (*DB)(nil)

// RankOutliers compiles q with the DuckDB dialect and runs it (cost.OutlierRanker).
// Returns CodeInvalid for a malformed query.
func (db *DB) RankOutliers(ctx context.Context, q *cost.OutlierQuery) (*cost.Frame, error) {
	query, args, err := sqlbuild.BuildOutliers(sqlbuild.DuckDB, q)
	if err != nil {
		return nil, err
	}
	f, err := db.frame(ctx, nil, query, args, sqlbuild.OutlierColumns[0], sqlbuild.OutlierColumns[1])
	if err != nil {
		return nil, fmt.Errorf("duckdb: rank outliers: %w", err)
	}
	return f, nil
}

// frame runs query (db.query: in tx when set) and reads its rows into a
// frame of the given columns.
// Rows are cut from blocks of up to frameBlock rows, and each distinct date
// is formatted once: a frame of thousands of rows allocates a few dozen times
// rather than several times a row.
func (db *DB) frame(ctx context.Context, tx *sql.Tx, query string, args []any, names, types []string) (*cost.Frame, error) {
	f := &cost.Frame{Columns: names, Types: types, Rows: [][]any{}}
	rows, err := db.query(ctx, tx, query, args)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	n := len(names)
	scanned := make([]any, n)
	ptrs := make([]any, n)
	for i := range scanned {
		ptrs[i] = &scanned[i]
	}
	dates := map[int64]any{} // A date's text by its Unix time.
	var block []any
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		if len(block) < n { // As many rows as read so far: at most half a block unused.
			block = make([]any, n*min(max(len(f.Rows), 1), frameBlock))
		}
		row := block[:n:n]
		block = block[n:]
		for i, v := range scanned {
			if t, ok := v.(time.Time); ok {
				text, ok := dates[t.Unix()]
				if !ok {
					text = frameValue(t)
					dates[t.Unix()] = text
				}
				row[i] = text
				continue
			}
			row[i] = frameValue(v)
		}
		f.Rows = append(f.Rows, row)
	}
	return f, rows.Err()
}

// frameBlock is the most rows frame allocates at once.
const frameBlock = 256

// frameValue converts a scanned value to its Frame form.
func frameValue(v any) any {
	switch x := v.(type) {
	case time.Time:
		return x.UTC().Format(cost.DateLayout)
	case int64:
		return float64(x)
	case int32:
		return float64(x)
	case uint64:
		return float64(x)
	case float32:
		return float64(x)
	case *big.Int:
		f, _ := new(big.Float).SetInt(x).Float64()
		return f
	case []byte:
		return string(x)
	}
	return v
}
