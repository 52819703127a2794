package duckdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/llmcost/llmcost/internal/cost"
)

// Lines streams the lines matching f to fn, ordered by date then provider (then the
// remaining descriptive columns, so exports are stable). It stops at fn's first error.
func (db *DB) Lines(ctx context.Context, f cost.LineFilter, fn func(*cost.LineItem) error) error {
	var conds []string
	var args []any
	if !f.From.IsZero() {
		conds = append(conds, "date >= CAST(? AS DATE)")
		args = append(args, f.From.Format(cost.DateLayout))
	}
	if !f.To.IsZero() {
		conds = append(conds, "date <= CAST(? AS DATE)")
		args = append(args, f.To.Format(cost.DateLayout))
	}
	if f.CustomerID != nil {
		conds = append(conds, "customer_id = ?")
		args = append(args, *f.CustomerID)
	}
	q := "SELECT " + strings.Join(lineColumns, ", ") + " FROM cost_lines"
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	q += ` ORDER BY date, cloud_provider, service, model, token_type, customer_id, account_id,
		project, region, pricing_tier, source, source_partition, cost_usd`
	rows, err := db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("duckdb: lines: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		l, err := scanLine(rows)
		if err != nil {
			return fmt.Errorf("duckdb: lines: %w", err)
		}
		if err := fn(l); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("duckdb: lines: %w", err)
	}
	return nil
}

// scanLine reads one row of lineColumns.
func scanLine(rows *sql.Rows) (*cost.LineItem, error) {
	var l cost.LineItem
	var start, end sql.NullTime
	var list sql.NullFloat64
	var tags sql.NullString
	if err := rows.Scan(&l.Date, &start, &end, &l.CloudProvider, &l.Service, &l.Model,
		&l.ModelFamily, &l.TokenType, &l.PricingTier, &l.UsageAmount, &l.UsageUnit, &l.CostUSD, &l.Cost,
		&l.Currency, &list, &l.CustomerID, &l.AccountID, &l.Project, &l.Region, &tags, &l.Source,
		&l.SourcePartition, &l.CostSource, &l.DataStatus, &l.ChargeCategory, &l.Requests, &l.Unpriced); err != nil {
		return nil, err
	}
	l.Date = l.Date.UTC()
	if start.Valid {
		l.ChargePeriodStart = start.Time.UTC()
	}
	if end.Valid {
		l.ChargePeriodEnd = end.Time.UTC()
	}
	if list.Valid {
		v := list.Float64
		l.ListCostUSD = &v
	}
	if tags.Valid && tags.String != "" {
		if err := json.Unmarshal([]byte(tags.String), &l.Tags); err != nil {
			return nil, fmt.Errorf("tags: %w", err)
		}
	}
	return &l, nil
}
