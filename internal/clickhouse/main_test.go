package clickhouse_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/llmcost/llmcost/internal/clickhouse"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
)

// serverAddr returns the test server's address from LLMCOST_TEST_CLICKHOUSE. Without
// it the test is skipped, except under CI, where the suite must not skip.
func serverAddr(t testing.TB) string {
	t.Helper()
	addr := os.Getenv("LLMCOST_TEST_CLICKHOUSE")
	if addr == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("LLMCOST_TEST_CLICKHOUSE is not set; CI must run the ClickHouse suite")
		}
		t.Skip("LLMCOST_TEST_CLICKHOUSE is not set")
	}
	return addr
}

// openStore opens a store in a new database test_<random> on the server at addr
// (on every host, with cluster), dropped when the test ends.
func openStore(t testing.TB, addr, cluster string) *clickhouse.Store {
	t.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	db := "test_" + hex.EncodeToString(b[:])
	meta, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	s, err := clickhouse.Open(context.Background(), clickhouse.Config{
		DSN: addr + "/" + db, Cluster: cluster, Meta: meta})
	if err != nil {
		meta.Close()
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { dropDatabase(t, addr, cluster, db) })
	return s
}

// dropDatabase drops db on the server, or on every host of the cluster.
func dropDatabase(t testing.TB, addr, cluster, db string) {
	t.Helper()
	hosts := []string{addr}
	if cluster != "" {
		hosts = clusterHosts[cluster]
	}
	for _, h := range hosts {
		opts, err := ch.ParseDSN("clickhouse://" + trimScheme(h))
		if err != nil {
			t.Error(err)
			continue
		}
		conn, err := ch.Open(opts)
		if err != nil {
			t.Error(err)
			continue
		}
		if err := conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+db); err != nil {
			t.Errorf("drop %s on %s: %v", db, h, err)
		}
		conn.Close()
	}
}

// clusterHosts lists the hosts of the clusters tests start.
var clusterHosts = map[string][]string{}

// trimScheme drops a leading scheme:// from an address.
func trimScheme(addr string) string {
	for i := 0; i+2 < len(addr); i++ {
		if addr[i:i+3] == "://" {
			return addr[i+3:]
		}
	}
	return addr
}

// opener returns a costtest.StoreSuite opener over the server at addr.
func opener(addr, cluster string) func(t *testing.T) cost.Store {
	return func(t *testing.T) cost.Store { return openStore(t, addr, cluster) }
}
