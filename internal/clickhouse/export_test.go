package clickhouse

import "time"

// SetStaleStaging sets the age past which Open drops event staging tables, for
// a test; it returns the function restoring the previous age.
func SetStaleStaging(d time.Duration) (restore func()) {
	prev := staleStaging
	staleStaging = d
	return func() { staleStaging = prev }
}
