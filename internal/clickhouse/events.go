package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/llmcost/llmcost/internal/cost"
)

// usageColumns are the columns of an apply's event staging tables.
const usageColumns = `event_id String, event_time DateTime('UTC'), day Date, provider String,
	service String, model String, model_family String, customer_id String, project String,
	region String, pricing_tier String, token_type String, tokens Int64, cost_usd Float64,
	cost_source String, unpriced UInt8, first UInt8, occ UInt64`

// usageNames are the names of usageColumns, in order.
const usageNames = `event_id, event_time, day, provider, service, model, model_family, customer_id,
	project, region, pricing_tier, token_type, tokens, cost_usd, cost_source, unpriced, first, occ`

// rollupKeys are the columns a daily event line is grouped by.
const rollupKeys = `day, provider, service, model, model_family, customer_id, project, region,
	pricing_tier, token_type, cost_source, unpriced`

// rollupColumns are the cost_lines columns an event rollup fills.
const rollupColumns = `date, cloud_provider, service, model, model_family, customer_id, project, region,
	pricing_tier, token_type, cost_source, unpriced, usage_amount, cost_usd, cost, requests,
	usage_unit, currency, data_status, charge_category, source, source_partition, version, ingested_at`

// eventStage is an apply's staging tables for event usages, on the server the
// store is connected to (never distributed): raw holds every usage as it came,
// each numbered with the occurrence of its event in the batch; fresh holds the
// first occurrence of each event not already published. They are plain Log
// tables on disk, so neither the server nor this process holds the batch in
// memory, and are dropped when the apply ends.
type eventStage struct {
	s          *Store
	raw, fresh string
}

// newEventStage names the staging tables of the apply publishing version.
func (s *Store) newEventStage(version uint64) *eventStage {
	v := strconv.FormatUint(version, 10)
	return &eventStage{s: s, raw: "stage_usage_" + v, fresh: "stage_fresh_" + v}
}

// create creates the empty staging tables.
func (e *eventStage) create(ctx context.Context) error {
	for _, t := range []string{e.raw, e.fresh} {
		if err := e.s.conn.Exec(ctx, "CREATE TABLE "+t+" ("+usageColumns+") ENGINE = Log"); err != nil {
			return fmt.Errorf("create staging: %w", err)
		}
	}
	return nil
}

// drop removes the staging tables; failure leaves only unused tables behind.
func (e *eventStage) drop() {
	for _, t := range []string{e.raw, e.fresh} {
		_ = e.s.conn.Exec(context.Background(), "DROP TABLE IF EXISTS "+t)
	}
}

// events stages the batch's usages, keeps the first occurrence of each event not
// already published, rolls them up into the event batch's partition (carrying
// its current lines over to the new version) and records their ids under the new
// version, all with INSERT … SELECT.
func (a *applier) events(ctx context.Context) error {
	if a.batch.EventStream == nil && len(a.batch.Events) == 0 {
		return nil
	}
	e := a.s.newEventStage(a.version)
	if err := e.create(ctx); err != nil {
		return err
	}
	defer e.drop()
	batch, n, err := a.stageUsages(ctx, e)
	if err != nil || n == 0 {
		return err
	}
	inserted, err := a.keepFresh(ctx, e)
	if err != nil || inserted == 0 {
		return err
	}
	if err := a.rollup(ctx, e, cost.Partition{Source: EventSource, Key: batch}); err != nil {
		return fmt.Errorf("roll up events: %w", err)
	}
	if err := e.s.conn.Exec(ctx, `INSERT INTO events (event_id, event_batch, version, event_time, ingested_at)
		SELECT event_id, ?, toUInt64(?), min(event_time), toDateTime(toUInt32(?), 'UTC')
		FROM `+e.fresh+` GROUP BY event_id`, batch, a.version, a.now.Unix()); err != nil {
		return fmt.Errorf("insert events: %w", err)
	}
	return nil
}

// stageUsages inserts the batch's usages into the raw staging table in blocks
// of insertChunk rows as they come, each checked and numbered with its
// occurrence, and returns the event batch id and how many usages came. Errors
// of an EventStream, or of checking a usage, are returned as *streamError.
func (a *applier) stageUsages(ctx context.Context, e *eventStage) (string, int, error) {
	var block driver.Batch
	var occ occurrences
	rows, n := 0, 0
	batch, err := usageSource(a.batch)(func(u *cost.EventUsage) error {
		n++
		if err := cost.ValidateUsage(u); err != nil {
			return &streamError{err}
		}
		var err error
		if block == nil {
			if block, err = a.s.conn.PrepareBatch(ctx, "INSERT INTO "+e.raw+" ("+usageNames+")"); err != nil {
				return fmt.Errorf("stage events: %w", err)
			}
		}
		if err := block.Append(u.EventID, u.Time.UTC(), cost.Day(u.Time), u.Provider, u.Service,
			u.Model, u.ModelFamily, u.CustomerID, u.Project, u.Region, u.PricingTier, u.TokenType,
			u.Tokens, u.CostUSD, u.CostSource, flag(u.Unpriced), flag(u.First), occ.next(u)); err != nil {
			return fmt.Errorf("event usage %d: %w", n, err)
		}
		if rows++; rows == insertChunk {
			err := block.Send()
			block, rows = nil, 0
			if err != nil {
				return fmt.Errorf("stage events: %w", err)
			}
		}
		return nil
	})
	if err == nil && n > 0 && batch == "" {
		err = &streamError{cost.Errorf(cost.CodeInvalid, "The batch has events but no event batch id.")}
	}
	if err != nil {
		if block != nil {
			block.Abort()
		}
		if se := (*streamError)(nil); !errors.As(err, &se) && a.batch.EventStream != nil {
			err = &streamError{err}
		}
		return "", 0, err
	}
	if block != nil {
		if err := block.Send(); err != nil {
			return "", 0, fmt.Errorf("stage events: %w", err)
		}
	}
	return batch, n, nil
}

// flag returns b as a ClickHouse UInt8.
func flag(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

// keepFresh copies into the fresh staging table the first occurrence of each
// staged event whose id no published version holds, counts the dropped
// occurrences and events, and returns how many events it kept.
func (a *applier) keepFresh(ctx context.Context, e *eventStage) (int, error) {
	var occs, ids uint64
	if err := e.s.conn.QueryRow(ctx, "SELECT uniqExact(occ), uniqExact(event_id) FROM "+e.raw).Scan(&occs, &ids); err != nil {
		return 0, fmt.Errorf("dedupe events: %w", err)
	}
	q := "INSERT INTO " + e.fresh + " (" + usageNames + ") SELECT " + usageNames + " FROM " + e.raw + ` WHERE event_id NOT IN
		(SELECT event_id FROM events WHERE event_id GLOBAL IN (SELECT event_id FROM ` + e.raw + `)
			AND (event_batch, version) GLOBAL IN (SELECT key, version FROM part_versions WHERE source = ?))`
	if occs != ids {
		q += " AND (event_id, occ) IN (SELECT event_id, min(occ) FROM " + e.raw + " GROUP BY event_id)"
	}
	if err := e.s.conn.Exec(ctx, q, EventSource); err != nil {
		return 0, fmt.Errorf("dedupe events: %w", err)
	}
	var kept uint64
	if err := e.s.conn.QueryRow(ctx, "SELECT uniqExact(event_id) FROM "+e.fresh).Scan(&kept); err != nil {
		return 0, fmt.Errorf("dedupe events: %w", err)
	}
	a.res.EventsInserted = int(kept)
	a.res.EventsDuplicate += int(occs - kept)
	return int(kept), nil
}

// rollup sums the fresh usages into daily lines of the event batch's partition
// p under the new version, after carrying p's current lines over unless this
// apply replaces p, and tallies p.
func (a *applier) rollup(ctx context.Context, e *eventStage, p cost.Partition) error {
	_, replaced := a.stats[p]
	st := a.touch(p)
	if cur, ok := a.current[p]; ok && !replaced {
		if err := a.s.copyVersion(ctx, p, cur.version, a.version); err != nil {
			return fmt.Errorf("carry event lines: %w", err)
		}
		st.lines, st.cost = cur.lines, cur.cost
	}
	var lines uint64
	var sum float64
	if err := e.s.conn.QueryRow(ctx, `SELECT count(), sum(c) FROM (SELECT sum(cost_usd) AS c FROM `+
		e.fresh+` GROUP BY `+rollupKeys+`)`).Scan(&lines, &sum); err != nil {
		return err
	}
	if err := e.s.conn.Exec(ctx, `INSERT INTO cost_lines (`+rollupColumns+`)
		SELECT `+rollupKeys+`, toFloat64(sum(tokens)), sum(cost_usd), sum(cost_usd), toInt64(sum(first)),
			'tokens', 'USD', ?, 'Usage', ?, ?, toUInt64(?), toDateTime(toUInt32(?), 'UTC')
		FROM `+e.fresh+` GROUP BY `+rollupKeys, cost.StatusEstimated, EventSource, p.Key,
		a.version, a.now.Unix()); err != nil {
		return err
	}
	st.lines += int64(lines)
	st.cost += sum
	a.res.LinesWritten += int(lines)
	return nil
}
