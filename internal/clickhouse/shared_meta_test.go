package clickhouse_test

import (
	"context"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/llmcost/llmcost/internal/clickhouse"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/costtest"
	"github.com/llmcost/llmcost/internal/postgres"
)

// TestStoreSuite_PostgresMeta runs the store suite over ClickHouse with its
// metadata, and its data version, in PostgreSQL, as replicas run.
func TestStoreSuite_PostgresMeta(t *testing.T) {
	addr := serverAddr(t)
	dsn := os.Getenv("LLMCOST_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("LLMCOST_TEST_POSTGRES is not set; CI must run the PostgreSQL suite")
		}
		t.Skip("LLMCOST_TEST_POSTGRES is not set")
	}
	costtest.StoreSuite(t, func(t *testing.T) cost.Store {
		ch := openStore(t, addr, "")
		ch.Close()
		schema := ch.Database() // Fresh and random: the schema takes its name.
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		t.Cleanup(func() {
			if conn, err := pgx.Connect(context.Background(), dsn); err == nil {
				conn.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
				conn.Close(context.Background())
			}
		})
		meta, err := postgres.Open(context.Background(), u.String())
		if err != nil {
			t.Fatal(err)
		}
		s, err := clickhouse.Open(context.Background(), clickhouse.Config{DSN: addr + "/" + schema, Meta: meta, MetaVersion: true})
		if err != nil {
			meta.Close()
			t.Fatal(err)
		}
		return s
	})
}
