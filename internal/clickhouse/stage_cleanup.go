package clickhouse

import (
	"context"
	"fmt"
	"regexp"
	"time"
)

// staleStaging is how old an event staging table must be before Open drops it:
// far longer than any apply, so a table still in use by another process is
// never touched.
var staleStaging = 24 * time.Hour

// stagingName matches the names newEventStage gives.
var stagingName = regexp.MustCompile(`^stage_(usage|fresh)_[0-9]+$`)

// dropStaleStaging drops the event staging tables an apply left behind on the
// connected server when its process died before it could drop them. Failure is
// returned but harmless: the tables only take disk space.
func (s *Store) dropStaleStaging(ctx context.Context) error {
	rows, err := s.conn.Query(ctx, `SELECT name FROM system.tables
		WHERE database = currentDatabase() AND (name LIKE 'stage\_usage\_%' OR name LIKE 'stage\_fresh\_%')
			AND metadata_modification_time < now() - ?`, int64(staleStaging/time.Second))
	if err != nil {
		return fmt.Errorf("list staging tables: %w", err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return fmt.Errorf("list staging tables: %w", err)
		}
		if stagingName.MatchString(n) { // Names are identifiers in DROP: only ours.
			names = append(names, n)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list staging tables: %w", err)
	}
	for _, n := range names {
		if err := s.conn.Exec(ctx, "DROP TABLE IF EXISTS "+n); err != nil {
			return fmt.Errorf("drop staging table %s: %w", n, err)
		}
	}
	return nil
}
