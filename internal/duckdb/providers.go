package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/llmcost/llmcost/internal/cost"
)

// providersIn returns the index of q's filter keeping two or more cloud
// providers, or -1.
func providersIn(q *cost.AggregateQuery) int {
	for i, f := range q.Filters {
		if f.Dimension == cost.DimCloudProvider && f.Op == cost.OpIn && len(f.Values) >= 2 {
			return i
		}
	}
	return -1
}

// aggregateProviders runs q, whose filter i keeps several cloud providers, as
// its complement when that names fewer: the providers present but not kept.
// DuckDB filters a scan by an inequality far faster than by a list, which it
// reads as one scan per provider; keeping two providers of three costs one
// inequality (AWS aside) rather than two scans, and keeping all of them no
// filter. The providers present and the query are read in one transaction,
// so from one snapshot: an ingest that adds a provider between
// the two cannot make the complement keep it.
func (db *DB) aggregateProviders(ctx context.Context, q *cost.AggregateQuery, i int) (*cost.Frame, error) {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("duckdb: aggregate: %w", err)
	}
	defer tx.Rollback()
	present, err := providerSet(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("duckdb: aggregate: providers: %w", err)
	}
	kept := q.Filters[i].Values
	var others []string
	for _, p := range present {
		if !slices.Contains(kept, p) {
			others = append(others, p)
		}
	}
	// No provider present means no line, or lines written around the store
	// (RebuildSummaries): the filter is then kept as it is.
	if len(present) > 0 && len(others) < len(slices.Compact(slices.Sorted(slices.Values(kept)))) {
		c := *q
		c.Filters = slices.Delete(slices.Clone(q.Filters), i, i+1)
		if len(others) > 0 {
			c.Filters = append(c.Filters, cost.Filter{Dimension: cost.DimCloudProvider, Op: cost.OpNotIn, Values: others})
		}
		q = &c
	}
	f, err := db.aggregate(ctx, tx, q)
	if err != nil {
		return nil, err
	}
	return f, tx.Commit()
}

// providerSet returns the cloud providers of the lines tx reads: every one
// that partition_latest names.
func providerSet(ctx context.Context, tx *sql.Tx) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT cloud_provider FROM partition_latest`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
