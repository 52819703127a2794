package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/llmcost/llmcost/internal/cost"
)

// lineColumns are the cost_lines columns a LineItem fills, in the order
// lineValues returns them. ingested_at is set by the store.
var lineColumns = []string{
	"date", "charge_period_start", "charge_period_end", "cloud_provider", "service", "model",
	"model_family", "token_type", "pricing_tier", "usage_amount", "usage_unit", "cost_usd", "cost",
	"currency", "list_cost_usd", "customer_id", "account_id", "project", "region", "tags", "source",
	"source_partition", "cost_source", "data_status", "charge_category", "requests", "unpriced",
}

// lineValues appends l's column values, in lineColumns order, to dst.
func lineValues(dst []driver.Value, l *cost.LineItem) ([]driver.Value, error) {
	tags, err := tagsJSON(l.Tags)
	if err != nil {
		return nil, err
	}
	var list driver.Value
	if l.ListCostUSD != nil {
		list = *l.ListCostUSD
	}
	return append(dst,
		cost.Day(l.Date), optTime(l.ChargePeriodStart), optTime(l.ChargePeriodEnd),
		l.CloudProvider, l.Service, l.Model, l.ModelFamily, l.TokenType, l.PricingTier,
		l.UsageAmount, l.UsageUnit, l.CostUSD, l.Cost, l.Currency, list,
		l.CustomerID, l.AccountID, l.Project, l.Region, tags, l.Source,
		l.SourcePartition, l.CostSource, l.DataStatus, l.ChargeCategory, l.Requests, l.Unpriced,
	), nil
}

// markSet sets set[i] for each lineColumns entry whose value in l differs from
// the column's default (”, 0, false or NULL); the date is always set.
func markSet(l *cost.LineItem, set []bool) {
	flags := [...]bool{
		true, !l.ChargePeriodStart.IsZero(), !l.ChargePeriodEnd.IsZero(),
		l.CloudProvider != "", l.Service != "", l.Model != "", l.ModelFamily != "", l.TokenType != "",
		l.PricingTier != "", l.UsageAmount != 0, l.UsageUnit != "", l.CostUSD != 0, l.Cost != 0,
		l.Currency != "", l.ListCostUSD != nil, l.CustomerID != "", l.AccountID != "", l.Project != "",
		l.Region != "", len(l.Tags) > 0, l.Source != "", l.SourcePartition != "", l.CostSource != "",
		l.DataStatus != "", l.ChargeCategory != "", l.Requests != 0, l.Unpriced,
	}
	for i, f := range flags {
		if f {
			set[i] = true
		}
	}
}

// optTime returns nil for a zero time, so it is stored as NULL.
func optTime(t time.Time) driver.Value {
	if t.IsZero() {
		return nil
	}
	return t
}

// tagsJSON encodes tags as a JSON object, or nil (NULL) when there are none.
func tagsJSON(tags map[string]string) (driver.Value, error) {
	if len(tags) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(tags)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// usageColumns are the columns of the stage_usage staging table: one row per
// event usage, its rollup dimensions replaced by the number of its group in
// stage_groups, so that staging passes few values per usage.
const usageColumns = `event_id VARCHAR, event_time TIMESTAMP, grp INTEGER, tokens BIGINT,
	cost_usd DOUBLE, first BOOLEAN, occ BIGINT`

// usageNames are the names of usageColumns.
var usageNames = []string{"event_id", "event_time", "grp", "tokens", "cost_usd", "first", "occ"}

// groupColumns are the columns of the stage_groups staging table: each distinct
// set of rollup dimensions of the batch's usages, numbered by grp.
const groupColumns = `grp INTEGER, day DATE, provider VARCHAR, service VARCHAR, model VARCHAR,
	model_family VARCHAR, customer_id VARCHAR, project VARCHAR, region VARCHAR,
	pricing_tier VARCHAR, token_type VARCHAR, cost_source VARCHAR, unpriced BOOLEAN`

// groupNames are the names of groupColumns.
var groupNames = []string{"grp", "day", "provider", "service", "model", "model_family", "customer_id",
	"project", "region", "pricing_tier", "token_type", "cost_source", "unpriced"}

// rollupGroup is the set of dimensions an event usage is rolled up by: one
// daily line per group.
type rollupGroup struct {
	day                                                         int64 // Unix seconds of the UTC day.
	provider, service, model, family, customer, project, region string
	tier, tokenType, source                                     string
	unpriced                                                    bool
}

// groupOf returns u's rollup group.
func groupOf(u *cost.EventUsage) rollupGroup {
	return rollupGroup{day: cost.Day(u.Time).Unix(), provider: u.Provider, service: u.Service, model: u.Model,
		family: u.ModelFamily, customer: u.CustomerID, project: u.Project, region: u.Region,
		tier: u.PricingTier, tokenType: u.TokenType, source: u.CostSource, unpriced: u.Unpriced}
}

// groupValues returns g's values, numbered n, in groupColumns order.
func groupValues(n int32, g rollupGroup) []driver.Value {
	return []driver.Value{n, time.Unix(g.day, 0).UTC(), g.provider, g.service, g.model, g.family,
		g.customer, g.project, g.region, g.tier, g.tokenType, g.source, g.unpriced}
}

// usageValues appends u's values in usageColumns order to dst; grp numbers its
// rollup group and occ the occurrence of its event within the batch.
func usageValues(dst []driver.Value, u *cost.EventUsage, grp int32, occ int64) []driver.Value {
	return append(dst, u.EventID, u.Time.UTC(), grp, u.Tokens, u.CostUSD, u.First, occ)
}

// appendRows appends n rows produced by row(i) to a table of catalog ("temp" for
// the staging tables, "" for the database) through DuckDB's appender on conn. Rows
// appended while conn has an open transaction belong to that transaction.
func appendRows(conn *sql.Conn, catalog, table string, cols []string, n int,
	row func(i int) ([]driver.Value, error)) error {
	if n == 0 {
		return nil
	}
	return conn.Raw(func(dc any) error {
		c, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", dc)
		}
		a, err := duckdb.NewAppenderWithColumns(c, catalog, "main", table, cols)
		if err != nil {
			return fmt.Errorf("appender %s: %w", table, err)
		}
		for i := range n {
			vals, err := row(i)
			if err == nil {
				err = a.AppendRow(vals...)
			}
			if err != nil {
				a.Close()
				return fmt.Errorf("append to %s, row %d: %w", table, i+1, err)
			}
		}
		if err := a.Close(); err != nil {
			return fmt.Errorf("append to %s: %w", table, err)
		}
		return nil
	})
}

// stage holds a batch's event usages and replaced partitions in connection-local
// temporary tables, so the transaction that publishes it runs set-based SQL.
// Each staged usage carries the number of its event's occurrence in the batch
// (occ), so that repeats of an event within the batch are dropped in SQL.
type stage struct {
	conn *sql.Conn
}

// create (re)creates the empty staging tables.
func (s *stage) create(ctx context.Context) error {
	stmts := []string{
		"CREATE OR REPLACE TEMP TABLE stage_usage (" + usageColumns + ")",
		"CREATE OR REPLACE TEMP TABLE stage_groups (" + groupColumns + ")",
		"CREATE OR REPLACE TEMP TABLE stage_parts (source VARCHAR, key VARCHAR)",
	}
	for _, q := range stmts {
		if _, err := s.conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("create staging: %w", err)
		}
	}
	return nil
}

// drop removes the staging tables so the pooled connection is left clean.
func (s *stage) drop() {
	for _, t := range []string{"stage_usage", "stage_groups", "stage_parts"} {
		s.conn.ExecContext(context.Background(), "DROP TABLE IF EXISTS temp.main."+t)
	}
}

// fillParts appends the distinct replaced partitions.
func (s *stage) fillParts(parts []cost.Partition) error {
	return appendRows(s.conn, "temp", "stage_parts", []string{"source", "key"}, len(parts),
		func(i int) ([]driver.Value, error) {
			return []driver.Value{parts[i].Source, parts[i].Key}, nil
		})
}
