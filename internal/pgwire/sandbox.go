package pgwire

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"net/url"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/llmcost/llmcost/internal/cost"
)

// sandboxSchema is what a customer's private database holds: the four
// relations, with the same columns and types as on the store.
var sandboxSchema = []string{
	`CREATE TABLE cost_lines (date DATE, charge_period_start TIMESTAMP, charge_period_end TIMESTAMP,
		cloud_provider VARCHAR, service VARCHAR, model VARCHAR, model_family VARCHAR, token_type VARCHAR,
		pricing_tier VARCHAR, usage_amount DOUBLE, usage_unit VARCHAR, cost_usd DOUBLE, cost DOUBLE,
		currency VARCHAR, list_cost_usd DOUBLE, customer_id VARCHAR, account_id VARCHAR, project VARCHAR,
		region VARCHAR, tags VARCHAR, source VARCHAR, cost_source VARCHAR, data_status VARCHAR,
		charge_category VARCHAR, requests BIGINT, unpriced BOOLEAN)`,
	`CREATE VIEW unified_costs AS SELECT date, NULLIF(cloud_provider, '') AS cloud_provider,
		NULLIF(service, '') AS service, NULLIF(model, '') AS model, NULLIF(token_type, '') AS token_type,
		cost_usd, usage_amount, NULLIF(customer_id, '') AS customer_id FROM cost_lines`,
	`CREATE TABLE budgets (customer_id VARCHAR, monthly_usd DOUBLE)`,
	`CREATE TABLE customers (id VARCHAR, name VARCHAR)`,
}

// sandboxLoads copies one customer's rows from the store ($1 = customer id).
var sandboxLoads = []struct{ table, query string }{
	{"cost_lines", "SELECT " + costLineColumns + " FROM main.cost_lines WHERE customer_id = $1"},
	{"budgets", "SELECT customer_id, monthly_usd FROM main.budgets WHERE customer_id = $1"},
	{"customers", "SELECT id, name FROM main.customers WHERE id = $1"},
}

// fingerprintQuery changes whenever the customer's cost lines do.
const fingerprintQuery = `SELECT count(*), coalesce(sum(cost_usd), 0), coalesce(sum(usage_amount), 0),
	coalesce(max(ingested_at), TIMESTAMP '1970-01-01')::VARCHAR FROM main.cost_lines WHERE customer_id = $1`

// sandbox is a customer login's own in-memory DuckDB instance, holding copies
// of that customer's rows and nothing else. It can read no file, load no
// extension and change no setting; its memory is capped and it never spills.
// Whatever SQL reaches it, there is no other tenant's row to find.
type sandbox struct {
	db          *sql.DB
	conn        *sql.Conn
	store       *sql.DB // The store the rows come from.
	customer    string
	fingerprint string
}

// openSandbox creates an empty sandbox for customer with memoryLimit.
func openSandbox(ctx context.Context, store *sql.DB, customer, memoryLimit string) (*sandbox, error) {
	v := url.Values{
		"memory_limit":                 {memoryLimit},
		"threads":                      {"1"},
		"temp_directory":               {""},
		"autoinstall_known_extensions": {"false"},
		"autoload_known_extensions":    {"false"},
	}
	db, err := sql.Open("duckdb", "?"+v.Encode())
	if err != nil {
		return nil, fmt.Errorf("pgwire: sandbox: %w", err)
	}
	db.SetMaxOpenConns(1)
	sb := &sandbox{db: db, store: store, customer: customer}
	if sb.conn, err = db.Conn(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("pgwire: sandbox: %w", err)
	}
	stmts := append([]string{"SET enable_external_access = false", "SET lock_configuration = true"}, sandboxSchema...)
	for _, s := range stmts {
		if _, err := sb.conn.ExecContext(ctx, s); err != nil {
			sb.close()
			return nil, fmt.Errorf("pgwire: sandbox: %w", err)
		}
	}
	return sb, nil
}

func (sb *sandbox) close() error {
	sb.conn.Close()
	return sb.db.Close()
}

// refresh reloads the customer's rows when the store's copy changed since the
// last load. Budgets and customer names are a row or two: always reloaded.
func (sb *sandbox) refresh(ctx context.Context) error {
	var n int64
	var total, usage float64
	var last string
	if err := sb.store.QueryRowContext(ctx, fingerprintQuery, sb.customer).Scan(&n, &total, &usage, &last); err != nil {
		return fmt.Errorf("pgwire: sandbox: %w", err)
	}
	fp := fmt.Sprint(n, total, usage, last)
	for _, l := range sandboxLoads {
		if l.table == "cost_lines" && fp == sb.fingerprint {
			continue
		}
		if err := sb.load(ctx, l.table, l.query); err != nil {
			sb.fingerprint = ""
			return err
		}
	}
	sb.fingerprint = fp
	return nil
}

// load replaces table's rows with the store's answer to query.
func (sb *sandbox) load(ctx context.Context, table, query string) error {
	if _, err := sb.conn.ExecContext(ctx, "DELETE FROM "+table); err != nil {
		return fmt.Errorf("pgwire: sandbox: %w", err)
	}
	rows, err := sb.store.QueryContext(ctx, query, sb.customer)
	if err != nil {
		return fmt.Errorf("pgwire: sandbox: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	vals := make([]any, len(cols))
	row := make([]driver.Value, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	err = sb.conn.Raw(func(dc any) error {
		a, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", table)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				a.Close()
				return err
			}
			for i, v := range vals {
				row[i] = v
			}
			if err := a.AppendRow(row...); err != nil {
				a.Close()
				return err
			}
		}
		return a.Close()
	})
	if err == nil {
		err = rows.Err()
	}
	if err != nil {
		return fmt.Errorf("pgwire: sandbox load %s: %w", table, err)
	}
	return nil
}

// checkMemoryLimit reports a memory limit DuckDB does not accept as CodeInvalid.
func checkMemoryLimit(limit string) error {
	db, err := sql.Open("duckdb", "?"+url.Values{"memory_limit": {limit}}.Encode())
	if err != nil {
		return cost.Errorf(cost.CodeInvalid, "PostgreSQL query memory %q: %v", limit, err)
	}
	return db.Close()
}
