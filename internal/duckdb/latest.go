package duckdb

import (
	"context"
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// LatestData returns, per cloud provider, the newest date with data and when that
// provider's lines were last ingested, ordered by provider. Lines derived from
// others (cost.DerivedSources) do not count. It reads partition_latest, which
// every write keeps for the partitions it writes, not the lines.
func (db *DB) LatestData(ctx context.Context) ([]cost.Freshness, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT cloud_provider, max(latest_date), max(ingested_at)
		FROM partition_latest WHERE NOT derived GROUP BY cloud_provider ORDER BY cloud_provider`)
	if err != nil {
		return nil, fmt.Errorf("duckdb: latest data: %w", err)
	}
	defer rows.Close()
	out := []cost.Freshness{}
	for rows.Next() {
		var f cost.Freshness
		var latest, ingested time.Time
		if err := rows.Scan(&f.CloudProvider, &latest, &ingested); err != nil {
			return nil, fmt.Errorf("duckdb: latest data: %w", err)
		}
		f.LatestDate, f.IngestedAt = latest.UTC(), ingested.UTC()
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("duckdb: latest data: %w", err)
	}
	return out, nil
}

// recordLatest rewrites partition_latest for the partitions a load replaced,
// from the days of its lines (load_days).
func (l *loader) recordLatest(ctx context.Context) error {
	if _, err := l.tx.ExecContext(ctx, `DELETE FROM partition_latest USING load_parts s
		WHERE partition_latest.source = s.source AND partition_latest.key = s.key`); err != nil {
		return err
	}
	_, err := l.tx.ExecContext(ctx, `INSERT INTO partition_latest (source, key, cloud_provider, derived, latest_date, ingested_at)
		SELECT source, key, cloud_provider, derived, max(date), ? FROM load_days GROUP BY 1, 2, 3, 4`, l.now)
	return err
}

// recordLatest rewrites partition_latest for the partitions an apply
// replaced, from the newest days its lines had (partStats).
func (a *applier) recordLatest(ctx context.Context, stats map[cost.Partition]*partStats) error {
	if _, err := a.exec(ctx, `DELETE FROM partition_latest USING stage_parts s
		WHERE partition_latest.source = s.source AND partition_latest.key = s.key`); err != nil {
		return fmt.Errorf("record latest days: %w", err)
	}
	type row struct {
		p   cost.Partition
		k   latestKey
		day time.Time
	}
	var rows []row
	for _, p := range a.parts {
		for k, day := range stats[p].latest {
			rows = append(rows, row{p, k, day})
		}
	}
	cols := []string{"source", "key", "cloud_provider", "derived", "latest_date", "ingested_at"}
	err := appendRows(a.conn, "", "partition_latest", cols, len(rows), func(i int) ([]driver.Value, error) {
		r := rows[i]
		return []driver.Value{r.p.Source, r.p.Key, r.k.provider, r.k.derived, r.day, a.now}, nil
	})
	if err != nil {
		return fmt.Errorf("record latest days: %w", err)
	}
	return nil
}

// latestKey is a provider's lines of a partition, derived from others or not.
type latestKey struct {
	provider string
	derived  bool
}

// isDerived returns the condition that a line's cost_source is one of
// cost.DerivedSources (lines computed from other lines), and its arguments.
func isDerived() (string, []any) {
	conds := make([]string, len(cost.DerivedSources))
	args := make([]any, len(cost.DerivedSources))
	for i, src := range cost.DerivedSources {
		conds[i], args[i] = "cost_source = ?", src
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

// add counts a line of the partition: its cost, and the newest day of its
// provider's lines, derived or not as it is.
func (s *partStats) add(l *cost.LineItem) {
	s.lines++
	s.cost += l.CostUSD
	if s.latest == nil {
		s.latest = map[latestKey]time.Time{}
	}
	k := latestKey{l.CloudProvider, slices.Contains(cost.DerivedSources, l.CostSource)}
	if day, ok := s.latest[k]; !ok || l.Date.After(day) {
		s.latest[k] = l.Date
	}
}

// RebuildSummaries recomputes partition_latest from the lines, in one
// transaction, and publishes a new data version. Every write the store makes
// keeps it; lines written around the store (benchmarks and tests that fill
// cost_rows with SQL) need this before they are read, or the freshness and
// the providers present (which a filter of several providers is read against)
// miss them.
func (db *DB) RebuildSummaries(ctx context.Context) error {
	db.applyMu.Lock()
	defer db.applyMu.Unlock()
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("duckdb: rebuild summaries: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM partition_latest`); err != nil {
		return fmt.Errorf("duckdb: rebuild summaries: %w", err)
	}
	derived, args := isDerived()
	if _, err := tx.ExecContext(ctx, `INSERT INTO partition_latest
		SELECT source, source_partition, cloud_provider, `+derived+`, max(date), max(ingested_at)
		FROM cost_lines GROUP BY ALL`, args...); err != nil {
		return fmt.Errorf("duckdb: rebuild summaries: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("duckdb: rebuild summaries: %w", err)
	}
	return nil // Unlocking publishes the new data version.
}
