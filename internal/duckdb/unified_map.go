package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/llmcost/llmcost/internal/cost"
)

// A unified file's text columns hold few distinct values (a few providers and
// models, one tags value per customer), so the Go rules of cost.UnifiedFile are
// applied once per distinct value, never per line: one cheap pass of DuckDB's
// reader lists the distinct values, Go maps them, and the statement that
// writes the lines joins the mapping as a table. A column whose values all
// stay as written is read directly, without a join.

// textColumns are the unified columns whose values are mapped per distinct
// value; the customer columns are listed together as one tuple, since a line's
// customer depends on all of them.
var textColumns = []string{"cloud_provider", "service", "model", "token_type", "pricing_tier",
	"usage_unit", "currency", "region", "cost_source", "data_status", "charge_category", "unpriced"}

// customerColumns decide a line's customer: its own customer_id, else its
// tags, provider, account and project.
var customerColumns = []string{"customer_id", "tags", "cloud_provider", "account_id", "project"}

// maxDistinct bounds the distinct values (and customer tuples) a file's text
// columns may hold for DuckDB to read it; a file with more is read line by line.
const maxDistinct = 1 << 18

// unifiedMap is how a file's text columns are written: for each column, the
// stored value of each distinct raw value, or nothing when every value is
// stored as written.
type unifiedMap struct {
	pos map[string]int // Lower-case column name → position in the file.
	// col maps raw → stored values of a column that changes some value.
	col map[string]map[string]string
	// family maps each raw model to its model family.
	family map[string]string
	// customer maps each raw customer tuple (customerColumns present in the
	// file, joined by \x00) to the line's customer, when it is not always
	// the customer_id as written.
	customer map[string]string
	// tupleCols are the customerColumns present in the file.
	tupleCols []string
}

// cleanValue is a value as the line-by-line reader sees it: trimmed, and ""
// for a NULL marker.
func cleanValue(s string) string {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "null") {
		return ""
	}
	return s
}

// errDistinct is why a distinct value leaves the file to the line-by-line reader.
type errDistinct struct{ col, why string }

func (e *errDistinct) Error() string { return e.col + ": " + e.why }

// mapValue returns the stored value of raw in column col, or an error when
// the line-by-line reader must judge it.
func mapValue(f *cost.UnifiedFile, col, raw string) (string, error) {
	v := cleanValue(raw)
	switch col {
	case "cloud_provider":
		if v = f.Provider(v); v == "" {
			return "", &errDistinct{col, "a provider is required"}
		}
	case "model":
		v = f.Model(v)
	case "token_type":
		if v = strings.ToLower(v); v != "" && !slices.Contains(cost.TokenTypes, v) {
			return "", &errDistinct{col, "not a token type"}
		}
	case "unpriced":
		if _, err := strconv.ParseBool(v); v != "" && err != nil {
			return "", &errDistinct{col, "not true or false"}
		}
	case "tags":
		if v != "" {
			t, ok := f.Tags(v)
			if !ok {
				return "", &errDistinct{col, "not a JSON object of strings"}
			}
			v = t
		}
	}
	return v, nil
}

// distinctSQL returns the statement listing the distinct raw values of the
// file's text columns: one row per value of each column, and one per customer
// tuple, told apart by grouping_id; and the names of the columns it reads, in
// the order it returns them.
func distinctSQL(m *unifiedMap, from string) (string, []string) {
	var cols []string
	add := func(name string) {
		if _, ok := m.pos[name]; ok && !slices.Contains(cols, name) {
			cols = append(cols, name)
		}
	}
	for _, c := range textColumns {
		add(c)
	}
	for _, c := range m.tupleCols {
		add(c)
	}
	names := make([]string, len(cols))
	for k, c := range cols {
		names[k] = fmt.Sprintf("c%d", m.pos[c])
	}
	var sets []string
	for _, c := range textColumns {
		if i, ok := m.pos[c]; ok && !slices.Contains(m.tupleCols, c) {
			sets = append(sets, fmt.Sprintf("(c%d)", i))
		}
	}
	var tuple []string
	for _, c := range m.tupleCols {
		tuple = append(tuple, fmt.Sprintf("c%d", m.pos[c]))
	}
	if len(tuple) > 0 {
		sets = append(sets, "("+strings.Join(tuple, ", ")+")")
	}
	q := "SELECT grouping_id(" + strings.Join(names, ", ") + "), " + strings.Join(names, ", ") +
		" FROM " + from + " GROUP BY GROUPING SETS (" + strings.Join(sets, ", ") + ") LIMIT " +
		strconv.Itoa(maxDistinct+1)
	return q, cols
}

// mapDistinct lists the file's distinct text values with DuckDB's reader and
// maps them with f's rules.
func mapDistinct(ctx context.Context, conn *sql.Conn, f *cost.UnifiedFile, m *unifiedMap, from string, args []any) error {
	for _, c := range customerColumns {
		if _, ok := m.pos[c]; ok {
			m.tupleCols = append(m.tupleCols, c)
		}
	}
	q, cols := distinctSQL(m, from)
	if len(cols) == 0 {
		return nil
	}
	rows, err := conn.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	raw := map[string]map[string]bool{} // Column → its distinct raw values.
	var tuples [][]string
	vals := make([]sql.NullString, len(cols))
	dest := []any{new(int64)}
	for i := range vals {
		dest = append(dest, &vals[i])
	}
	n := 0
	for rows.Next() {
		if n++; n > maxDistinct {
			return fmt.Errorf("more than %d distinct text values", maxDistinct)
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		gid := *dest[0].(*int64)
		byName := map[string]string{}
		for k, name := range cols {
			// grouping_id sets a column's bit (the first column is the
			// highest) when the row does not group by it.
			if gid&(1<<(len(cols)-1-k)) != 0 {
				continue
			}
			if raw[name] == nil {
				raw[name] = map[string]bool{}
			}
			raw[name][vals[k].String] = true
			byName[name] = vals[k].String
		}
		if len(m.tupleCols) > 0 && isTupleRow(gid, cols, m) {
			tuple := make([]string, len(m.tupleCols))
			for k, c := range m.tupleCols {
				tuple[k] = byName[c]
			}
			tuples = append(tuples, tuple)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return m.build(f, raw, tuples)
}

// isTupleRow reports whether a row with grouping id gid groups by exactly
// the customer tuple.
func isTupleRow(gid int64, cols []string, m *unifiedMap) bool {
	for k, name := range cols {
		grouped := gid&(1<<(len(cols)-1-k)) == 0
		if grouped != slices.Contains(m.tupleCols, name) {
			return false
		}
	}
	return true
}

// build maps each column's distinct raw values, and each customer tuple.
func (m *unifiedMap) build(f *cost.UnifiedFile, raw map[string]map[string]bool, tuples [][]string) error {
	m.col = map[string]map[string]string{}
	for col, values := range raw {
		if col == "customer_id" { // Stored as the line's customer.
			continue
		}
		out := map[string]string{}
		same := true
		for r := range values {
			v, err := mapValue(f, col, r)
			if err != nil {
				return err
			}
			out[r] = v
			same = same && v == r
		}
		if col == "model" {
			m.family = map[string]string{}
			for r, v := range out {
				m.family[r] = f.Family(v)
			}
		}
		if !same {
			m.col[col] = out
		}
	}
	return m.buildCustomers(f, tuples)
}

// buildCustomers maps each customer tuple to its line's customer.
func (m *unifiedMap) buildCustomers(f *cost.UnifiedFile, tuples [][]string) error {
	at := map[string]int{}
	for k, c := range m.tupleCols {
		at[c] = k
	}
	get := func(t []string, col string) string {
		if k, ok := at[col]; ok {
			return t[k]
		}
		return ""
	}
	out := map[string]string{}
	same := true
	for _, t := range tuples {
		cust := cleanValue(get(t, "customer_id"))
		if cust == "" {
			prov, _ := mapValue(f, "cloud_provider", get(t, "cloud_provider"))
			tags := cleanValue(get(t, "tags"))
			cust = f.Customer(tags, prov, cleanValue(get(t, "account_id")), cleanValue(get(t, "project")))
		}
		if cust != "" && cost.ValidCustomerID(cust) != nil {
			return &errDistinct{"customer_id", "a customer id no customer may have"}
		}
		out[strings.Join(t, "\x00")] = cust
		same = same && cust == get(t, "customer_id")
	}
	if !same {
		m.customer = out
	}
	return nil
}

// mapTables creates and fills the temporary tables the statement joins:
// load_map_<column> (raw, val) for each changed column, load_family (raw,
// val) and load_customer (k0 … kn, val).
func (m *unifiedMap) mapTables(ctx context.Context, conn *sql.Conn) error {
	fill := func(table string, keys int, rows [][]string) error {
		cols := make([]string, 0, keys+1)
		defs := make([]string, 0, keys+1)
		for k := range keys {
			cols = append(cols, fmt.Sprintf("k%d", k))
			defs = append(defs, fmt.Sprintf("k%d VARCHAR", k))
		}
		cols = append(cols, "val")
		defs = append(defs, "val VARCHAR")
		if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE "+table+" ("+strings.Join(defs, ", ")+")"); err != nil {
			return err
		}
		return appendRows(conn, "temp", table, cols, len(rows), func(i int) ([]driver.Value, error) {
			vals := make([]driver.Value, len(rows[i]))
			for k, s := range rows[i] {
				vals[k] = s
			}
			return vals, nil
		})
	}
	pairs := func(mp map[string]string) [][]string {
		out := make([][]string, 0, len(mp))
		for r, v := range mp {
			out = append(out, []string{r, v})
		}
		return out
	}
	for col, mp := range m.col {
		if err := fill(mapTable(col), 1, pairs(mp)); err != nil {
			return err
		}
	}
	if m.family != nil {
		if err := fill("load_family", 1, pairs(m.family)); err != nil {
			return err
		}
	}
	if m.customer != nil {
		rows := make([][]string, 0, len(m.customer))
		for k, v := range m.customer {
			rows = append(rows, append(strings.Split(k, "\x00"), v))
		}
		if err := fill("load_customer", len(m.tupleCols), rows); err != nil {
			return err
		}
	}
	return nil
}

// dropTables removes the mapping tables from the pooled connection.
func (m *unifiedMap) dropTables(conn *sql.Conn) {
	tables := []string{"load_family", "load_customer"}
	for col := range m.col {
		tables = append(tables, mapTable(col))
	}
	for _, t := range tables {
		conn.ExecContext(context.Background(), "DROP TABLE IF EXISTS temp.main."+t)
	}
}

// mapTable names the mapping table of a column.
func mapTable(col string) string { return "load_map_" + col }
