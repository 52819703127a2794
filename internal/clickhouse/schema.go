package clickhouse

import (
	"context"
	"fmt"
	"strings"

	ch "github.com/ClickHouse/clickhouse-go/v2"
)

// visible is the condition selecting, for each partition, the lines of its newest
// published version. GLOBAL IN runs the subquery once, on the node that received
// the query, which also makes it valid over Distributed tables.
// Partitions are matched by part, a hash of (source, source_partition) that
// ClickHouse compares far faster than the two strings.
const visible = `(part, version) GLOBAL IN
	(SELECT cityHash64(source, key), max(version) FROM part_versions GROUP BY source, key)`

// table is one sharded table: in cluster mode it is created as name_local on every
// host, plus a Distributed table called name sharded by shard.
type table struct {
	name, columns, engine, shard string
}

// lineTable holds cost lines: every cost.LineItem field, plus the version that
// published it, when it was ingested and its partition's hash. Ordered for dashboard queries: every
// one ranges over dates, and a customer principal's also names its customer.
var lineTable = table{
	name: "cost_lines",
	columns: `date Date,
	charge_period_start Nullable(DateTime('UTC')),
	charge_period_end Nullable(DateTime('UTC')),
	cloud_provider String, service String, model String, model_family String,
	token_type String, pricing_tier String,
	usage_amount Float64, usage_unit String, cost_usd Float64, cost Float64, currency String,
	list_cost_usd Nullable(Float64),
	customer_id String, account_id String, project String, region String, tags String,
	source String, source_partition String, cost_source String, data_status String,
	charge_category String, requests Int64, unpriced UInt8,
	version UInt64, ingested_at DateTime('UTC'),
	part UInt64 DEFAULT cityHash64(source, source_partition)`,
	engine: "MergeTree PARTITION BY toYYYYMM(date) ORDER BY (date, customer_id, cloud_provider, model, token_type)",
	shard:  "cityHash64(customer_id)",
}

// versionTable records each published version of each partition, with what it
// holds. All rows of one Apply go to one shard in one block, so they appear at once.
var versionTable = table{
	name: "part_versions",
	columns: `source String, key String, version UInt64,
	line_count Int64, cost_usd Float64, ingested_at DateTime('UTC')`,
	engine: "MergeTree ORDER BY (source, key, version)",
	shard:  "toUInt64(0)",
}

// eventTable records event ids, each under the version of the event batch that
// rolled it up; an id counts as seen only once that version is published.
var eventTable = table{
	name: "events",
	columns: `event_id String, event_batch String, version UInt64,
	event_time DateTime('UTC'), ingested_at DateTime('UTC')`,
	engine: "MergeTree ORDER BY (event_id)",
	shard:  "cityHash64(event_id)",
}

// unifiedView is the seed's view: exactly its columns, "none" shown as NULL.
const unifiedView = `CREATE VIEW IF NOT EXISTS unified_costs AS SELECT date,
	nullIf(cloud_provider, '') AS cloud_provider, nullIf(service, '') AS service,
	nullIf(model, '') AS model, nullIf(token_type, '') AS token_type,
	cost_usd, usage_amount, nullIf(customer_id, '') AS customer_id
	FROM cost_lines WHERE ` + visible

// migration is one schema version; its statements must be safe to re-run.
type migration struct {
	version int
	name    string
	stmts   func(db, cluster string) []string
}

var migrations = []migration{
	{1, "init", func(db, cluster string) []string {
		var out []string
		for _, t := range []table{lineTable, versionTable, eventTable} {
			out = append(out, t.create(db, cluster)...)
		}
		return append(out, unifiedView)
	}},
}

// create returns the statements creating t: one MergeTree table on a single
// server; a local table and a Distributed table over it on a cluster.
func (t table) create(db, cluster string) []string {
	if cluster == "" {
		return []string{fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s (%s) ENGINE = %s", t.name, t.columns, t.engine)}
	}
	return []string{
		fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s_local (%s) ENGINE = %s", t.name, t.columns, t.engine),
		fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s AS %s_local ENGINE = Distributed(%s, %s, %s_local, %s)",
			t.name, t.name, cluster, db, t.name, t.shard),
	}
}

// migrate applies each migration not yet recorded in schema_migrations.
func (s *Store) migrate(ctx context.Context) error {
	if err := s.conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations
		(version UInt32, name String, applied_at DateTime('UTC')) ENGINE = MergeTree ORDER BY version`); err != nil {
		return fmt.Errorf("clickhouse: migrate: %w", err)
	}
	for _, m := range migrations {
		var n uint64
		if err := s.conn.QueryRow(ctx, `SELECT count() FROM schema_migrations WHERE version = ?`,
			uint32(m.version)).Scan(&n); err != nil {
			return fmt.Errorf("clickhouse: migrate: %w", err)
		}
		if n > 0 {
			continue
		}
		if err := s.ddl(ctx, m.stmts(s.db, s.cluster)); err != nil {
			return fmt.Errorf("clickhouse: migration %d %s: %w", m.version, m.name, err)
		}
		if err := s.record(ctx, m); err != nil {
			return fmt.Errorf("clickhouse: migrate: %w", err)
		}
	}
	return nil
}

// record notes in schema_migrations that m has been applied.
func (s *Store) record(ctx context.Context, m migration) error {
	b, err := s.conn.PrepareBatch(ctx, "INSERT INTO schema_migrations (version, name, applied_at)")
	if err != nil {
		return err
	}
	defer b.Abort()
	if err := b.Append(uint32(m.version), m.name, s.now()); err != nil {
		return err
	}
	return b.Send()
}

// ddl runs schema statements: on the connected server, or, in cluster mode, on
// every host of the cluster as listed in system.clusters. (That is what ON CLUSTER
// does, without requiring the ZooKeeper-backed distributed DDL queue.)
func (s *Store) ddl(ctx context.Context, stmts []string) error {
	if s.cluster == "" {
		return execAll(ctx, s.conn, stmts)
	}
	return s.onHosts(ctx, func(c execer) error { return execAll(ctx, c, stmts) })
}

// execer runs a statement.
type execer interface {
	Exec(ctx context.Context, query string, args ...any) error
}

// onHosts calls fn with a connection to each host of the cluster in turn, after
// making sure the store's database exists there; it stops at the first error.
func (s *Store) onHosts(ctx context.Context, fn func(execer) error) error {
	hosts, err := s.clusterHosts(ctx)
	if err != nil {
		return err
	}
	for _, h := range hosts {
		opts := *s.opts
		opts.Addr = []string{h}
		if err := createDatabase(ctx, opts, s.db); err != nil {
			return fmt.Errorf("host %s: %w", h, err)
		}
		conn, err := ch.Open(&opts)
		if err != nil {
			return fmt.Errorf("host %s: %w", h, err)
		}
		err = fn(conn)
		conn.Close()
		if err != nil {
			return fmt.Errorf("host %s: %w", h, err)
		}
	}
	return nil
}

// clusterHosts lists the native addresses of the cluster's hosts.
func (s *Store) clusterHosts(ctx context.Context) ([]string, error) {
	rows, err := s.conn.Query(ctx, `SELECT host_address, toUInt32(port) FROM system.clusters
		WHERE cluster = ? ORDER BY shard_num, replica_num`, s.cluster)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var hosts []string
	for rows.Next() {
		var host string
		var port uint32
		if err := rows.Scan(&host, &port); err != nil {
			return nil, err
		}
		if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
		hosts = append(hosts, fmt.Sprintf("%s:%d", host, port))
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(hosts) == 0 {
		return nil, fmt.Errorf("cluster %q is not in the server's remote_servers", s.cluster)
	}
	return hosts, nil
}

// execAll runs stmts in order, stopping at the first error.
func execAll(ctx context.Context, conn execer, stmts []string) error {
	for _, q := range stmts {
		if err := conn.Exec(ctx, q); err != nil {
			return err
		}
	}
	return nil
}
