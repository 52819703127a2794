package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// EventSource is the source of the daily lines rolled up from events.
const EventSource = "events"

// Apply writes b atomically. The batch is first staged with DuckDB's appender in
// temporary tables on a dedicated connection; one transaction on that connection
// then deletes the replaced partitions' lines, inserts the new lines, records new
// event ids and rolls their usages up into daily lines. PartitionsReplaced counts
// the listed partitions that held data before.
//
// Returns CodeInvalid if a line names a partition not listed in b.Replace, if a line
// has no date, or if an event has no id or the batch has events but no EventBatch.
func (db *DB) Apply(ctx context.Context, b *cost.Batch) (*cost.ApplyResult, error) {
	if err := checkBatch(b); err != nil {
		return nil, err
	}
	usages, dupWithin, ids := dedupeUsages(b.Events)
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
	if err := stageBatch(st, b, usages); err != nil {
		return nil, fmt.Errorf("duckdb: apply: %w", err)
	}
	res := &cost.ApplyResult{EventsDuplicate: dupWithin}
	a := &applier{conn: conn, now: db.now(), batch: b.EventBatch, res: res, ids: ids}
	if err := a.run(ctx); err != nil {
		return nil, fmt.Errorf("duckdb: apply: %w", err)
	}
	return res, nil
}

// checkBatch validates a batch before anything is written.
func checkBatch(b *cost.Batch) error {
	parts := make(map[cost.Partition]bool, len(b.Replace))
	for _, p := range b.Replace {
		parts[p] = true
	}
	for i := range b.Lines {
		l := &b.Lines[i]
		if !parts[cost.Partition{Source: l.Source, Key: l.SourcePartition}] {
			return cost.Errorf(cost.CodeInvalid, "Line %d names partition %s %q, which the batch does not replace.",
				i+1, l.Source, l.SourcePartition)
		}
		if l.Date.IsZero() {
			return cost.Errorf(cost.CodeInvalid, "Line %d has no date.", i+1)
		}
	}
	if len(b.Events) > 0 && b.EventBatch == "" {
		return cost.Errorf(cost.CodeInvalid, "The batch has events but no event batch id.")
	}
	for i := range b.Events {
		if b.Events[i].EventID == "" {
			return cost.Errorf(cost.CodeInvalid, "Event usage %d has no event id.", i+1)
		}
	}
	return nil
}

// dedupeUsages drops repeated events within a batch. An event's usages are
// contiguous; a new occurrence starts at a usage marked First, at a change of event
// id, or when a token type repeats. Only the first occurrence of each id is kept.
// It returns the kept usages, the number of dropped occurrences and the kept ids.
func dedupeUsages(us []cost.EventUsage) (kept []cost.EventUsage, dropped int, ids []string) {
	seen := make(map[string]bool)
	types := make(map[string]bool)
	skip := false
	for i := range us {
		u := &us[i]
		if i == 0 || u.First || u.EventID != us[i-1].EventID || types[u.TokenType] {
			clear(types)
			skip = seen[u.EventID]
			if skip {
				dropped++
			} else {
				seen[u.EventID] = true
				ids = append(ids, u.EventID)
			}
		}
		types[u.TokenType] = true
		if !skip {
			kept = append(kept, *u)
		}
	}
	return kept, dropped, ids
}

// stageBatch appends the batch's lines, replaced partitions and usages to the
// staging tables.
func stageBatch(st *stage, b *cost.Batch, usages []cost.EventUsage) error {
	if err := st.appendRows("stage_lines", len(b.Lines), func(i int) ([]driver.Value, error) {
		return lineValues(&b.Lines[i])
	}); err != nil {
		return err
	}
	parts := uniqueParts(b.Replace)
	if err := st.appendRows("stage_parts", len(parts), func(i int) ([]driver.Value, error) {
		return []driver.Value{parts[i].Source, parts[i].Key}, nil
	}); err != nil {
		return err
	}
	return st.appendRows("stage_usage", len(usages), func(i int) ([]driver.Value, error) {
		return usageValues(&usages[i]), nil
	})
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
	batch string
	ids   []string
	res   *cost.ApplyResult
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

// replace deletes the lines of the replaced partitions.
func (a *applier) replace(ctx context.Context) error {
	if err := a.tx.QueryRowContext(ctx, `SELECT count(*) FROM partitions p
		JOIN stage_parts s ON p.source = s.source AND p.key = s.key`).Scan(&a.res.PartitionsReplaced); err != nil {
		return fmt.Errorf("count partitions: %w", err)
	}
	n, err := a.exec(ctx, `DELETE FROM cost_lines USING stage_parts s
		WHERE cost_lines.source = s.source AND cost_lines.source_partition = s.key`)
	if err != nil {
		return fmt.Errorf("delete lines: %w", err)
	}
	a.res.LinesDeleted = n
	return nil
}

// insertLines copies the staged lines into cost_lines in date order.
func (a *applier) insertLines(ctx context.Context) error {
	cols := strings.Join(lineColumns, ", ")
	n, err := a.exec(ctx, "INSERT INTO cost_lines ("+cols+", ingested_at) SELECT "+cols+
		", ? FROM stage_lines ORDER BY date", a.now)
	if err != nil {
		return fmt.Errorf("insert lines: %w", err)
	}
	a.res.LinesWritten += n
	return nil
}

// rollupColumns are the cost_lines columns an event rollup fills.
const rollupColumns = `date, cloud_provider, service, model, model_family, customer_id, project, region,
	pricing_tier, token_type, cost_source, unpriced, usage_amount, cost_usd, cost, requests,
	usage_unit, currency, data_status, charge_category, source, source_partition, ingested_at`

// insertEvents drops usages of already-known events, records the new event ids and
// rolls their usages up into daily lines.
func (a *applier) insertEvents(ctx context.Context) error {
	if len(a.ids) == 0 {
		return nil
	}
	if _, err := a.exec(ctx, `DELETE FROM stage_usage WHERE event_id IN (SELECT event_id FROM events)`); err != nil {
		return fmt.Errorf("dedupe events: %w", err)
	}
	n, err := a.exec(ctx, `INSERT INTO events (event_id, event_batch, event_time, ingested_at)
		SELECT event_id, ?, min(event_time), ? FROM stage_usage GROUP BY event_id`, a.batch, a.now)
	if err != nil {
		return fmt.Errorf("insert events: %w", err)
	}
	a.res.EventsInserted = n
	a.res.EventsDuplicate += len(a.ids) - n
	n, err = a.exec(ctx, `INSERT INTO cost_lines (`+rollupColumns+`)
		SELECT day, provider, service, model, model_family, customer_id, project, region,
			pricing_tier, token_type, cost_source, unpriced, SUM(tokens), SUM(cost_usd), SUM(cost_usd),
			count_if(first), 'tokens', 'USD', ?, 'Usage', ?, ?, ?
		FROM stage_usage
		GROUP BY day, provider, service, model, model_family, customer_id, project, region,
			pricing_tier, token_type, cost_source, unpriced
		ORDER BY day`, cost.StatusEstimated, EventSource, a.batch, a.now)
	if err != nil {
		return fmt.Errorf("roll up events: %w", err)
	}
	a.res.LinesWritten += n
	return nil
}

// recordPartitions records each replaced partition's line count and cost, and
// adds the event rollup to its batch's partition.
func (a *applier) recordPartitions(ctx context.Context) error {
	if _, err := a.exec(ctx, `DELETE FROM partitions USING stage_parts s
		WHERE partitions.source = s.source AND partitions.key = s.key`); err != nil {
		return fmt.Errorf("record partitions: %w", err)
	}
	if _, err := a.exec(ctx, `INSERT INTO partitions (source, key, line_count, cost_usd, ingested_at)
		SELECT s.source, s.key, count(l.date), coalesce(sum(l.cost_usd), 0), ?
		FROM stage_parts s LEFT JOIN stage_lines l ON l.source = s.source AND l.source_partition = s.key
		GROUP BY s.source, s.key`, a.now); err != nil {
		return fmt.Errorf("record partitions: %w", err)
	}
	if a.res.EventsInserted == 0 {
		return nil
	}
	var lines int64
	var usd float64
	if err := a.tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(cost_usd), 0) FROM cost_lines
		WHERE source = ? AND source_partition = ?`, EventSource, a.batch).Scan(&lines, &usd); err != nil {
		return fmt.Errorf("record event partition: %w", err)
	}
	if _, err := a.exec(ctx, `DELETE FROM partitions WHERE source = ? AND key = ?`, EventSource, a.batch); err != nil {
		return fmt.Errorf("record event partition: %w", err)
	}
	if _, err := a.exec(ctx, `INSERT INTO partitions (source, key, line_count, cost_usd, ingested_at)
		VALUES (?, ?, ?, ?, ?)`, EventSource, a.batch, lines, usd, a.now); err != nil {
		return fmt.Errorf("record event partition: %w", err)
	}
	return nil
}
