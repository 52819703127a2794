package pgwire_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// attack is one escape attempt by a customer login.
type attack struct{ name, sql string }

// storeTables are the store's relations that are not a login's four.
var storeTables = []string{"cost_rows", "cost_rows_basic", "partitions", "partition_latest", "events", "settings", "alert_rules", "alert_states",
	"alert_events", "alert_channels", "schema_migrations"}

// attacks lists the escape attempts. {peer} is another customer's id as a SQL
// literal, {secret} and {spool} planted secret files (outside and inside the
// store's spool directory), {dir} the data directory, {store} the store file.
func attacks() []attack {
	a := []attack{
		// The red team's escapes: a CTE name used outside the scope that defines it.
		{"redteam/cte-name-out-of-scope-reads-store-table", "SELECT * FROM (WITH partitions AS (SELECT 1 AS x) SELECT x FROM partitions) a, partitions"},
		{"redteam/cte-name-out-of-scope-30-day-totals", "SELECT customer_id, sum(cost_usd) FROM (WITH alert_states AS (SELECT 1 AS x) SELECT x FROM alert_states) a, cost_lines WHERE date >= current_date - INTERVAL 30 DAY GROUP BY 1"},
		{"redteam/cte-name-out-of-scope-30-day-totals-subquery", "SELECT (SELECT count(*) FROM (WITH events AS (SELECT 1) SELECT * FROM events)), customer_id, sum(cost_usd) FROM unified_costs WHERE date > now() - INTERVAL 30 DAY AND customer_id IN (SELECT customer_id FROM alert_rules) GROUP BY ALL"},
		{"redteam/read-csv-through-cte-scope-gap", "SELECT * FROM (WITH \"{secret}\" AS (SELECT 1 AS a) SELECT a FROM \"{secret}\") x, \"{secret}\""},
		{"redteam/read-csv-through-cte-scope-gap-spool", "SELECT * FROM (WITH \"{spool}\" AS (SELECT 1 AS a) SELECT a FROM \"{spool}\") x, \"{spool}\""},
		{"redteam/read-csv-through-cte-scope-gap-union", "WITH t AS (SELECT 1) SELECT 1 UNION ALL SELECT * FROM (WITH \"{secret}\" AS (SELECT 1) SELECT 1) UNION ALL SELECT * FROM \"{secret}\""},
		{"redteam/cross-tenant-30-day-totals", "SELECT customer_id, sum(cost_usd) FROM cost_lines WHERE date >= DATE '2026-10-21' GROUP BY customer_id"},
		// CTE scoping games.
		{"cte/sibling-scope", "WITH a AS (WITH partitions AS (SELECT 1) SELECT 1), b AS (SELECT * FROM partitions) SELECT * FROM b"},
		{"cte/inner-name-used-in-outer-where", "SELECT sum(cost_usd) FROM unified_costs WHERE EXISTS (SELECT * FROM settings) AND (SELECT 1 FROM (WITH settings AS (SELECT 1) SELECT 1)) = 1"},
		{"cte/shadow-relation-name", "WITH unified_costs AS (SELECT * FROM cost_lines WHERE customer_id = {peer}) SELECT sum(cost_usd) FROM unified_costs"},
		{"cte/shadow-then-outer", "SELECT (WITH cost_lines AS (SELECT 1 AS cost_usd) SELECT sum(cost_usd) FROM cost_lines), (SELECT sum(cost_usd) FROM cost_lines)"},
		{"cte/materialized", "WITH x AS MATERIALIZED (SELECT * FROM unified_costs) SELECT customer_id, sum(cost_usd) FROM x GROUP BY 1"},
		{"cte/not-materialized-peer", "WITH x AS NOT MATERIALIZED (SELECT * FROM unified_costs WHERE customer_id <> '') SELECT customer_id, sum(cost_usd) FROM x GROUP BY 1"},
		{"cte/name-is-file", "WITH \"x.csv\" AS (SELECT 1) SELECT * FROM \"x.csv\""},
		{"cte/name-is-store-file", "SELECT * FROM (WITH \"{store}\" AS (SELECT 1) SELECT 1), \"{store}\""},
		{"cte/quoted-case-games", "SELECT * FROM (WITH \"Settings\" AS (SELECT 1) SELECT 1), SETTINGS"},
		{"cte/using-key", "WITH RECURSIVE r(n) USING KEY (n) AS (SELECT 1 UNION SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r, events"},
		// Recursive CTEs.
		{"recursive/over-customers", "WITH RECURSIVE r(id, n) AS (SELECT id, 0 FROM customers UNION ALL SELECT {peer}, n + 1 FROM r WHERE n < 2) SELECT r.id, sum(c.cost_usd) FROM r JOIN cost_lines c ON c.customer_id = r.id GROUP BY 1"},
		{"recursive/reaches-store-table", "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r, partitions WHERE n < 3) SELECT * FROM r"},
		{"recursive/out-of-scope", "SELECT * FROM (WITH RECURSIVE settings(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM settings WHERE n < 3) SELECT * FROM settings) a, settings"},
		{"recursive/string-doubling", "WITH RECURSIVE r(s, n) AS (SELECT 'ab', 0 UNION ALL SELECT s || s, n + 1 FROM r WHERE n < 40) SELECT length(max(s)) FROM r"},
		// Lateral joins.
		{"lateral/store-table", "SELECT * FROM unified_costs, LATERAL (SELECT * FROM events) x"},
		{"lateral/peer-filter", "SELECT x.* FROM customers c, LATERAL (SELECT customer_id, sum(cost_usd) FROM cost_lines WHERE customer_id <> c.id GROUP BY 1) x"},
		{"lateral/qualified", "SELECT * FROM customers, LATERAL (SELECT sum(cost_usd) FROM main.cost_lines) x"},
		{"lateral/table-function", "SELECT * FROM customers, LATERAL read_csv('{secret}') x"},
		// Window functions over everything.
		{"window/sum-over-all", "SELECT DISTINCT sum(cost_usd) OVER () FROM cost_lines"},
		{"window/partition-by-customer", "SELECT DISTINCT customer_id, sum(cost_usd) OVER (PARTITION BY customer_id) FROM unified_costs"},
		{"window/count-all-rows", "SELECT max(n) FROM (SELECT count(*) OVER () AS n FROM cost_lines)"},
		{"window/lag-across", "SELECT DISTINCT lag(customer_id, 1) OVER (ORDER BY date) FROM cost_lines"},
		{"window/qualify", "SELECT customer_id, cost_usd FROM cost_lines QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY cost_usd DESC) = 1"},
		// Environment and settings.
		{"getenv/home", "SELECT getenv('HOME')"},
		{"getenv/admin-token", "SELECT getenv('LLMCOST_ADMIN_TOKEN')"},
		{"current-setting/home-directory", "SELECT current_setting('home_directory')"},
		{"current-setting/allowed-directories", "SELECT current_setting('allowed_directories')"},
		{"current-setting/temp-directory", "SELECT current_setting('temp_directory')"},
		{"current-setting/search-path", "SELECT current_setting('search_path')"},
		{"duckdb-settings", "SELECT * FROM duckdb_settings()"},
		{"which-secret", "SELECT * FROM which_secret('s3://x/y', 's3')"},
		// duckdb_* functions and catalogs.
		{"duckdb/tables", "SELECT * FROM duckdb_tables()"},
		{"duckdb/databases", "SELECT * FROM duckdb_databases()"},
		{"duckdb/columns", "SELECT * FROM duckdb_columns()"},
		{"duckdb/extensions", "SELECT * FROM duckdb_extensions()"},
		{"duckdb/secrets", "SELECT * FROM duckdb_secrets()"},
		{"duckdb/memory", "SELECT * FROM duckdb_memory()"},
		{"duckdb/temporary-files", "SELECT * FROM duckdb_temporary_files()"},
		{"duckdb/tables-as-base-table", "SELECT * FROM duckdb_tables"},
		{"pg-catalog/pg-class", "SELECT * FROM pg_class"},
		{"pg-catalog/qualified", "SELECT * FROM pg_catalog.pg_tables"},
		{"information-schema/tables", "SELECT * FROM information_schema.tables"},
		{"information-schema/columns", "SELECT * FROM information_schema.columns"},
		// glob and file readers.
		{"glob/etc", "SELECT * FROM glob('/etc/*')"},
		{"glob/data-dir", "SELECT * FROM glob('{dir}/*')"},
		{"read-csv/secret", "SELECT * FROM read_csv('{secret}')"},
		{"read-csv/spool-secret", "SELECT * FROM read_csv('{spool}')"},
		{"read-csv-auto/passwd", "SELECT * FROM read_csv_auto('/etc/passwd')"},
		{"read-text/passwd", "SELECT * FROM read_text('/etc/passwd')"},
		{"read-blob/store", "SELECT * FROM read_blob('{store}')"},
		{"read-parquet/secret", "SELECT * FROM read_parquet('{secret}')"},
		{"read-json/secret", "SELECT * FROM read_json('{secret}')"},
		{"read-csv/in-subquery", "SELECT sum(cost_usd) FROM unified_costs WHERE customer_id IN (SELECT * FROM read_csv('{secret}'))"},
		{"read-csv/scalar", "SELECT (SELECT count(*) FROM read_csv('{secret}'))"},
		{"query-table-function", "SELECT * FROM query('SELECT * FROM main.cost_lines')"},
		{"query-table", "SELECT * FROM query_table('cost_lines')"},
		// Replacement scans of file names.
		{"replacement-scan/passwd", "SELECT * FROM '/etc/passwd'"},
		{"replacement-scan/x-csv", "SELECT * FROM 'x.csv'"},
		{"replacement-scan/secret", "SELECT * FROM '{secret}'"},
		{"replacement-scan/spool-secret", "SELECT * FROM '{spool}'"},
		{"replacement-scan/double-quoted", "SELECT * FROM \"{secret}\""},
		{"replacement-scan/store-file", "SELECT * FROM '{store}'"},
		{"replacement-scan/http", "SELECT * FROM 'http://127.0.0.1:1/x.csv'"},
		{"replacement-scan/xlsx", "SELECT * FROM 'book.xlsx'"},
		{"replacement-scan/from-first", "FROM '{secret}'"},
		{"replacement-scan/join", "SELECT * FROM unified_costs JOIN '{secret}' ON true"},
		// COPY, ATTACH, INSTALL/LOAD, SET, PRAGMA, EXPORT.
		{"copy/to-file", "COPY cost_lines TO '{dir}/out.csv'"},
		{"copy/query-to-file", "COPY (SELECT * FROM cost_lines) TO '{dir}/out.parquet' (FORMAT parquet)"},
		{"copy/from-file", "COPY cost_lines FROM '{secret}'"},
		{"attach/store", "ATTACH '{store}' AS s (READ_ONLY)"},
		{"attach/memory", "ATTACH ':memory:' AS m"},
		{"detach", "DETACH main"},
		{"use", "USE main"},
		{"install/httpfs", "INSTALL httpfs"},
		{"load/httpfs", "LOAD httpfs"},
		{"force-install", "FORCE INSTALL excel"},
		{"set/external-access", "SET enable_external_access = true"},
		{"set/memory", "SET memory_limit = '100GB'"},
		{"set/search-path", "SET search_path = 'main'"},
		{"set/schema", "SET schema = 'main'"},
		{"reset/lock", "RESET lock_configuration"},
		{"pragma/database-list", "PRAGMA database_list"},
		{"pragma/show-tables", "PRAGMA show_tables"},
		{"pragma/storage-info", "PRAGMA storage_info('cost_lines')"},
		{"call/pragma", "CALL pragma_table_info('events')"},
		{"export-database", "EXPORT DATABASE '{dir}/export'"},
		{"import-database", "IMPORT DATABASE '{dir}'"},
		{"checkpoint", "CHECKPOINT"},
		{"create-secret", "CREATE SECRET (TYPE s3, KEY_ID 'a', SECRET 'b')"},
		// DDL and DML.
		{"ddl/drop-view", "DROP VIEW unified_costs"},
		{"ddl/temp-view", "CREATE TEMP VIEW unified_costs AS SELECT * FROM main.unified_costs"},
		{"ddl/macro", "CREATE MACRO f() AS TABLE SELECT * FROM main.cost_lines"},
		{"dml/insert-budget", "INSERT INTO budgets VALUES ('x', 1)"},
		{"dml/delete", "DELETE FROM cost_lines"},
		{"dml/update", "UPDATE cost_lines SET customer_id = {peer}"},
		// Multiple statements.
		{"multi/select-then-qualified", "SELECT sum(cost_usd) FROM unified_costs; SELECT sum(cost_usd) FROM main.unified_costs"},
		{"multi/select-then-set", "SELECT 1; SET enable_external_access = true"},
		{"multi/select-then-attach", "SELECT 1; ATTACH '{store}' AS s"},
		{"multi/begin", "BEGIN; SELECT 1; COMMIT"},
		// Comments and quoting.
		{"comment/line", "SELECT sum(cost_usd) FROM unified_costs -- ; SELECT 1 FROM main.cost_lines"},
		{"comment/block-around-schema", "SELECT sum(cost_usd) FROM /* main. */ unified_costs"},
		{"comment/nul-cut", "SELECT sum(cost_usd) FROM unified_costs -- \x00\n; SELECT 1 FROM main.cost_lines"},
		{"comment/nested-block", "SELECT sum(cost_usd) FROM unified_costs /* /* */ ; SELECT * FROM events; */"},
		{"quote/identifier-schema", "SELECT sum(cost_usd) FROM \"main\".\"unified_costs\""},
		{"quote/upper-case", "SELECT sum(cost_usd) FROM MAIN.Unified_Costs"},
		{"quote/dollar-string", "SELECT * FROM read_csv($$" + "{secret}" + "$$)"},
		{"quote/escape-string", "SELECT * FROM read_csv(E'{secret}')"},
		{"quote/or-true", "SELECT sum(cost_usd) FROM unified_costs WHERE customer_id = {peer} OR true"},
		{"quote/union-peer", "SELECT sum(cost_usd) FROM unified_costs WHERE customer_id = {peer} UNION ALL SELECT sum(cost_usd) FROM unified_costs"},
		{"quote/catalog", "SELECT sum(cost_usd) FROM memory.main.cost_lines"},
		{"quote/temp-catalog", "SELECT sum(cost_usd) FROM temp.main.unified_costs"},
		{"quote/system-catalog", "SELECT * FROM system.main.duckdb_tables"},
		{"quote/at-clause", "SELECT sum(cost_usd) FROM unified_costs AT (VERSION => 1)"},
		// Unicode homoglyphs.
		{"homoglyph/cyrillic-a-in-main", "SELECT sum(cost_usd) FROM m\u0430in.cost_lines"},
		{"homoglyph/fullwidth-read-csv", "SELECT * FROM ｒｅａｄ_csv('{secret}')"},
		{"homoglyph/greek-omicron-copy", "C\u039fPY cost_lines TO '{dir}/o.csv'"},
		{"homoglyph/quoted-lookalike-table", "SELECT * FROM \"ｅvents\""},
		{"homoglyph/zero-width-join", "SELECT * FROM main\u200b.cost_lines"},
		// Other statement shapes and table references.
		{"pivot", "PIVOT unified_costs ON customer_id USING sum(cost_usd)"},
		{"summarize", "SUMMARIZE cost_lines"},
		{"describe-qualified", "DESCRIBE main.cost_lines"},
		{"explain-analyze", "EXPLAIN ANALYZE SELECT * FROM main.cost_lines"},
		{"show-tables", "SHOW ALL TABLES"},
		{"from-first-qualified", "FROM main.cost_lines SELECT sum(cost_usd)"},
		{"values-and-union", "SELECT * FROM (VALUES ({peer})) v(x) UNION ALL SELECT customer_id FROM events"},
		{"tablesample", "SELECT * FROM partitions TABLESAMPLE 10%"},
		{"unnest-range", "SELECT * FROM range(3), events"},
		{"list-comprehension-query", "SELECT [x FOR x IN (SELECT list(customer_id) FROM main.cost_lines)]"},
		{"lambda", "SELECT list_transform([1], x -> (SELECT count(*) FROM events))"},
		{"prepared-execute", "EXECUTE p"},
	}
	for _, t := range storeTables {
		a = append(a,
			attack{"store-table/" + t, "SELECT * FROM " + t},
			attack{"store-table/" + t + "/cte-out-of-scope", "SELECT * FROM (WITH " + t + " AS (SELECT 1) SELECT 1) a, " + t})
	}
	return a
}

// render fills an attack's placeholders.
func (f *fixture) render(sql string) string {
	spool := filepath.Join(f.dataDir, "tmp", "secret.csv")
	return strings.NewReplacer("{peer}", quote(f.peer), "{secret}", f.secrets[0], "{spool}", spool,
		"{dir}", f.dataDir, "{store}", filepath.Join(f.dataDir, "llmcost.duckdb")).Replace(sql)
}

// forbidden is what a customer's answers may never contain: other tenants'
// ids, names, marker and figures, and planted file content.
type forbidden struct {
	words   []string
	figures []float64
	own     []float64
}

func (f *fixture) forbidden() forbidden {
	var fb forbidden
	from30 := now.AddDate(0, 0, -31)
	totals, last30 := map[string]float64{}, map[string]float64{}
	var all, all30 float64
	for _, l := range f.data.Lines {
		totals[l.CustomerID] += l.CostUSD
		all += l.CostUSD
		if !l.Date.Before(from30) {
			last30[l.CustomerID] += l.CostUSD
			all30 += l.CostUSD
		}
	}
	totals[f.peer] += peerCost
	last30[f.peer] += peerCost
	fb.figures = append(fb.figures, all+peerCost, all30+peerCost, peerCost)
	for _, c := range f.data.Customers {
		if c.ID == f.own {
			fb.own = append(fb.own, totals[c.ID], last30[c.ID])
			continue
		}
		fb.words = append(fb.words, c.ID, c.Name)
		fb.figures = append(fb.figures, totals[c.ID], last30[c.ID])
	}
	fb.words = append(fb.words, peerMarker, secretText, "root:x:0:0")
	return fb
}

// leak describes what forbidden content text or a figure of nums holds ("" if none).
func (fb forbidden) leak(text string, nums []float64) string {
	for _, w := range fb.words {
		if regexp.MustCompile(`\b` + regexp.QuoteMeta(w) + `\b`).MatchString(text) {
			return "contains " + strconv.Quote(w)
		}
	}
	for _, n := range nums {
		for _, x := range fb.figures {
			if near(n, x) && !fb.isOwn(n) {
				return fmt.Sprintf("contains another tenant's figure %v", n)
			}
		}
	}
	return ""
}

func (fb forbidden) isOwn(n float64) bool {
	for _, o := range fb.own {
		if near(n, o) {
			return true
		}
	}
	return false
}

// fileContent are the planted contents an error message may not echo either.
var fileContent = []string{secretText, "root:x:0:0"}

// TestEscapes runs every attack as a customer login through pgx and through
// psql: each may fail or answer, but no answer (and no error message) holds
// another tenant's rows or a file's content.
func TestEscapes(t *testing.T) {
	f := serve(t)
	fb := f.forbidden()
	list := attacks()
	if len(list) < 100 {
		t.Fatalf("%d attacks, want at least 100", len(list))
	}
	c := f.pgx(t, f.own, f.ownToken)
	psql := psqlPath(t)
	for _, a := range list {
		t.Run(a.name, func(t *testing.T) {
			sql := f.render(a.sql)
			text, nums, err := queryAll(c, sql)
			if err != nil {
				text = err.Error()
				if c.IsClosed() {
					c = f.pgx(t, f.own, f.ownToken)
				}
			}
			if l := fb.leak(text, nums); l != "" && err == nil {
				t.Errorf("pgx: answer %s: %.300s", l, text)
			}
			assertNoFileContent(t, "pgx", text)
			out, _ := exec.Command(psql, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql, f.url(f.own, f.ownToken)).CombinedOutput()
			if l := fb.leak(string(out), numbersIn(string(out))); l != "" && !strings.Contains(string(out), "ERROR") {
				t.Errorf("psql: answer %s: %.300s", l, out)
			}
			assertNoFileContent(t, "psql", string(out))
		})
	}
	for _, p := range []string{filepath.Join(f.dataDir, "out.csv"), filepath.Join(f.dataDir, "out.parquet"),
		filepath.Join(f.dataDir, "export"), filepath.Join(f.dataDir, "o.csv")} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("an attack wrote %s", p)
		}
	}
}

func assertNoFileContent(t *testing.T, client, text string) {
	t.Helper()
	for _, s := range fileContent {
		if strings.Contains(text, s) {
			t.Errorf("%s: file content %q in %.300s", client, s, text)
		}
	}
}

// queryAll runs sql and returns its rows as text and the numbers in them.
func queryAll(c *pgx.Conn, sql string) (string, []float64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rows, err := c.Query(ctx, sql)
	if err != nil {
		return "", nil, err
	}
	defer rows.Close()
	var b strings.Builder
	var nums []float64
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return "", nil, err
		}
		for _, v := range vals {
			fmt.Fprintf(&b, "%v\t", v)
			if n, ok := number(v); ok {
				nums = append(nums, n)
			}
		}
		b.WriteString("\n")
	}
	return b.String(), nums, rows.Err()
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	case pgtype.Numeric:
		f, err := x.Float64Value()
		return f.Float64, err == nil && f.Valid
	case string:
		n, err := strconv.ParseFloat(x, 64)
		return n, err == nil && !math.IsNaN(n)
	}
	return 0, false
}

// numbersIn finds the numbers in psql's output.
func numbersIn(out string) []float64 {
	var nums []float64
	for _, field := range regexp.MustCompile(`[|\n]`).Split(out, -1) {
		if n, err := strconv.ParseFloat(strings.TrimSpace(field), 64); err == nil {
			nums = append(nums, n)
		}
	}
	return nums
}

func psqlPath(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("psql")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("psql is not installed")
		}
		t.Skip("psql is not installed")
	}
	return p
}

// TestLeakDetectorSeesLeaks checks the escape suite's detector on the admin's
// answers, which do hold every tenant: a detector that saw nothing there would
// make TestEscapes vacuous.
func TestLeakDetectorSeesLeaks(t *testing.T) {
	f := serve(t)
	fb := f.forbidden()
	c := f.pgx(t, "admin", f.keys.AdminToken())
	for _, q := range []string{
		"SELECT customer_id, sum(cost_usd) FROM cost_lines GROUP BY 1",
		"SELECT sum(cost_usd) FROM unified_costs",
		"SELECT project FROM cost_lines WHERE cost_usd = 12345.678",
	} {
		text, nums, err := queryAll(c, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if fb.leak(text, nums) == "" {
			t.Errorf("%s: the detector saw no leak in the admin's answer %.200s", q, text)
		}
	}
}

// TestCheckerScopesCTEs runs the red team's CTE-scope escapes as the admin,
// whose queries run on the store itself: the checker must refuse each (a CTE
// name is in scope only under the node that defines it).
func TestCheckerScopesCTEs(t *testing.T) {
	f := serve(t)
	c := f.pgx(t, "admin", f.keys.AdminToken())
	for _, q := range []string{
		"SELECT * FROM (WITH partitions AS (SELECT 1 AS x) SELECT x FROM partitions) a, partitions",
		"SELECT * FROM (WITH \"{secret}\" AS (SELECT 1 AS a) SELECT a FROM \"{secret}\") x, \"{secret}\"",
		"SELECT * FROM (WITH \"{spool}\" AS (SELECT 1 AS a) SELECT a FROM \"{spool}\") x, \"{spool}\"",
		"WITH a AS (WITH settings AS (SELECT 1) SELECT 1), b AS (SELECT * FROM settings) SELECT * FROM b",
		"SELECT (SELECT 1 FROM (WITH events AS (SELECT 1) SELECT 1)), (SELECT count(*) FROM events)",
	} {
		sql := f.render(q)
		var pgErr *pgconn.PgError
		_, _, err := queryAll(c, sql)
		if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
			t.Errorf("%s: err = %v, want SQLSTATE 42501", sql, err)
		}
	}
	// CTEs used within their scope still work.
	for _, q := range []string{
		"WITH x AS (SELECT 1 AS v) SELECT (SELECT v FROM x) FROM x",
		"WITH a AS (SELECT 1 AS v), b AS (SELECT v FROM a) SELECT * FROM b",
	} {
		if _, _, err := queryAll(c, q); err != nil {
			t.Errorf("%s: %v", q, err)
		}
	}
}

// TestQueryNotUTF8 checks that a query that is not UTF-8 is refused as such,
// for the admin (on the store) and a customer (in its sandbox).
func TestQueryNotUTF8(t *testing.T) {
	f := serve(t)
	tests := []struct{ name, user, password string }{
		{"Admin", "admin", f.keys.AdminToken()},
		{"Customer", f.own, f.ownToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := f.pgx(t, tt.user, tt.password)
			_, _, err := queryAll(c, "SELECT '\xff' AS x")
			var pgErr *pgconn.PgError
			if !errors.As(err, &pgErr) || pgErr.Code != "42000" || !strings.Contains(pgErr.Message, "not valid UTF-8") {
				t.Errorf("err = %v, want SQLSTATE 42000 saying the query is not valid UTF-8", err)
			}
		})
	}
}
