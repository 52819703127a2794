package clickhouse

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/sqlbuild"
)

// Aggregate compiles q with the ClickHouse dialect, restricted to visible rows,
// and runs it. Dates come back as "YYYY-MM-DD" strings, numbers as float64 and
// NULL as nil, as from the DuckDB store.
// Returns CodeInvalid if q names an unknown metric, dimension or operator.
func (s *Store) Aggregate(ctx context.Context, q *cost.AggregateQuery) (*cost.Frame, error) {
	q = clampRange(q)
	query, args, err := sqlbuild.Build(s.dialect, q)
	if err != nil {
		return nil, err
	}
	names, types := sqlbuild.Columns(q)
	f, err := s.frame(ctx, query, args, names, types)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: aggregate: %w", err)
	}
	return f, nil
}

// Distinct compiles the distinct values of d with the ClickHouse dialect,
// restricted to visible rows, and runs it (cost.DataStore).
// Returns CodeInvalid for an unknown dimension or a malformed filter.
func (s *Store) Distinct(ctx context.Context, d cost.Dimension, q *cost.AggregateQuery) ([]string, error) {
	q = clampRange(q)
	query, args, err := sqlbuild.BuildDistinct(s.dialect, d, q)
	if err != nil {
		return nil, err
	}
	names, types := sqlbuild.Columns(&cost.AggregateQuery{GroupBy: []cost.Dimension{d}})
	f, err := s.frame(ctx, query, args, names, types)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: distinct: %w", err)
	}
	return f.Strings(0), nil
}

var _ cost.ChangeRanker = (*Store)(nil)

// RankChanges compiles q with the ClickHouse dialect, restricted to visible
// rows, one grouped scan per grouping, and runs it (cost.ChangeRanker).
// Returns CodeInvalid for a malformed query.
func (s *Store) RankChanges(ctx context.Context, q *cost.ChangeQuery) (*cost.Frame, error) {
	query, args, err := sqlbuild.BuildChange(s.dialect, q)
	if err != nil {
		return nil, err
	}
	f, err := s.frame(ctx, query, args, sqlbuild.ChangeColumns[0], sqlbuild.ChangeColumns[1])
	if err != nil {
		return nil, fmt.Errorf("clickhouse: rank changes: %w", err)
	}
	return f, nil
}

var _ cost.OutlierRanker = (*Store)(nil)

// RankOutliers compiles q with the ClickHouse dialect, restricted to visible
// rows, and runs it (cost.OutlierRanker).
// Returns CodeInvalid for a malformed query.
func (s *Store) RankOutliers(ctx context.Context, q *cost.OutlierQuery) (*cost.Frame, error) {
	query, args, err := sqlbuild.BuildOutliers(s.dialect, q)
	if err != nil {
		return nil, err
	}
	f, err := s.frame(ctx, query, args, sqlbuild.OutlierColumns[0], sqlbuild.OutlierColumns[1])
	if err != nil {
		return nil, fmt.Errorf("clickhouse: rank outliers: %w", err)
	}
	return f, nil
}

// frame runs query and reads its rows into a frame of the given columns.
func (s *Store) frame(ctx context.Context, query string, args []any, names, types []string) (*cost.Frame, error) {
	f := &cost.Frame{Columns: names, Types: types, Rows: [][]any{}}
	rows, err := s.conn.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cts := rows.ColumnTypes()
	if len(cts) != len(names) {
		return nil, fmt.Errorf("%d columns, want %d", len(cts), len(names))
	}
	for rows.Next() {
		ptrs := make([]any, len(cts))
		for i, ct := range cts {
			ptrs[i] = reflect.New(ct.ScanType()).Interface()
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		vals := make([]any, len(cts))
		for i, p := range ptrs {
			vals[i] = frameValue(reflect.ValueOf(p).Elem())
		}
		f.Rows = append(f.Rows, vals)
	}
	return f, rows.Err()
}

// ClickHouse's Date type holds days from 1970-01-01 to 2105-12-31; a bound
// outside wraps around rather than failing.
var (
	minDate = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	maxDate = time.Date(2105, 12, 31, 0, 0, 0, 0, time.UTC)
)

// clampRange returns q with its date range clamped to what a Date can hold,
// which selects the same lines since no line can carry a date outside it.
func clampRange(q *cost.AggregateQuery) *cost.AggregateQuery {
	c := *q
	if !c.From.IsZero() && c.From.Before(minDate) {
		c.From = minDate
	}
	if c.To.After(maxDate) {
		c.To = maxDate
	}
	return &c
}

// frameValue converts a scanned value to its Frame form.
func frameValue(v reflect.Value) any {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	switch x := v.Interface().(type) {
	case time.Time:
		return x.UTC().Format(cost.DateLayout)
	case string:
		return x
	}
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		return v.Float()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(v.Uint())
	}
	return v.Interface()
}

// Lines streams the visible lines matching f to fn, ordered by date then provider
// (then the remaining descriptive columns, so exports are stable). It stops at
// fn's first error.
func (s *Store) Lines(ctx context.Context, f cost.LineFilter, fn func(*cost.LineItem) error) error {
	conds := []string{visible}
	var args []any
	if !f.From.IsZero() && f.From.After(minDate) {
		conds = append(conds, "date >= toDate(?)")
		args = append(args, f.From.Format(cost.DateLayout))
	}
	if !f.To.IsZero() && f.To.Before(maxDate) {
		conds = append(conds, "date <= toDate(?)")
		args = append(args, f.To.Format(cost.DateLayout))
	}
	if f.CustomerID != nil {
		conds = append(conds, "customer_id = ?")
		args = append(args, *f.CustomerID)
	}
	q := "SELECT " + strings.Join(lineColumns, ", ") + " FROM cost_lines WHERE " + strings.Join(conds, " AND ") +
		` ORDER BY date, cloud_provider, service, model, token_type, customer_id, account_id,
		project, region, pricing_tier, source, source_partition, cost_usd`
	rows, err := s.conn.Query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("clickhouse: lines: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		l, err := scanLine(rows)
		if err != nil {
			return fmt.Errorf("clickhouse: lines: %w", err)
		}
		if err := fn(l); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("clickhouse: lines: %w", err)
	}
	return nil
}

// scanLine reads one row of lineColumns.
func scanLine(rows interface{ Scan(...any) error }) (*cost.LineItem, error) {
	var l cost.LineItem
	var start, end *time.Time
	var tags string
	var unpriced uint8
	if err := rows.Scan(&l.Date, &start, &end, &l.CloudProvider, &l.Service, &l.Model,
		&l.ModelFamily, &l.TokenType, &l.PricingTier, &l.UsageAmount, &l.UsageUnit, &l.CostUSD, &l.Cost,
		&l.Currency, &l.ListCostUSD, &l.CustomerID, &l.AccountID, &l.Project, &l.Region, &tags, &l.Source,
		&l.SourcePartition, &l.CostSource, &l.DataStatus, &l.ChargeCategory, &l.Requests, &unpriced); err != nil {
		return nil, err
	}
	l.Date = cost.Day(time.Date(l.Date.Year(), l.Date.Month(), l.Date.Day(), 0, 0, 0, 0, time.UTC))
	if start != nil {
		l.ChargePeriodStart = start.UTC()
	}
	if end != nil {
		l.ChargePeriodEnd = end.UTC()
	}
	l.Unpriced = unpriced != 0
	if tags != "" {
		if err := json.Unmarshal([]byte(tags), &l.Tags); err != nil {
			return nil, fmt.Errorf("tags: %w", err)
		}
	}
	return &l, nil
}

// LatestData returns, per cloud provider, the newest date with visible data and
// when that provider's lines were last ingested, ordered by provider. Lines
// derived from others (cost.DerivedSources) do not count.
func (s *Store) LatestData(ctx context.Context) ([]cost.Freshness, error) {
	rows, err := s.conn.Query(ctx, `SELECT cloud_provider, max(date), max(ingested_at)
		FROM cost_lines WHERE `+visible+` AND cost_source NOT IN (?, ?) GROUP BY cloud_provider ORDER BY cloud_provider`,
		cost.DerivedSources[0], cost.DerivedSources[1])
	if err != nil {
		return nil, fmt.Errorf("clickhouse: latest data: %w", err)
	}
	defer rows.Close()
	out := []cost.Freshness{}
	for rows.Next() {
		var f cost.Freshness
		var latest, ingested time.Time
		if err := rows.Scan(&f.CloudProvider, &latest, &ingested); err != nil {
			return nil, fmt.Errorf("clickhouse: latest data: %w", err)
		}
		f.LatestDate = time.Date(latest.Year(), latest.Month(), latest.Day(), 0, 0, 0, 0, time.UTC)
		f.IngestedAt = ingested.UTC()
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("clickhouse: latest data: %w", err)
	}
	return out, nil
}
