package pgwire

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/llmcost/llmcost/internal/cost"
)

// Relations a query may read: a customer login's sandbox tables, or the admin
// session's temporary views over the store.
var Relations = []string{"unified_costs", "cost_lines", "budgets", "customers"}

// functions a query may call: aggregates, windows, arithmetic, dates, strings.
var functions = setOf(
	// Aggregates and windows.
	"sum", "count", "count_star", "avg", "mean", "min", "max", "median", "mode",
	"stddev", "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop",
	"quantile_cont", "quantile_disc", "percentile_cont", "percentile_disc",
	"first", "last", "any_value", "arg_max", "arg_min", "bool_and", "bool_or",
	"string_agg", "fsum", "sumkahan", "kahan_sum",
	"row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile",
	"lag", "lead", "first_value", "last_value", "nth_value",
	// Numbers and comparisons.
	"abs", "round", "floor", "ceil", "ceiling", "trunc", "sqrt", "power", "pow", "ln",
	"log", "log10", "exp", "sign", "greatest", "least", "coalesce", "nullif",
	"ifnull", "isnan", "isfinite", "mod", "divide",
	// Dates and times.
	"date_trunc", "datetrunc", "date_part", "datepart", "extract", "epoch", "epoch_ms",
	"to_timestamp", "make_date", "make_timestamp", "date_diff", "datediff", "date_sub",
	"date_add", "age", "year", "month", "day", "dayofweek", "dayofmonth", "dayofyear",
	"week", "weekofyear", "isodow", "quarter", "last_day", "strftime", "strptime",
	"now", "current_date", "current_timestamp", "get_current_timestamp", "today",
	"to_days", "to_hours", "to_minutes", "to_seconds", "to_months", "to_years",
	"time_bucket", "monthname", "dayname", "yearweek",
	// Strings.
	"lower", "upper", "length", "concat", "concat_ws", "substring", "substr", "left",
	"right", "trim", "ltrim", "rtrim", "replace", "starts_with", "ends_with",
	"contains", "prefix", "suffix", "lpad", "rpad", "split_part", "regexp_matches",
	"regexp_replace", "format", "printf", "like_escape", "ilike_escape",
	// Server identity, asked by clients.
	"version", "current_database", "current_schema", "current_user", "user",
	// Operators as the parser names them.
	"+", "-", "*", "/", "//", "%", "**", "^", "||", "~~", "!~~", "~~*", "!~~*",
	"~~~", "!~~~", "@", "&", "|", "<<", ">>", "~", "list_value", "row",
)

// expressionClasses are the expression kinds a query may contain.
var expressionClasses = setOf("COLUMN_REF", "CONSTANT", "FUNCTION", "WINDOW", "AGGREGATE",
	"CAST", "COMPARISON", "CONJUNCTION", "OPERATOR", "CASE", "BETWEEN", "SUBQUERY",
	"STAR", "PARAMETER", "COLLATE", "POSITIONAL_REFERENCE")

// forbiddenRefs are table references that read anything but a relation by name.
var forbiddenRefs = setOf("TABLE_FUNCTION", "PIVOT", "SHOW_REF", "COLUMN_DATA", "DELIM_GET",
	"BOUND_TABLE_REF", "INVALID")

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// Check parses text with DuckDB's own parser and accepts only one read-only
// SELECT over Relations and the CTEs in scope where they are named, calling
// only allow-listed functions, with no schema- or catalog-qualified names.
// reserved holds every relation name the connection knows (lower case): a CTE
// may not take one of those names, so an unqualified name always means a scoped
// relation or a CTE. It returns the query as DuckDB prints the checked tree
// back, without comments: that text, not the client's, is what runs, so the
// statement executed is the statement checked.
func Check(ctx context.Context, conn *sql.Conn, text string, reserved map[string]bool) (string, error) {
	if strings.ContainsRune(text, 0) {
		// The driver passes text to DuckDB as a C string, cut at the first NUL.
		return "", cost.Errorf(cost.CodeInvalid, "The query contains a NUL character.")
	}
	if !utf8.ValidString(text) {
		return "", cost.Errorf(cost.CodeInvalid, "The query is not valid UTF-8.")
	}
	var raw string
	if err := conn.QueryRowContext(ctx, "SELECT CAST(json_serialize_sql(?::VARCHAR) AS VARCHAR)", text).Scan(&raw); err != nil {
		return "", cost.Errorf(cost.CodeInvalid, "Cannot parse the query: %v", err)
	}
	var tree struct {
		Error        bool              `json:"error"`
		ErrorMessage string            `json:"error_message"`
		Statements   []json.RawMessage `json:"statements"`
	}
	if err := json.Unmarshal([]byte(raw), &tree); err != nil {
		return "", cost.Errorf(cost.CodeInternal, "Cannot read the parsed query: %v", err)
	}
	if tree.Error {
		return "", cost.Errorf(cost.CodeInvalid, "Only one SELECT statement is allowed (%s).", tree.ErrorMessage)
	}
	if len(tree.Statements) != 1 {
		return "", cost.Errorf(cost.CodeInvalid, "Exactly one SELECT statement is allowed, got %d.", len(tree.Statements))
	}
	var node any
	if err := json.Unmarshal(tree.Statements[0], &node); err != nil {
		return "", cost.Errorf(cost.CodeInternal, "Cannot read the parsed query: %v", err)
	}
	w := &walker{reserved: reserved}
	if err := w.walk(node, nil); err != nil {
		return "", err
	}
	var canonical string
	if err := conn.QueryRowContext(ctx, "SELECT json_deserialize_sql(?::JSON)", raw).Scan(&canonical); err != nil {
		return "", cost.Errorf(cost.CodeInvalid, "Cannot re-print the query: %v", err)
	}
	return canonical, nil
}

func isRelation(name string) bool {
	for _, r := range Relations {
		if r == name {
			return true
		}
	}
	return false
}

// walker checks a parsed statement.
type walker struct {
	reserved map[string]bool
}

// cteNames are the CTE names a node defines.
func cteNames(v map[string]any) []string {
	cm, ok := v["cte_map"].(map[string]any)
	if !ok {
		return nil
	}
	entries, _ := cm["map"].([]any)
	var names []string
	for _, e := range entries {
		if em, ok := e.(map[string]any); ok {
			if k, ok := em["key"].(string); ok {
				names = append(names, strings.ToLower(k))
			}
		}
	}
	return names
}

// walk checks n; ctes are the CTE names in scope: those defined by n's
// ancestors. A node's own CTEs are in scope in its whole subtree (its body and
// its CTE definitions, which covers recursive CTEs), and nowhere else.
func (w *walker) walk(n any, ctes []string) error {
	switch v := n.(type) {
	case map[string]any:
		if own := cteNames(v); len(own) > 0 {
			for _, name := range own {
				if w.reserved[name] && !isRelation(name) {
					return cost.Errorf(cost.CodeForbidden, "A CTE may not be named %q.", name)
				}
			}
			ctes = append(slices.Clip(ctes), own...)
		}
		if err := w.node(v, ctes); err != nil {
			return err
		}
		for _, c := range v {
			if err := w.walk(c, ctes); err != nil {
				return err
			}
		}
	case []any:
		for _, c := range v {
			if err := w.walk(c, ctes); err != nil {
				return err
			}
		}
	}
	return nil
}

// node checks one object of the tree: table references, expressions, functions.
func (w *walker) node(v map[string]any, ctes []string) error {
	typ, _ := v["type"].(string)
	if forbiddenRefs[typ] {
		return cost.Errorf(cost.CodeForbidden, "Reading from %s is not allowed; query %s.", strings.ToLower(typ), relationList())
	}
	if typ == "BASE_TABLE" {
		return table(v, ctes)
	}
	if typ == "RECURSIVE_CTE_NODE" {
		return cost.Errorf(cost.CodeForbidden, "Recursive CTEs are not allowed.")
	}
	if class, ok := v["class"].(string); ok {
		if !expressionClasses[class] {
			return cost.Errorf(cost.CodeForbidden, "Expressions of kind %s are not allowed.", strings.ToLower(class))
		}
		if _, ok := v["function_name"]; ok {
			return function(v)
		}
	}
	return nil
}

func table(v map[string]any, ctes []string) error {
	name, _ := v["table_name"].(string)
	if s, _ := v["schema_name"].(string); s != "" {
		return cost.Errorf(cost.CodeForbidden, "Qualified names (%s.%s) are not allowed; query %s.", s, name, relationList())
	}
	if c, _ := v["catalog_name"].(string); c != "" {
		return cost.Errorf(cost.CodeForbidden, "Qualified names (%s.%s) are not allowed; query %s.", c, name, relationList())
	}
	if v["at_clause"] != nil {
		return cost.Errorf(cost.CodeForbidden, "AT clauses are not allowed.")
	}
	lower := strings.ToLower(name)
	if !isRelation(lower) && !slices.Contains(ctes, lower) {
		return cost.Errorf(cost.CodeForbidden, "Relation %q is not available here; query %s.", name, relationList())
	}
	return nil
}

func function(v map[string]any) error {
	name, _ := v["function_name"].(string)
	// The parser itself writes extract(...) as main.date_part.
	if s, _ := v["schema"].(string); s != "" && s != "main" {
		return cost.Errorf(cost.CodeForbidden, "Qualified function names (%s.%s) are not allowed.", s, name)
	}
	if c, _ := v["catalog"].(string); c != "" {
		return cost.Errorf(cost.CodeForbidden, "Qualified function names (%s.%s) are not allowed.", c, name)
	}
	lower := strings.ToLower(name)
	if !functions[lower] {
		return cost.Errorf(cost.CodeForbidden, "Function %s is not allowed.", name)
	}
	return sizeBound(lower, v)
}

// maxPad bounds lpad and rpad widths and format widths: functions whose output
// can be far larger than their input must say how large, in the query text.
const maxPad = 10000

var wideFormat = regexp.MustCompile(`[0-9]{5,}`)

// sizeBound refuses calls that could build one huge value from a small input:
// a width that is not a constant up to maxPad, or a format with a wide field.
func sizeBound(name string, v map[string]any) error {
	args, _ := v["children"].([]any)
	switch name {
	case "lpad", "rpad":
		if len(args) < 2 {
			return nil
		}
		if n, ok := constantNumber(args[1]); !ok || n < 0 || n > maxPad {
			return cost.Errorf(cost.CodeForbidden, "The width of %s must be a constant between 0 and %d.", name, maxPad)
		}
	case "format", "printf":
		if len(args) == 0 {
			return nil
		}
		f, ok := constantString(args[0])
		if !ok || wideFormat.MatchString(f) {
			return cost.Errorf(cost.CodeForbidden, "The format of %s must be a constant with fields narrower than %d.", name, maxPad)
		}
	}
	return nil
}

func constantValue(n any) (any, bool) {
	m, ok := n.(map[string]any)
	if !ok || m["class"] != "CONSTANT" {
		return nil, false
	}
	val, ok := m["value"].(map[string]any)
	if !ok || val["is_null"] == true {
		return nil, false
	}
	return val["value"], true
}

func constantNumber(n any) (float64, bool) {
	v, ok := constantValue(n)
	f, isNum := v.(float64)
	return f, ok && isNum
}

func constantString(n any) (string, bool) {
	v, ok := constantValue(n)
	s, isStr := v.(string)
	return s, ok && isStr
}

func relationList() string {
	return fmt.Sprintf("only %s", strings.Join(Relations, ", "))
}
