package duckdb

// Lines are stored in two tables and read through the view cost_lines
// (migration 0004): cost_rows_basic holds the lines of unified files with
// only the seed's columns, storing none of the columns those leave at their
// defaults, and cost_rows holds every other line, with the text columns most
// files leave empty stored as NULL. The view shows both as one table.

// Tables lines are stored in.
const (
	rowsTable  = "cost_rows"
	basicTable = "cost_rows_basic"
)

// lineTables are the tables lines are stored in: a partition's lines are
// deleted from both.
var lineTables = []string{rowsTable, basicTable}

// sourceOf returns the SQL expression of the source of a row of table.
func sourceOf(table string) string {
	if table == basicTable {
		return "'unified'"
	}
	return table + ".source"
}

// partitionKey returns the SQL expression of the partition key of a row of
// table: its source_partition, or for a line of a unified file, stored
// without one, its provider and month (billing.UnifiedPartition). The view
// cost_lines computes it the same way.
func partitionKey(table string) string {
	if table == basicTable {
		return unifiedKey(table)
	}
	return "coalesce(" + table + ".source_partition, " + unifiedKey(table) + ")"
}

// unifiedKey returns the SQL expression of the partition key of a unified
// line of the row (or group) alias: its provider and month.
func unifiedKey(alias string) string {
	return alias + ".cloud_provider || '/' || strftime(" + alias + ".date, '%Y-%m')"
}
