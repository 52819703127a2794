package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"

	"github.com/llmcost/llmcost/internal/cost"
)

// focusOut are the columns of load_focus, the mapping of a FOCUS file's
// distinct text combinations, after its keys.
var focusOut = []string{"provider", "service", "model", "family", "token_type", "tier", "unit",
	"account", "project", "region", "tags", "charge_cat", "customer", "status", "prefix", "block"}

// LoadFOCUS reads a FOCUS CSV file with DuckDB's own CSV reader and writes its
// lines with one INSERT … SELECT inside one transaction, as LoadUnified does a
// unified file: a grouped pass lists the distinct combinations of the text
// columns, f.Text maps each, the mapping is joined as a table, and numbers and
// timestamps are checked and computed in SQL. Anything the line-by-line reader
// must judge returns cost.ErrNotLoaded, having changed nothing.
func (db *DB) LoadFOCUS(ctx context.Context, f *cost.FOCUSFile) (*cost.LoadResult, error) {
	db.applyMu.Lock()
	defer db.applyMu.Unlock()
	conn, err := db.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("duckdb: load: %w", err)
	}
	defer conn.Close()
	from, args := csvFrom(f.Path, len(f.Columns))
	rows, err := focusDistinct(ctx, conn, f, from, args)
	var byHash bool
	if err == nil {
		defer conn.ExecContext(context.Background(), "DROP TABLE IF EXISTS temp.main.load_focus")
		byHash, err = fillFOCUS(ctx, conn, f, rows)
		byHash = byHash && !db.focusKeyJoin
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w: %v", cost.ErrNotLoaded, err)
	}
	l := &loader{conn: conn, now: db.now(), res: &cost.LoadResult{}, table: rowsTable, cols: lineColumns}
	if err := l.run(ctx, focusSelect(f, from, byHash), args); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	return l.res, nil
}

// csvFrom returns the relation that reads a CSV file of n columns, every
// column as text with "" for an empty field, named c0, c1, … by position.
func csvFrom(path string, n int) (string, []any) {
	cols := make([]string, n)
	vals := make([]string, n)
	for i := range n {
		cols[i] = fmt.Sprintf("'c%d': 'VARCHAR'", i)
		vals[i] = fmt.Sprintf("coalesce(c%[1]d, '') AS c%[1]d", i)
	}
	return `(SELECT ` + strings.Join(vals, ", ") + `
		FROM read_csv(?, columns = {` + strings.Join(cols, ", ") + `}, header = true, auto_detect = false,
			delim = ',', quote = '"', escape = '"', strict_mode = true, max_line_size = ` + strconv.Itoa(MaxLineBytes) + `,
			parallel = true))`, []any{path}
}

// focusKeys returns the key expressions of a FOCUS line's text combination:
// its text columns, then whether its ConsumedQuantity is empty.
func focusKeys(f *cost.FOCUSFile, alias string) []string {
	var keys []string
	for _, i := range f.TextColumns {
		keys = append(keys, fmt.Sprintf("%s.c%d", alias, i))
	}
	cq := "true"
	if i := f.Roles["consumed_qty"]; i >= 0 {
		cq = fmt.Sprintf("%s.c%d = ''", alias, i)
	}
	return append(keys, cq)
}

// focusDistinct lists the file's distinct text combinations.
func focusDistinct(ctx context.Context, conn *sql.Conn, f *cost.FOCUSFile, from string, args []any) ([][]driver.Value, error) {
	keys := focusKeys(f, "t")
	q := "SELECT DISTINCT " + strings.Join(keys, ", ") + " FROM " + from + " t LIMIT " + strconv.Itoa(maxDistinct+1)
	rs, err := conn.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out [][]driver.Value
	text := make([]string, len(f.TextColumns))
	var noConsumed bool
	dest := make([]any, 0, len(keys))
	for i := range text {
		dest = append(dest, &text[i])
	}
	dest = append(dest, &noConsumed)
	for rs.Next() {
		if len(out) == maxDistinct {
			return nil, fmt.Errorf("more than %d distinct text combinations", maxDistinct)
		}
		if err := rs.Scan(dest...); err != nil {
			return nil, err
		}
		vals := make([]string, len(f.Columns))
		row := make([]driver.Value, 0, len(keys)+len(focusOut))
		for k, i := range f.TextColumns {
			vals[i] = text[k]
			row = append(row, text[k])
		}
		row = append(row, noConsumed)
		t, err := f.Text(vals, noConsumed)
		if err != nil {
			return nil, err
		}
		out = append(out, append(row, focusValues(t)...))
	}
	return out, rs.Err()
}

// focusValues returns t's values in focusOut order.
func focusValues(t *cost.FOCUSText) []driver.Value {
	l := t.Line
	tags, _ := tagsJSON(l.Tags)
	if tags == nil {
		tags = ""
	}
	return []driver.Value{l.CloudProvider, l.Service, l.Model, l.ModelFamily, l.TokenType, orNull(l.PricingTier),
		orNull(l.UsageUnit), orNull(l.AccountID), orNull(l.Project), orNull(l.Region), tags,
		orNull(l.ChargeCategory), l.CustomerID, l.DataStatus, t.Prefix, t.Block}
}

// orNull returns nil (NULL) for "", for the cost_rows columns that store
// "none" as NULL.
func orNull(s string) driver.Value {
	if s == "" {
		return nil
	}
	return s
}

// fillFOCUS creates load_focus, appends the mapping rows and sets each row's
// hash of its keys, h. It reports whether the hashes are distinct: a line's
// combination is then found by its hash alone, one integer instead of a
// dozen strings; every line's combination is among the rows, since they list
// the file's distinct combinations.
func fillFOCUS(ctx context.Context, conn *sql.Conn, f *cost.FOCUSFile, rows [][]driver.Value) (bool, error) {
	var defs, cols []string
	for k := range f.TextColumns {
		defs, cols = append(defs, fmt.Sprintf("k%d VARCHAR", k)), append(cols, fmt.Sprintf("k%d", k))
	}
	defs, cols = append(defs, "kq BOOLEAN"), append(cols, "kq")
	for _, c := range focusOut {
		typ := "VARCHAR"
		if c == "block" {
			typ = "DOUBLE"
		}
		defs, cols = append(defs, c+" "+typ), append(cols, c)
	}
	keys := strings.Join(cols[:len(f.TextColumns)+1], ", ")
	if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE load_focus ("+strings.Join(defs, ", ")+", h UBIGINT)"); err != nil {
		return false, err
	}
	err := appendRows(conn, "temp", "load_focus", cols, len(rows), func(i int) ([]driver.Value, error) {
		return rows[i], nil
	})
	if err != nil {
		return false, err
	}
	if _, err := conn.ExecContext(ctx, "UPDATE temp.main.load_focus SET h = hash("+keys+")"); err != nil {
		return false, err
	}
	var distinct bool
	err = conn.QueryRowContext(ctx, "SELECT count(*) = count(DISTINCT h) FROM temp.main.load_focus").Scan(&distinct)
	return distinct, err
}

// focusSelect returns the SELECT that writes the lines of from, joined with
// load_focus on their keys, or on the hash of their keys when byHash. Numbers
// and timestamps are checked as written, as in unifiedSelect.
func focusSelect(f *cost.FOCUSFile, from string, byHash bool) string {
	raw := func(role string) string {
		if i := f.Roles[role]; i >= 0 {
			return fmt.Sprintf("t.c%d", i)
		}
		return "''"
	}
	num := func(role string) string { return "TRY_CAST(" + raw(role) + " AS DOUBLE)" }
	maxCost := strconv.FormatFloat(f.MaxAbsCost, 'g', -1, 64)
	numOK := func(role string, limit bool) string {
		x := raw(role)
		s := fmt.Sprintf("(%s = '' OR (regexp_full_match(%s, '%s') AND isfinite(%s)", x, x, reNumber, num(role))
		if limit {
			s += fmt.Sprintf(" AND abs(%s) <= %s", num(role), maxCost)
		}
		return s + "))"
	}
	ts := func(role string) string {
		return fmt.Sprintf("CASE WHEN %[1]s = '' THEN NULL ELSE TRY_CAST(%[1]s AS TIMESTAMP) END", raw(role))
	}
	tsOK := func(role string) string {
		return fmt.Sprintf("(%[1]s = '' OR (regexp_full_match(%[1]s, '%[2]s') AND TRY_CAST(%[1]s AS TIMESTAMP) IS NOT NULL))",
			raw(role), reTimestamp)
	}
	keys := focusKeys(f, "t")
	on := make([]string, len(keys))
	for k := range f.TextColumns {
		on[k] = fmt.Sprintf("m.k%d = %s", k, keys[k])
	}
	on[len(keys)-1] = "m.kq = (" + keys[len(keys)-1] + ")"
	if byHash {
		on = []string{"m.h = hash(" + strings.Join(keys, ", ") + ")"}
	}
	qty := "CASE WHEN " + raw("consumed_qty") + " <> '' THEN " + num("consumed_qty") +
		" ELSE coalesce(" + num("pricing_qty") + ", 0) END"
	date := "CAST(TRY_CAST(" + raw("start") + " AS TIMESTAMP) AS DATE)"
	period := "CASE WHEN " + raw("period_start") + " = '' THEN " + date + " ELSE CAST(TRY_CAST(" + raw("period_start") + " AS TIMESTAMP) AS DATE) END"
	checks := []string{
		"m.provider IS NOT NULL",
		raw("start") + " <> ''", tsOK("start"), tsOK("end"), tsOK("period_start"),
		raw("cost") + " <> ''", numOK("cost", true), numOK("list_cost", true),
		numOK("consumed_qty", false), numOK("pricing_qty", false),
		"isfinite((" + qty + ") * m.block)",
	}
	return `SELECT ` + date + `, ` + ts("start") + `, ` + ts("end") + `,
		m.provider, m.service, m.model, m.family, m.token_type, m.tier, (` + qty + `) * m.block, m.unit,
		` + num("cost") + `, ` + num("cost") + `, 'USD', ` + num("list_cost") + `,
		m.customer, m.account, m.project, m.region, nullif(m.tags, ''), 'focus',
		CASE WHEN ` + strings.Join(checks, "\n\t\t\tAND ") + `
			THEN m.prefix || '/' || strftime(` + period + `, '%Y-%m')
			ELSE error('focus: a value the line-by-line reader must check') END,
		'` + cost.SourceBillingExport + `',
		CASE WHEN m.status <> '' THEN m.status
			WHEN ` + date + ` >= DATE '` + f.OpenMonth.Format("2006-01-02") + `' THEN '` + cost.StatusProvisional + `'
			ELSE '` + cost.StatusFinal + `' END,
		m.charge_cat, 0, false,
		?
	FROM ` + from + ` t
	LEFT JOIN temp.main.load_focus m ON ` + strings.Join(on, " AND ")
}
