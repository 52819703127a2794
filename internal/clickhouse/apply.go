package clickhouse

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// EventSource is the source of the daily lines rolled up from events.
const EventSource = "events"

// insertChunk is how many rows one insert block carries.
const insertChunk = 100_000

// lineColumns are the cost_lines columns a LineItem fills, in lineValues order.
var lineColumns = []string{
	"date", "charge_period_start", "charge_period_end", "cloud_provider", "service", "model",
	"model_family", "token_type", "pricing_tier", "usage_amount", "usage_unit", "cost_usd", "cost",
	"currency", "list_cost_usd", "customer_id", "account_id", "project", "region", "tags", "source",
	"source_partition", "cost_source", "data_status", "charge_category", "requests", "unpriced",
}

// published is a partition's newest published version and what it holds.
type published struct {
	version uint64
	lines   int64
	cost    float64
}

// Apply writes b atomically from a reader's point of view. The batch's lines and
// event rollups are inserted under a new version, invisible until one insert into
// part_versions publishes that version for every partition the batch touches;
// then the superseded versions' rows are deleted in the background.
// PartitionsReplaced counts the listed partitions that had been published before.
//
// When b.Stream is set its lines are validated and inserted in blocks as they
// come, keeping only per-partition tallies; every partition they name is
// published with the listed ones at the end. If the stream fails, nothing is
// published and its error is returned as it is.
//
// Event usages, from b.Events or b.EventStream alike, are inserted in blocks
// into a staging table on the server as they come; repeats within the batch
// and events already published are dropped, and the rest rolled up and
// recorded, by INSERT … SELECT under the new version, so this process's memory
// does not grow with the number of events. If the EventStream fails, nothing is
// published and its error is returned as it is.
//
// Returns CodeInvalid if a line names a partition not listed in b.Replace, if a line
// has no date, or if an event has no id or the batch has events but no EventBatch.
func (s *Store) Apply(ctx context.Context, b *cost.Batch) (*cost.ApplyResult, error) {
	if err := b.Validate(); err != nil {
		return nil, err
	}
	s.applyMu.Lock()
	defer s.applyMu.Unlock()
	a := &applier{s: s, batch: b, parts: uniqueParts(b.Replace),
		version: s.nextVersion(), now: s.now(), res: &cost.ApplyResult{}}
	if err := a.run(ctx); err != nil {
		if se := (*streamError)(nil); errors.As(err, &se) {
			return nil, se.err
		}
		return nil, fmt.Errorf("clickhouse: apply: %w", err)
	}
	if len(a.order) > 0 {
		if err := s.MetaStore.NoteDataChange(ctx); err != nil {
			return nil, fmt.Errorf("clickhouse: apply: published, but the data version did not move: %w", err)
		}
	}
	return a.res, nil
}

// applier carries one Apply through its steps.
type applier struct {
	s       *Store
	batch   *cost.Batch
	parts   []cost.Partition // Distinct replaced partitions.
	version uint64
	now     time.Time
	current map[cost.Partition]published
	stats   map[cost.Partition]*published // What each touched partition will hold.
	order   []cost.Partition              // Touched partitions, in publishing order.
	res     *cost.ApplyResult
}

// run executes the steps in order; nothing is visible until publish.
func (a *applier) run(ctx context.Context) error {
	cur, err := a.s.currentVersions(ctx)
	if err != nil {
		return err
	}
	a.current = cur
	a.stats = map[cost.Partition]*published{}
	for _, p := range a.parts {
		a.claim(p)
	}
	if a.batch.Stream != nil {
		if err := a.stream(ctx); err != nil {
			return err
		}
	} else if err := a.lines(ctx); err != nil {
		return err
	}
	if err := a.events(ctx); err != nil {
		return err
	}
	if len(a.order) == 0 {
		return nil
	}
	if err := a.publish(ctx); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	var superseded []cost.Partition
	for _, p := range a.order {
		if _, ok := a.current[p]; ok {
			superseded = append(superseded, p)
		}
	}
	a.s.dropSuperseded(ctx, superseded, a.version)
	return nil
}

// lines tallies and inserts the batch's Lines under the new version.
func (a *applier) lines(ctx context.Context) error {
	for i := range a.batch.Lines {
		l := &a.batch.Lines[i]
		st := a.stats[cost.Partition{Source: l.Source, Key: l.SourcePartition}]
		st.lines++
		st.cost += l.CostUSD
	}
	if err := a.s.insertLines(ctx, a.batch.Lines, a.version, a.now); err != nil {
		return fmt.Errorf("insert lines: %w", err)
	}
	a.res.LinesWritten = len(a.batch.Lines)
	return nil
}

// touch registers p as published by this apply.
func (a *applier) touch(p cost.Partition) *published {
	if st, ok := a.stats[p]; ok {
		return st
	}
	st := &published{version: a.version}
	a.stats[p] = st
	a.order = append(a.order, p)
	return st
}

// publish makes the new version current for every touched partition, in one block.
func (a *applier) publish(ctx context.Context) error {
	batch, err := a.s.conn.PrepareBatch(ctx, "INSERT INTO part_versions (source, key, version, line_count, cost_usd, ingested_at)")
	if err != nil {
		return err
	}
	defer batch.Abort()
	for _, p := range a.order {
		st := a.stats[p]
		if err := batch.Append(p.Source, p.Key, a.version, st.lines, st.cost, a.now); err != nil {
			return err
		}
	}
	return batch.Send()
}

// currentVersions returns every partition's newest published version.
func (s *Store) currentVersions(ctx context.Context) (map[cost.Partition]published, error) {
	rows, err := s.conn.Query(ctx, `SELECT source, key, max(version), argMax(line_count, version),
		argMax(cost_usd, version) FROM part_versions GROUP BY source, key`)
	if err != nil {
		return nil, fmt.Errorf("read versions: %w", err)
	}
	defer rows.Close()
	out := map[cost.Partition]published{}
	for rows.Next() {
		var p cost.Partition
		var v published
		if err := rows.Scan(&p.Source, &p.Key, &v.version, &v.lines, &v.cost); err != nil {
			return nil, fmt.Errorf("read versions: %w", err)
		}
		out[p] = v
	}
	return out, rows.Err()
}

// insertLines inserts lines under version, in blocks of insertChunk rows.
func (s *Store) insertLines(ctx context.Context, lines []cost.LineItem, version uint64, now time.Time) error {
	q := "INSERT INTO cost_lines (" + strings.Join(lineColumns, ", ") + ", version, ingested_at)"
	for start := 0; start < len(lines); start += insertChunk {
		batch, err := s.conn.PrepareBatch(ctx, q)
		if err != nil {
			return err
		}
		for i := start; i < min(start+insertChunk, len(lines)); i++ {
			vals, err := lineValues(&lines[i])
			if err != nil {
				batch.Abort()
				return fmt.Errorf("line %d: %w", i+1, err)
			}
			if err := batch.Append(append(vals, version, now)...); err != nil {
				batch.Abort()
				return fmt.Errorf("line %d: %w", i+1, err)
			}
		}
		if err := batch.Send(); err != nil {
			return err
		}
	}
	return nil
}

// lineValues returns l's column values, in lineColumns order.
func lineValues(l *cost.LineItem) ([]any, error) {
	tags := ""
	if len(l.Tags) > 0 {
		b, err := json.Marshal(l.Tags)
		if err != nil {
			return nil, fmt.Errorf("tags: %w", err)
		}
		tags = string(b)
	}
	var unpriced uint8
	if l.Unpriced {
		unpriced = 1
	}
	return []any{
		cost.Day(l.Date), optTime(l.ChargePeriodStart), optTime(l.ChargePeriodEnd),
		l.CloudProvider, l.Service, l.Model, l.ModelFamily, l.TokenType, l.PricingTier,
		l.UsageAmount, l.UsageUnit, l.CostUSD, l.Cost, l.Currency, l.ListCostUSD,
		l.CustomerID, l.AccountID, l.Project, l.Region, tags, l.Source,
		l.SourcePartition, l.CostSource, l.DataStatus, l.ChargeCategory, l.Requests, unpriced,
	}, nil
}

// optTime returns nil for a zero time, so it is stored as NULL.
func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

// copyVersion copies partition p's lines of version from to version to.
func (s *Store) copyVersion(ctx context.Context, p cost.Partition, from, to uint64) error {
	cols := strings.Join(lineColumns, ", ")
	return s.conn.Exec(ctx, "INSERT INTO cost_lines ("+cols+", version, ingested_at) SELECT "+cols+
		", toUInt64(?), ingested_at FROM cost_lines WHERE source = ? AND source_partition = ? AND version = ?",
		to, p.Source, p.Key, from)
}

// dropSuperseded deletes the rows of older versions of the given partitions
// (those published before this apply), which readers no longer see. It is an asynchronous mutation; failure leaves only
// invisible rows behind, so it is not reported.
func (s *Store) dropSuperseded(ctx context.Context, parts []cost.Partition, version uint64) {
	if len(parts) == 0 {
		return
	}
	var terms []string
	args := []any{version}
	for _, p := range parts {
		terms = append(terms, "(?, ?)")
		args = append(args, p.Source, p.Key)
	}
	cond := "version < ? AND (source, source_partition) IN (" + strings.Join(terms, ", ") + ")"
	if s.cluster == "" {
		_ = s.conn.Exec(ctx, "ALTER TABLE cost_lines DELETE WHERE "+cond, args...)
		return
	}
	_ = s.onHosts(ctx, func(c execer) error {
		return c.Exec(ctx, "ALTER TABLE cost_lines_local DELETE WHERE "+cond, args...)
	})
}
