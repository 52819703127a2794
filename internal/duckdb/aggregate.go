package duckdb

import (
	"context"
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
	query, args, err := sqlbuild.Build(sqlbuild.DuckDB, q)
	if err != nil {
		return nil, err
	}
	names, types := sqlbuild.Columns(q)
	f := &cost.Frame{Columns: names, Types: types, Rows: [][]any{}}
	rows, err := db.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("duckdb: aggregate: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		vals := make([]any, len(names))
		ptrs := make([]any, len(names))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("duckdb: aggregate: %w", err)
		}
		for i, v := range vals {
			vals[i] = frameValue(v)
		}
		f.Rows = append(f.Rows, vals)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("duckdb: aggregate: %w", err)
	}
	return f, nil
}

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
