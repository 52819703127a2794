package duckdb

// Lines are stored in the table cost_rows and read through the view
// cost_lines (migration 0004): the view shows "" for the text columns stored
// as NULL, and the partition key of a line stored without one.

// partitionKey returns the SQL expression of the partition key of the
// cost_rows row named alias: its source_partition, or for a line of a
// unified file, stored without one, its provider and month
// (billing.UnifiedPartition). The view cost_lines computes it the same way.
func partitionKey(alias string) string {
	return "coalesce(" + alias + ".source_partition, " + alias + ".cloud_provider || '/' || strftime(" +
		alias + ".date, '%Y-%m'))"
}
