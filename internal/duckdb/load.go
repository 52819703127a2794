package duckdb

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// loader writes a file's lines read by DuckDB in one transaction.
type loader struct {
	conn *sql.Conn
	tx   *sql.Tx
	now  time.Time
	res  *cost.LoadResult
	// table is where the lines go (rowsTable, or basicTable), cols the
	// columns sel fills before ingested_at, its last.
	table string
	cols  []string
	// derivable: the file gives the lines' cost_source, which may name a
	// source derived from other lines (cost.DerivedSources); else none does.
	derivable bool
}

// run inserts the lines sel selects, replaces the partitions they name and
// records them, and computes the summary; any failure rolls everything back.
func (l *loader) run(ctx context.Context, sel string, args []any) error {
	tx, err := l.conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("duckdb: load: %w", err)
	}
	defer tx.Rollback()
	l.tx = tx
	// The new lines are told from the old by their ingested_at; a store
	// whose clock stands still is loaded line by line.
	var same int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM cost_lines WHERE ingested_at = ?`, l.now).Scan(&same); err != nil {
		return fmt.Errorf("duckdb: load: %w", err)
	}
	if same > 0 {
		return fmt.Errorf("%w: lines already carry this ingest's time", cost.ErrNotLoaded)
	}
	cols := strings.Join(l.cols, ", ")
	r, err := tx.ExecContext(ctx, "INSERT INTO "+l.table+" ("+cols+", ingested_at) "+sel, append([]any{l.now}, args...)...)
	if err != nil {
		return fmt.Errorf("%w: %v", cost.ErrNotLoaded, err)
	}
	n, err := r.RowsAffected()
	if err != nil {
		return fmt.Errorf("duckdb: load: %w", err)
	}
	l.res.LinesWritten, l.res.Rows = int(n), int(n)
	for _, step := range []func(context.Context) error{l.replace, l.summarise} {
		if err := step(ctx); err != nil {
			return fmt.Errorf("duckdb: load: %w", err)
		}
	}
	return tx.Commit()
}

// replace deletes the older lines of the partitions the new lines name and
// records each partition's line count and cost, and its providers' newest
// days (recordLatest).
func (l *loader) replace(ctx context.Context) error {
	// Lines are grouped by day before their keys are computed, so a key is
	// computed once per day and provider, not once per line.
	stored := "NULL::VARCHAR"
	if l.table == rowsTable {
		stored = "source_partition"
	}
	derived, args := "false", []any{}
	if l.derivable {
		derived, args = isDerived()
	}
	args = append(args, l.now)
	if _, err := l.tx.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE load_days AS
		SELECT source, coalesce(d.stored, `+unifiedKey("d")+`) AS key, cloud_provider, date, derived, n, c, first
		FROM (SELECT `+sourceOf(l.table)+` AS source, `+stored+` AS stored, cloud_provider, date,
				`+derived+` AS derived, count(*) AS n, sum(cost_usd) AS c, min(rowid) AS first
			FROM `+l.table+` WHERE ingested_at = ? GROUP BY ALL) d`, args...); err != nil {
		return err
	}
	defer l.conn.ExecContext(context.Background(), "DROP TABLE IF EXISTS temp.main.load_days")
	if _, err := l.tx.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE load_parts AS
		SELECT source, key, sum(n) AS line_count, sum(c) AS cost_usd, min(first) AS first
		FROM load_days GROUP BY 1, 2`); err != nil {
		return err
	}
	defer l.conn.ExecContext(context.Background(), "DROP TABLE IF EXISTS temp.main.load_parts")
	for _, t := range lineTables {
		r, err := l.tx.ExecContext(ctx, `DELETE FROM `+t+` USING load_parts p
			WHERE `+sourceOf(t)+` = p.source AND `+partitionKey(t)+` = p.key
				AND `+t+`.ingested_at IS DISTINCT FROM ?`, l.now)
		if err != nil {
			return err
		}
		n, err := r.RowsAffected()
		if err != nil {
			return err
		}
		l.res.LinesDeleted += int(n)
	}
	if err := l.tx.QueryRowContext(ctx, `SELECT count(*) FROM partitions p JOIN load_parts s
		ON p.source = s.source AND p.key = s.key`).Scan(&l.res.PartitionsReplaced); err != nil {
		return err
	}
	if _, err := l.tx.ExecContext(ctx, `DELETE FROM partitions USING load_parts s
		WHERE partitions.source = s.source AND partitions.key = s.key`); err != nil {
		return err
	}
	if _, err := l.tx.ExecContext(ctx, `INSERT INTO partitions (source, key, line_count, cost_usd, ingested_at)
		SELECT source, key, line_count, cost_usd, ? FROM load_parts`, l.now); err != nil {
		return err
	}
	if err := l.recordLatest(ctx); err != nil {
		return err
	}
	rows, err := l.tx.QueryContext(ctx, `SELECT source, key FROM load_parts ORDER BY first, key`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var p cost.Partition
		if err := rows.Scan(&p.Source, &p.Key); err != nil {
			return err
		}
		l.res.Partitions = append(l.res.Partitions, p)
	}
	return rows.Err()
}

// summarise computes the summary's counters over the new lines.
func (l *loader) summarise(ctx context.Context) error {
	var from, to sql.NullTime
	if err := l.tx.QueryRowContext(ctx, `SELECT count_if(token_type <> ''), count_if(unpriced),
		coalesce(sum(cost_usd), 0), min(date), max(date)
		FROM cost_lines WHERE ingested_at = ?`, l.now).Scan(&l.res.TokenLines, &l.res.UnpricedLines,
		&l.res.CostUSD, &from, &to); err != nil {
		return err
	}
	l.res.From, l.res.To = from.Time, to.Time
	rows, err := l.tx.QueryContext(ctx, `SELECT DISTINCT CASE WHEN model = '' THEN '(none)' ELSE model END AS m
		FROM cost_lines WHERE ingested_at = ? AND unpriced ORDER BY m`, l.now)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			return err
		}
		l.res.UnpricedModels = append(l.res.UnpricedModels, m)
	}
	return rows.Err()
}

// spoolPattern names the copies SpoolFile makes.
const spoolPattern = "ingest-*.csv"

// SpoolFile creates an empty file in the store's spool directory (its temp
// directory, or the system's when it has none) for a file DuckDB is to read;
// the caller removes it. The first call removes copies a killed process left.
func (db *DB) SpoolFile() (*os.File, error) {
	dir := db.spoolDir
	if dir == "" {
		dir = os.TempDir()
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("duckdb: spool: %w", err)
	}
	db.spoolOnce.Do(func() {
		// The store's file is locked by this process, so copies left in the
		// spool directory are a killed process's.
		old, _ := filepath.Glob(filepath.Join(dir, spoolPattern))
		for _, p := range old {
			os.Remove(p)
		}
	})
	f, err := os.CreateTemp(dir, spoolPattern)
	if err != nil {
		return nil, fmt.Errorf("duckdb: spool: %w", err)
	}
	return f, nil
}
