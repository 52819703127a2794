package duckdb

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/llmcost/llmcost/internal/cost"
)

// Number and timestamp spellings the unified reader accepts; anything else
// (hex floats, underscores, zones other than Z) is left to the line-by-line
// reader, which accepts it or names the line at fault.
const (
	reNumber    = `[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?`
	reInteger   = `[+-]?[0-9]+`
	reTimestamp = `[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?Z`
)

// LoadUnified reads a unified CSV file with DuckDB's own CSV reader and writes
// its lines with one INSERT … SELECT inside one transaction: normalisation is
// SQL, and the Go rules (provider, model, family, tags, customer) are applied
// once per distinct value and joined as tables (see unifiedMap), so no line
// crosses into Go. The partitions the lines name are replaced. Any value the
// line-by-line reader would spell differently or reject fails the statement,
// the transaction rolls back and cost.ErrNotLoaded is returned: nothing
// changed, and the caller reads the file line by line instead.
func (db *DB) LoadUnified(ctx context.Context, f *cost.UnifiedFile) (*cost.LoadResult, error) {
	pos, err := unifiedPositions(f)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", cost.ErrNotLoaded, err)
	}
	db.applyMu.Lock()
	defer db.applyMu.Unlock()
	conn, err := db.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("duckdb: load: %w", err)
	}
	defer conn.Close()
	m := &unifiedMap{pos: pos}
	from, args := unifiedFrom(f)
	if err := mapDistinct(ctx, conn, f, m, from, args); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w: %v", cost.ErrNotLoaded, err)
	}
	defer m.dropTables(conn)
	if err := m.mapTables(ctx, conn); err != nil {
		return nil, fmt.Errorf("duckdb: load: %w", err)
	}
	table, cols, sel := unifiedSelect(f, m, from)
	_, derivable := m.pos["cost_source"]
	l := &loader{conn: conn, now: db.now(), res: &cost.LoadResult{}, table: table, cols: cols, derivable: derivable}
	if err := l.run(ctx, sel, args); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	return l.res, nil
}

// unifiedPositions returns the position of each (lower-case) column of f.
func unifiedPositions(f *cost.UnifiedFile) (map[string]int, error) {
	pos := map[string]int{}
	for i, c := range f.Columns {
		c = strings.ToLower(c)
		if _, dup := pos[c]; dup {
			return nil, fmt.Errorf("column %q appears twice", c)
		}
		pos[c] = i
	}
	for _, c := range []string{"date", "cloud_provider", "cost_usd"} {
		if _, ok := pos[c]; !ok {
			return nil, fmt.Errorf("column %q is missing", c)
		}
	}
	return pos, nil
}

// unifiedFrom returns the relation that reads f (see csvFrom) and its
// arguments. Column names from the file never reach the SQL.
func unifiedFrom(f *cost.UnifiedFile) (string, []any) {
	return csvFrom(f.Path, len(f.Columns))
}

// unifiedSelect returns the table the lines of from go to (basicTable when the
// file has no other columns than it stores, else rowsTable), the columns the
// SELECT fills before ingested_at, and the SELECT that normalises the lines
// with m. Numbers, dates and
// timestamps are checked line by line in SQL, as written: a value with spaces
// around it or a NULL marker fails the check, and the line-by-line reader
// judges it. The lines are stored without a partition key: theirs is their
// provider and month (see partitionKey).
func unifiedSelect(f *cost.UnifiedFile, m *unifiedMap, from string) (table string, cols []string, sel string) {
	raw := func(name string) string {
		if i, ok := m.pos[name]; ok {
			return fmt.Sprintf("t.c%d", i)
		}
		return "''"
	}
	var joins, checks []string
	join := func(alias, table string, keys ...string) string {
		on := make([]string, len(keys))
		for k, c := range keys {
			on[k] = fmt.Sprintf("%s.k%d = %s", alias, k, raw(c))
		}
		joins = append(joins, "LEFT JOIN temp.main."+table+" "+alias+" ON "+strings.Join(on, " AND "))
		checks = append(checks, alias+".val IS NOT NULL")
		return alias + ".val"
	}
	vals := map[string]string{}
	for _, c := range append(slices.Clone(textColumns), "tags", "account_id", "project") {
		vals[c] = raw(c)
		if _, ok := m.col[c]; ok {
			vals[c] = join("m_"+c, mapTable(c), c)
		}
	}
	v := func(name string) string { return vals[name] }
	// A nullable column the file lacks is stored as NULL (see cost_rows).
	opt := func(name string) string {
		if _, ok := m.pos[name]; !ok {
			return "NULL"
		}
		return v(name)
	}
	family := "''"
	if m.family != nil {
		family = join("m_family", "load_family", "model")
	}
	customer := raw("customer_id")
	if m.customer != nil {
		customer = join("m_customer", "load_customer", m.tupleCols...)
	}
	num := func(name string) string { return "TRY_CAST(" + raw(name) + " AS DOUBLE)" }
	numOK := func(name string, limit bool) string {
		x := raw(name)
		s := fmt.Sprintf("(%s = '' OR (regexp_full_match(%s, '%s') AND isfinite(%s)", x, x, reNumber, num(name))
		if limit {
			s += fmt.Sprintf(" AND abs(%s) <= %s", num(name), strconv.FormatFloat(f.MaxAbsCost, 'g', -1, 64))
		}
		return s + "))"
	}
	ts := func(name string) string {
		return fmt.Sprintf("CASE WHEN %[1]s = '' THEN NULL ELSE TRY_CAST(%[1]s AS TIMESTAMP) END", raw(name))
	}
	tsOK := func(name string) string {
		return fmt.Sprintf("(%[1]s = '' OR (regexp_full_match(%[1]s, '%[2]s') AND TRY_CAST(%[1]s AS TIMESTAMP) IS NOT NULL))",
			raw(name), reTimestamp)
	}
	checks = append(checks,
		fmt.Sprintf("%[1]s LIKE '____-__-__' AND TRY_CAST(%[1]s AS DATE) IS NOT NULL", raw("date")),
		tsOK("charge_period_start"), tsOK("charge_period_end"),
		raw("cost_usd")+" <> ''", numOK("cost_usd", true), numOK("usage_amount", false), numOK("cost", true),
		numOK("list_cost_usd", true),
		fmt.Sprintf("(%[1]s = '' OR (regexp_full_match(%[1]s, '%[2]s') AND TRY_CAST(%[1]s AS BIGINT) IS NOT NULL))",
			raw("requests"), reInteger),
		// A cost given only in another currency is converted by the
		// line-by-line reader.
		fmt.Sprintf("NOT (coalesce(%s, 0) = 0 AND coalesce(%s, 0) <> 0 AND %s NOT IN ('', 'USD'))",
			num("cost_usd"), num("cost"), v("currency")),
	)
	date := "CAST(" + raw("date") + " AS DATE)"
	openMonth := f.OpenMonth.Format("2006-01-02")
	status := `CASE WHEN ` + v("data_status") + ` <> '' THEN ` + v("data_status") + `
			WHEN ` + date + ` >= DATE '` + openMonth + `' THEN '` + cost.StatusProvisional + `'
			ELSE '` + cost.StatusFinal + `' END`
	checked := func(val string) string {
		return `CASE WHEN ` + strings.Join(checks, "\n\t\t\tAND ") + `
			THEN ` + val + `
			ELSE error('unified: a value the line-by-line reader must check') END`
	}
	exprs := map[string]string{
		"date": date, "charge_period_start": ts("charge_period_start"), "charge_period_end": ts("charge_period_end"),
		"cloud_provider": v("cloud_provider"), "service": v("service"), "model": v("model"), "model_family": family,
		"token_type": v("token_type"), "pricing_tier": opt("pricing_tier"),
		"usage_amount": "coalesce(" + num("usage_amount") + ", 0)", "usage_unit": opt("usage_unit"),
		"cost_usd": num("cost_usd"), "cost": "coalesce(" + num("cost") + ", 0)", "currency": opt("currency"),
		"list_cost_usd": num("list_cost_usd"), "customer_id": customer, "account_id": opt("account_id"),
		"project": opt("project"), "region": opt("region"), "tags": "nullif(" + v("tags") + ", '')",
		"source": "'unified'", "source_partition": checked("NULL"),
		"cost_source": `CASE WHEN ` + v("cost_source") + ` = '' THEN '` + cost.SourceBillingExport + `' ELSE ` + v("cost_source") + ` END`,
		"data_status": status, "charge_category": opt("charge_category"),
		"requests": `CASE WHEN ` + raw("requests") + ` = '' THEN 0 ELSE TRY_CAST(` + raw("requests") + ` AS BIGINT) END`,
		"unpriced": v("unpriced") + ` IN ('1', 't', 'T', 'TRUE', 'true', 'True')`,
	}
	table, cols = rowsTable, lineColumns
	if m.basic() {
		// The checks move to a column the basic table stores.
		exprs["data_status"] = checked(status)
		table, cols = basicTable, basicColumns
	}
	list := make([]string, len(cols))
	for k, c := range cols {
		list[k] = exprs[c]
	}
	return table, cols, `SELECT ` + strings.Join(list, ",\n\t\t") + `,
		?
	FROM ` + from + ` t
	` + strings.Join(joins, "\n\t")
}

// basicColumns are the columns of basicTable before ingested_at.
var basicColumns = []string{"date", "cloud_provider", "service", "model", "model_family", "token_type",
	"usage_amount", "cost_usd", "customer_id", "cost_source", "data_status"}

// basicFileColumns are the unified columns a file may have for its lines to
// go to basicTable: every other column then holds its default.
var basicFileColumns = []string{"date", "cloud_provider", "service", "model", "token_type", "usage_amount",
	"cost_usd", "customer_id", "cost_source", "data_status"}

// basic reports whether the file's lines go to basicTable: it has none of the
// columns that table does not store.
func (m *unifiedMap) basic() bool {
	for c := range m.pos {
		if !slices.Contains(basicFileColumns, c) {
			return false
		}
	}
	return true
}

// MaxLineBytes is the longest CSV line the store's reader accepts.
const MaxLineBytes = 1 << 20
