package clickhouse_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/llmcost/llmcost/internal/costtest"
)

// testCluster is the name of the two-shard cluster the tests start.
const testCluster = "llmcost_test"

// serverBinary finds clickhouse-server; without it the test is skipped, except
// under CI.
func serverBinary(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"clickhouse-server", "/usr/sbin/clickhouse-server", "/usr/bin/clickhouse-server"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("clickhouse-server is not installed; CI must run the cluster test")
	}
	t.Skip("clickhouse-server is not installed")
	return ""
}

// freePorts returns n distinct loopback TCP ports nobody listens on.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports
}

// nodeConfig is a clickhouse-server configuration for one node of the cluster.
const nodeConfig = `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>%[1]s/server.log</log><errorlog>%[1]s/error.log</errorlog></logger>
  <listen_host>127.0.0.1</listen_host>
  <tcp_port>%[2]d</tcp_port>
  <path>%[1]s/data/</path>
  <tmp_path>%[1]s/tmp/</tmp_path>
  <user_files_path>%[1]s/user_files/</user_files_path>
  <users_config>/etc/clickhouse-server/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>134217728</mark_cache_size>
  <timezone>UTC</timezone>
  <remote_servers>
    <%[3]s>
      <shard><replica><host>127.0.0.1</host><port>%[4]d</port></replica></shard>
      <shard><replica><host>127.0.0.1</host><port>%[5]d</port></replica></shard>
    </%[3]s>
  </remote_servers>
</yandex>
`

// startCluster starts two clickhouse-server processes on loopback, each shard of
// testCluster, and returns their addresses; they are stopped when the test ends.
func startCluster(t *testing.T) []string {
	t.Helper()
	bin := serverBinary(t)
	ports := freePorts(t, 2)
	var addrs []string
	for i, port := range ports {
		dir := filepath.Join(t.TempDir(), fmt.Sprintf("node%d", i))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		conf := filepath.Join(dir, "config.xml")
		body := fmt.Sprintf(nodeConfig, dir, port, testCluster, ports[0], ports[1])
		if err := os.WriteFile(conf, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "--config-file="+conf)
		cmd.Dir = dir
		if err := cmd.Start(); err != nil {
			t.Fatalf("start clickhouse-server: %v", err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		waitReady(t, addr, filepath.Join(dir, "error.log"))
		addrs = append(addrs, addr)
	}
	clusterHosts[testCluster] = addrs
	return addrs
}

// waitReady waits until the server at addr answers a query.
func waitReady(t *testing.T, addr, errorLog string) {
	t.Helper()
	var err error
	for range 120 {
		var conn ch.Conn
		conn, err = ch.Open(&ch.Options{Addr: []string{addr}, DialTimeout: time.Second})
		if err == nil {
			err = conn.Ping(context.Background())
			conn.Close()
			if err == nil {
				return
			}
		}
		time.Sleep(250 * time.Millisecond)
	}
	log, _ := os.ReadFile(errorLog)
	t.Fatalf("clickhouse-server at %s did not start: %v\n%s", addr, err, log)
}

func TestCluster(t *testing.T) {
	single := serverAddr(t)
	hosts := startCluster(t)
	entry := "tcp://" + hosts[0]

	t.Run("StoreSuite", func(t *testing.T) { costtest.StoreSuite(t, opener(entry, testCluster)) })

	t.Run("MatchesSingleNode", func(t *testing.T) {
		d := demoData()
		cs := openStore(t, entry, testCluster)
		t.Cleanup(func() { cs.Close() })
		ss := openStore(t, single, "")
		t.Cleanup(func() { ss.Close() })
		comparePanels(t, loaded(t, cs, d), loaded(t, ss, d), d)

		// Both shards hold lines, and together exactly the distributed table's.
		var total uint64
		if err := cs.Conn().QueryRow(context.Background(), "SELECT count() FROM cost_lines").Scan(&total); err != nil {
			t.Fatal(err)
		}
		var sum uint64
		for _, h := range hosts {
			opts, _ := ch.ParseDSN("clickhouse://" + h + "/" + cs.Database())
			conn, err := ch.Open(opts)
			if err != nil {
				t.Fatal(err)
			}
			var n uint64
			err = conn.QueryRow(context.Background(), "SELECT count() FROM cost_lines_local").Scan(&n)
			conn.Close()
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				t.Errorf("shard %s holds no lines", h)
			}
			sum += n
		}
		if sum != total || total == 0 {
			t.Errorf("shards hold %d lines, distributed table %d", sum, total)
		}
	})
}
