package duckdb

import (
	"context"
	"fmt"
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
	// whitespace is what the reader trims around values, as Go's TrimSpace
	// does for ASCII.
	whitespace = `' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13)`
)

// LoadUnified reads a unified CSV file with DuckDB's own CSV reader and writes
// its lines with one INSERT … SELECT inside one transaction: normalisation is
// SQL, and the few Go rules (provider, model, tags, customer) run as scalar
// functions on DuckDB's vectors, so no line crosses into Go. The partitions
// the lines name are replaced. Any value the line-by-line reader would spell
// differently or reject fails the statement, the transaction rolls back and
// cost.ErrNotLoaded is returned: nothing changed, and the caller reads the file
// line by line instead.
func (db *DB) LoadUnified(ctx context.Context, f *cost.UnifiedFile) (*cost.LoadResult, error) {
	sel, args, err := unifiedSelect(f)
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
	if err := db.registerRules(conn, f); err != nil {
		return nil, fmt.Errorf("duckdb: load: %w", err)
	}
	defer db.norm.set(nil)
	l := &loader{conn: conn, now: db.now(), res: &cost.LoadResult{}}
	if err := l.run(ctx, sel, args); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	return l.res, nil
}

// unifiedSelect returns the SELECT that reads and normalises f, and its
// arguments. Column names from the file never reach the SQL: the reader names
// the columns c0, c1, … and the statement picks them by position.
func unifiedSelect(f *cost.UnifiedFile) (string, []any, error) {
	pos := map[string]int{}
	for i, c := range f.Columns {
		c = strings.ToLower(c)
		if _, dup := pos[c]; dup {
			return "", nil, fmt.Errorf("column %q appears twice", c)
		}
		pos[c] = i
	}
	cols := make([]string, len(f.Columns))
	raw := make([]string, len(f.Columns))
	for i := range f.Columns {
		cols[i] = fmt.Sprintf("'c%d': 'VARCHAR'", i)
		raw[i] = fmt.Sprintf("CASE WHEN t.c%[1]d ILIKE 'null' THEN '' ELSE coalesce(trim(t.c%[1]d, %s), '') END AS c%[1]d",
			i, whitespace)
	}
	col := func(alias, name string) string {
		if i, ok := pos[name]; ok {
			return fmt.Sprintf("%s.c%d", alias, i)
		}
		return "''"
	}
	v := func(name string) string { return col("n", name) }
	vr := func(name string) string { return col("r", name) }
	for _, c := range []string{"date", "cloud_provider", "cost_usd"} {
		if _, ok := pos[c]; !ok {
			return "", nil, fmt.Errorf("column %q is missing", c)
		}
	}
	num := func(name string) string { return "TRY_CAST(" + v(name) + " AS DOUBLE)" }
	numOK := func(name string, limit bool) string {
		x := v(name)
		s := fmt.Sprintf("(%s = '' OR (regexp_full_match(%s, '%s') AND isfinite(%s)", x, x, reNumber, num(name))
		if limit {
			s += fmt.Sprintf(" AND abs(%s) <= %s", num(name), strconv.FormatFloat(f.MaxAbsCost, 'g', -1, 64))
		}
		return s + "))"
	}
	ts := func(name string) string {
		return fmt.Sprintf("CASE WHEN %[1]s = '' THEN NULL ELSE TRY_CAST(%[1]s AS TIMESTAMP) END", v(name))
	}
	tsOK := func(name string) string {
		return fmt.Sprintf("(%[1]s = '' OR (regexp_full_match(%[1]s, '%[2]s') AND TRY_CAST(%[1]s AS TIMESTAMP) IS NOT NULL))",
			v(name), reTimestamp)
	}
	tokenTypes := "'" + strings.Join(cost.TokenTypes, "', '") + "'"
	checks := []string{
		fmt.Sprintf("%[1]s LIKE '____-__-__' AND TRY_CAST(%[1]s AS DATE) IS NOT NULL", v("date")),
		tsOK("charge_period_start"), tsOK("charge_period_end"),
		"n.provider <> ''",
		fmt.Sprintf("lower(%[1]s) IN ('', %[2]s)", v("token_type"), tokenTypes),
		v("cost_usd") + " <> ''", numOK("cost_usd", true), numOK("usage_amount", false), numOK("cost", true),
		numOK("list_cost_usd", true),
		fmt.Sprintf("(%[1]s = '' OR (regexp_full_match(%[1]s, '%[2]s') AND TRY_CAST(%[1]s AS BIGINT) IS NOT NULL))",
			v("requests"), reInteger),
		v("unpriced") + " IN ('', '1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False')",
		"n.tags IS DISTINCT FROM chr(0)",
		// A cost given only in another currency is converted by the
		// line-by-line reader.
		fmt.Sprintf("NOT (coalesce(%s, 0) = 0 AND coalesce(%s, 0) <> 0 AND %s NOT IN ('', 'USD'))",
			num("cost_usd"), num("cost"), v("currency")),
	}
	date := "CAST(" + v("date") + " AS DATE)"
	openMonth := f.OpenMonth.Format("2006-01-02")
	sel := `SELECT ` + date + `, ` + ts("charge_period_start") + `, ` + ts("charge_period_end") + `,
		n.provider, ` + v("service") + `, n.model, llmcost_family(n.model), lower(` + v("token_type") + `),
		` + v("pricing_tier") + `, coalesce(` + num("usage_amount") + `, 0), ` + v("usage_unit") + `,
		` + num("cost_usd") + `, coalesce(` + num("cost") + `, 0), ` + v("currency") + `, ` + num("list_cost_usd") + `,
		llmcost_valid_customer(CASE WHEN ` + v("customer_id") + ` <> '' THEN ` + v("customer_id") + `
			ELSE llmcost_customer(` + v("tags") + `, n.provider, ` + v("account_id") + `, ` + v("project") + `) END),
		` + v("account_id") + `, ` + v("project") + `, ` + v("region") + `, nullif(n.tags, ''), 'unified',
		CASE WHEN ` + strings.Join(checks, "\n\t\t\tAND ") + `
			THEN n.provider || '/' || strftime(TRY_CAST(` + v("date") + ` AS DATE), '%Y-%m')
			ELSE error('unified: a value the line-by-line reader must check') END,
		CASE WHEN ` + v("cost_source") + ` = '' THEN '` + cost.SourceBillingExport + `' ELSE ` + v("cost_source") + ` END,
		CASE WHEN ` + v("data_status") + ` <> '' THEN ` + v("data_status") + `
			WHEN ` + date + ` >= DATE '` + openMonth + `' THEN '` + cost.StatusProvisional + `'
			ELSE '` + cost.StatusFinal + `' END,
		` + v("charge_category") + `,
		CASE WHEN ` + v("requests") + ` = '' THEN 0 ELSE TRY_CAST(` + v("requests") + ` AS BIGINT) END,
		` + v("unpriced") + ` IN ('1', 't', 'T', 'TRUE', 'true', 'True'),
		?
	FROM (SELECT r.*, llmcost_provider(` + vr("cloud_provider") + `) AS provider,
		llmcost_model(` + vr("model") + `) AS model,
		CASE WHEN ` + vr("tags") + ` = '' THEN '' ELSE llmcost_tags(` + vr("tags") + `) END AS tags
	FROM (SELECT ` + strings.Join(raw, ", ") + `
		FROM read_csv(?, columns = {` + strings.Join(cols, ", ") + `}, header = true, auto_detect = false,
			delim = ',', quote = '"', escape = '"', strict_mode = true, max_line_size = ` + strconv.Itoa(MaxLineBytes) + `,
			parallel = true) t) r) n`
	return sel, []any{f.Path}, nil
}

// MaxLineBytes is the longest CSV line the store's reader accepts.
const MaxLineBytes = 1 << 20
