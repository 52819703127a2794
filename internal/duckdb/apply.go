package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// EventSource is the source of the daily lines rolled up from events.
const EventSource = "events"

// Apply writes b atomically. Event usages and the replaced partitions are first
// staged in temporary tables on a dedicated connection; then one transaction on
// that connection deletes the replaced partitions' lines, appends the new lines
// (in date order, through DuckDB's appender), records new event ids, rolls their
// usages up into daily lines and records partition statistics.
// PartitionsReplaced counts the listed partitions that held data before.
//
// When b.Stream is set its lines are appended, validated one by one, straight
// to cost_lines inside the transaction, in file order (DuckDB spills to disk,
// so memory stays bounded however large the file); the first line of each
// partition deletes that partition's old lines first. Every partition the lines
// name is replaced, as well as b.Replace. If the stream fails, the transaction
// is rolled back, nothing changes and its error is returned as it is. Other
// applies wait while the stream is read.
//
// Event usages, from b.Events or b.EventStream alike, are appended to
// stage_usage as they come, each numbered with the occurrence of its event in
// the batch; repeats of an event within the batch are then dropped in SQL, so no
// Go memory grows with the number of events. If the EventStream fails, nothing
// changes and its error is returned as it is.
//
// Returns CodeInvalid if a line names a partition not listed in b.Replace, if a line
// has no date, or if an event has no id or the batch has events but no EventBatch.
func (db *DB) Apply(ctx context.Context, b *cost.Batch) (*cost.ApplyResult, error) {
	if err := b.Validate(); err != nil {
		return nil, err
	}
	parts := uniqueParts(b.Replace)
	db.applyMu.Lock()
	defer db.applyMu.Unlock()
	conn, err := db.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("duckdb: apply: %w", err)
	}
	defer conn.Close()
	st := &stage{conn: conn}
	if err := st.create(ctx); err != nil {
		return nil, fmt.Errorf("duckdb: apply: %w", err)
	}
	defer st.drop()
	if err := st.fillParts(parts); err != nil {
		return nil, fmt.Errorf("duckdb: apply: %w", err)
	}
	ev, err := st.stageEvents(ctx, b)
	if err != nil {
		return nil, applyError(err)
	}
	a := &applier{conn: conn, now: db.now(), batch: b, parts: parts, eventBatch: ev.batch, ids: ev.ids,
		streamed: b.Stream != nil, res: &cost.ApplyResult{EventsDuplicate: ev.dropped}}
	if err := a.run(ctx); err != nil {
		return nil, applyError(err)
	}
	return a.res, nil
}

// applyError returns a stream's error as it is, and wraps any other.
func applyError(err error) error {
	if se := (*streamError)(nil); errors.As(err, &se) {
		return se.err
	}
	return fmt.Errorf("duckdb: apply: %w", err)
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

// applier publishes a staged batch in one transaction.
type applier struct {
	conn  *sql.Conn
	tx    *sql.Tx
	now   time.Time
	batch *cost.Batch
	parts []cost.Partition // Distinct replaced partitions.
	// eventBatch is the batch's event batch id, from EventBatch or EventStream.
	eventBatch string
	ids        int // Distinct event ids staged in stage_usage.
	// streamed is set when the batch's lines come from batch.Stream, not
	// batch.Lines; stats then holds each replaced partition's figures.
	streamed bool
	stats    map[cost.Partition]*partStats
	res      *cost.ApplyResult
}

// run executes every step in one transaction, rolling back on the first error.
func (a *applier) run(ctx context.Context) error {
	tx, err := a.conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	a.tx = tx
	steps := []func(context.Context) error{a.replace, a.insertLines, a.insertEvents, a.recordPartitions}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// exec runs one statement in the transaction and returns the rows it affected.
func (a *applier) exec(ctx context.Context, q string, args ...any) (int, error) {
	r, err := a.tx.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	n, err := r.RowsAffected()
	return int(n), err
}

// replace deletes the lines of the partitions the batch lists.
func (a *applier) replace(ctx context.Context) error {
	for _, t := range lineTables {
		n, err := a.exec(ctx, `DELETE FROM `+t+` USING stage_parts s
			WHERE `+sourceOf(t)+` = s.source AND `+partitionKey(t)+` = s.key`)
		if err != nil {
			return fmt.Errorf("delete lines: %w", err)
		}
		a.res.LinesDeleted += n
	}
	return nil
}

// insertLines appends the batch's lines to cost_rows in date order, inside the
// transaction, so that zone maps on date stay tight. Columns that hold only their
// default in this batch are left to DuckDB, which saves a call per value.
func (a *applier) insertLines(ctx context.Context) error {
	if a.streamed {
		return a.streamLines(ctx)
	}
	lines := a.batch.Lines
	order := make([]int, len(lines))
	set := make([]bool, len(lineColumns))
	for i := range order {
		order[i] = i
		markSet(&lines[i], set)
	}
	slices.SortStableFunc(order, func(i, j int) int { return lines[i].Date.Compare(lines[j].Date) })
	var cols []string
	var used []int
	for i, c := range lineColumns {
		if set[i] {
			cols, used = append(cols, c), append(used, i)
		}
	}
	cols = append(cols, "ingested_at")
	all := make([]driver.Value, 0, len(lineColumns))
	row := make([]driver.Value, 0, len(cols))
	err := appendRows(a.conn, "", "cost_rows", cols, len(order), func(i int) ([]driver.Value, error) {
		vals, err := lineValues(all[:0], &lines[order[i]])
		row = row[:0]
		for _, j := range used {
			row = append(row, vals[j])
		}
		return append(row, a.now), err
	})
	if err != nil {
		return fmt.Errorf("insert lines: %w", err)
	}
	a.res.LinesWritten += len(lines)
	return nil
}

// rollupColumns are the cost_rows columns an event rollup fills.
const rollupColumns = `date, cloud_provider, service, model, model_family, customer_id, project, region,
	pricing_tier, token_type, cost_source, unpriced, usage_amount, cost_usd, cost, requests,
	usage_unit, currency, data_status, charge_category, source, source_partition, ingested_at`

// insertEvents drops usages of already-known events, records the new event ids and
// rolls their usages up into daily lines.
func (a *applier) insertEvents(ctx context.Context) error {
	if a.ids == 0 {
		return nil
	}
	if _, err := a.exec(ctx, `DELETE FROM stage_usage WHERE event_id IN (SELECT event_id FROM events)`); err != nil {
		return fmt.Errorf("dedupe events: %w", err)
	}
	n, err := a.exec(ctx, `INSERT INTO events (event_id, event_batch, event_time, ingested_at)
		SELECT event_id, ?, min(event_time), ? FROM stage_usage GROUP BY event_id`, a.eventBatch, a.now)
	if err != nil {
		return fmt.Errorf("insert events: %w", err)
	}
	a.res.EventsInserted = n
	a.res.EventsDuplicate += a.ids - n
	n, err = a.exec(ctx, `INSERT INTO cost_rows (`+rollupColumns+`)
		SELECT g.day, g.provider, g.service, g.model, g.model_family, g.customer_id, g.project, g.region,
			g.pricing_tier, g.token_type, g.cost_source, g.unpriced, t.tokens, t.cost_usd, t.cost_usd,
			t.requests, 'tokens', 'USD', ?, 'Usage', ?, ?, ?
		FROM (SELECT grp, SUM(tokens) AS tokens, SUM(cost_usd) AS cost_usd, count_if(first) AS requests
			FROM stage_usage GROUP BY grp) t
		JOIN stage_groups g ON g.grp = t.grp
		ORDER BY g.day`, cost.StatusEstimated, EventSource, a.eventBatch, a.now)
	if err != nil {
		return fmt.Errorf("roll up events: %w", err)
	}
	a.res.LinesWritten += n
	return nil
}

// recordPartitions records each replaced partition's line count and cost, and
// the event batch's partition (which accumulates across applies).
func (a *applier) recordPartitions(ctx context.Context) error {
	if err := a.tx.QueryRowContext(ctx, `SELECT count(*) FROM partitions p
		JOIN stage_parts s ON p.source = s.source AND p.key = s.key`).Scan(&a.res.PartitionsReplaced); err != nil {
		return fmt.Errorf("count partitions: %w", err)
	}
	if _, err := a.exec(ctx, `DELETE FROM partitions USING stage_parts s
		WHERE partitions.source = s.source AND partitions.key = s.key`); err != nil {
		return fmt.Errorf("record partitions: %w", err)
	}
	stats := a.stats
	if !a.streamed {
		stats = make(map[cost.Partition]*partStats, len(a.parts))
		for _, p := range a.parts {
			stats[p] = &partStats{}
		}
		for i := range a.batch.Lines {
			l := &a.batch.Lines[i]
			stats[cost.Partition{Source: l.Source, Key: l.SourcePartition}].add(l)
		}
	}
	cols := []string{"source", "key", "line_count", "cost_usd", "ingested_at"}
	if err := appendRows(a.conn, "", "partitions", cols, len(a.parts), func(i int) ([]driver.Value, error) {
		p := a.parts[i]
		return []driver.Value{p.Source, p.Key, stats[p].lines, stats[p].cost, a.now}, nil
	}); err != nil {
		return fmt.Errorf("record partitions: %w", err)
	}
	if err := a.recordLatest(ctx, stats); err != nil {
		return err
	}
	return a.recordEvents(ctx)
}

// recordEvents records the event batch's partition if this apply added events.
func (a *applier) recordEvents(ctx context.Context) error {
	if a.res.EventsInserted == 0 {
		return nil
	}
	return a.recordEventPartition(ctx)
}

// partStats is what one partition holds: its lines, their cost, and the
// newest day of each provider's lines, derived from others and not.
type partStats struct {
	lines  int64
	cost   float64
	latest map[latestKey]time.Time
}

// recordEventPartition replaces the event batch's partition record with its
// current line count and cost, and its rows of partition_latest, from one
// read of its lines (an event batch's partition gathers the daily lines of
// every apply of the batch). They are all in cost_rows.
func (a *applier) recordEventPartition(ctx context.Context) error {
	batch := a.eventBatch
	derived, args := isDerived()
	steps := []struct {
		q    string
		args []any
	}{
		{`CREATE OR REPLACE TEMP TABLE event_part AS
			SELECT cloud_provider, ` + derived + ` AS derived, count(*) AS n, sum(cost_usd) AS c,
				max(date) AS latest, max(ingested_at) AS ingested
			FROM cost_rows WHERE source = ? AND source_partition = ? GROUP BY ALL`,
			append(args, EventSource, batch)},
		{`DELETE FROM partitions WHERE source = ? AND key = ?`, []any{EventSource, batch}},
		{`INSERT INTO partitions (source, key, line_count, cost_usd, ingested_at)
			SELECT ?, ?, coalesce(sum(n), 0), coalesce(sum(c), 0), ? FROM event_part`, []any{EventSource, batch, a.now}},
		{`DELETE FROM partition_latest WHERE source = ? AND key = ?`, []any{EventSource, batch}},
		{`INSERT INTO partition_latest (source, key, cloud_provider, derived, latest_date, ingested_at)
			SELECT ?, ?, cloud_provider, derived, latest, ingested FROM event_part`, []any{EventSource, batch}},
		{`DROP TABLE temp.main.event_part`, nil},
	}
	for _, st := range steps {
		if _, err := a.exec(ctx, st.q, st.args...); err != nil {
			return fmt.Errorf("record event partition: %w", err)
		}
	}
	return nil
}
