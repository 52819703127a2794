// Package sqlbuild compiles a resolved cost.AggregateQuery into parameterised SQL
// for one SQL engine. Dimension and metric names map to SQL only through fixed
// tables; every value from the query is a bound parameter.
package sqlbuild

import (
	"fmt"
	"strings"
)

// Dialect is one engine's spelling of the few expressions a cost query needs.
type Dialect struct {
	// Name identifies the engine ("duckdb", "clickhouse").
	Name string
	// Table is the cost line table queries read.
	Table string
	// Where, when set, is a condition every statement adds before the query's own
	// (the ClickHouse store's row visibility). It is fixed SQL, never input.
	Where string

	sum       string // The SUM aggregate's spelling.
	quote     func(ident string) string
	date      func(param string) string // A bound YYYY-MM-DD string as a date.
	week      string                    // Monday of the row's week, as a date.
	month     string                    // First day of the row's month, as a date.
	sumIf     func(expr, cond string) string
	distinct  func(expr string) string       // COUNT(DISTINCT expr).
	distinctI func(expr, cond string) string // COUNT(DISTINCT expr) over rows matching cond.
	toNumber  func(expr string) string       // Cast an aggregate to a double.
	nullIf    string                         // NULLIF function name.
	coalesce  string                         // COALESCE function name.
	isTrue    func(col string) string
	// dailyStdDev is the sample standard deviation of a column, NULL under two rows.
	dailyStdDev func(col string) string
	// custSet is the aggregate collecting a group's distinct attributed customers as
	// an array; custCount counts the distinct members of a column of such arrays.
	custSet   string
	custCount func(col string) string
	// countPerCustomer: count active customers with the two-level form over
	// customers rather than a distinct aggregate per group (see countsCustomers).
	countPerCustomer bool
	// prefix returns a condition "col starts with the bound value" and the value to bind.
	prefix func(col, value string) (cond string, arg any)
	// toText casts a column to the engine's string type; toInt an integer
	// literal to a 64-bit integer.
	toText, toInt func(expr string) string
	// groupingSets: the engine groups one scan by several grouping sets
	// (GROUP BY GROUPING SETS, GROUPING_ID) and materialises a CTE.
	groupingSets bool
	// splitIn: read an IN filter of a few values as one scan per value (see
	// builder.from).
	splitIn bool
}

// DuckDB is the dialect of the embedded DuckDB store.
var DuckDB = Dialect{
	Name:  "duckdb",
	Table: "cost_lines",
	sum:   "SUM",
	quote: func(s string) string { return `"` + s + `"` },
	date:  func(p string) string { return "CAST(" + p + " AS DATE)" },
	week:  "CAST(date_trunc('week', date) AS DATE)",
	month: "CAST(date_trunc('month', date) AS DATE)",
	sumIf: func(e, c string) string { return fmt.Sprintf("SUM(CASE WHEN %s THEN %s ELSE 0 END)", c, e) },
	distinct: func(e string) string {
		return "COUNT(DISTINCT " + e + ")"
	},
	distinctI: func(e, c string) string {
		return fmt.Sprintf("COUNT(DISTINCT CASE WHEN %s THEN %s END)", c, e)
	},
	toNumber:    func(e string) string { return "CAST(" + e + " AS DOUBLE)" },
	nullIf:      "NULLIF",
	coalesce:    "COALESCE",
	isTrue:      func(c string) string { return c },
	dailyStdDev: func(c string) string { return "STDDEV_SAMP(" + c + ")" },
	custSet:     "list(DISTINCT customer_id) FILTER (WHERE customer_id <> '')",
	custCount:   func(c string) string { return "COALESCE(list_unique(flatten(list(" + c + "))), 0)" },
	// DuckDB's COUNT(DISTINCT) per group is several times slower than grouping
	// by the customer first; ClickHouse's uniqExact is not.
	countPerCustomer: true,
	prefix: func(col, v string) (string, any) {
		return "starts_with(" + col + ", ?)", v
	},
	toText:       func(e string) string { return "CAST(" + e + " AS VARCHAR)" },
	toInt:        func(e string) string { return "CAST(" + e + " AS BIGINT)" },
	groupingSets: true,
	splitIn:      true,
}

// ClickHouse is the dialect of the ClickHouse store. It sticks to functions that
// ClickHouse 18.16 already had.
var ClickHouse = Dialect{
	Name:  "clickhouse",
	Table: "cost_lines",
	sum:   "sum",
	quote: func(s string) string { return "`" + s + "`" },
	date:  func(p string) string { return "toDate(" + p + ")" },
	week:  "toMonday(date)",
	month: "toStartOfMonth(date)",
	sumIf: func(e, c string) string { return fmt.Sprintf("sumIf(%s, %s)", e, c) },
	distinct: func(e string) string {
		return "uniqExact(" + e + ")"
	},
	distinctI: func(e, c string) string {
		return fmt.Sprintf("uniqExactIf(%s, %s)", e, c)
	},
	toNumber: func(e string) string { return "toFloat64(" + e + ")" },
	nullIf:   "nullIf",
	coalesce: "coalesce",
	isTrue:   func(c string) string { return c + " = 1" },
	dailyStdDev: func(c string) string {
		return "if(count() > 1, stddevSamp(" + c + "), NULL)"
	},
	custSet:   "groupUniqArrayIf(customer_id, customer_id <> '')",
	custCount: func(c string) string { return "length(groupUniqArrayArray(" + c + "))" },
	prefix: func(col, v string) (string, any) {
		return col + " LIKE ?", likeEscape(v) + "%"
	},
	toText: func(e string) string { return "CAST(" + e + " AS String)" },
	toInt:  func(e string) string { return "toInt64(" + e + ")" },
}

// likeEscape escapes LIKE metacharacters with backslashes.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
