package pgwire_test

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/lib/pq"

	"github.com/llmcost/llmcost/internal/auth"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/demo"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/pgwire"
)

// fixture is a served demo dataset with an admin and two customer logins, on a
// store opened as the server opens it (files only in <data>/tmp). A secret file
// lies in the data directory and in its spool directory, and the peer customer
// has marker lines no other login may ever see.
type fixture struct {
	addr      string
	data      *demo.Dataset
	db        *duckdb.DB
	keys      *auth.Keyring
	own, peer string // Two customers.
	ownToken  string
	dataDir   string
	secrets   []string // Paths of planted secret files.
}

var now = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// Planted content: neither may ever appear in a customer's answer.
const (
	secretText = "SECRET-4b1d-file-content"
	peerMarker = "PEER-MARKER-77e1"
	peerCost   = 12345.678
)

func serve(t *testing.T) *fixture { return serveWith(t, func(*pgwire.Config) {}) }

func serveWith(t *testing.T, configure func(*pgwire.Config)) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	spool := filepath.Join(dir, "tmp")
	if err := os.Mkdir(spool, 0o700); err != nil {
		t.Fatal(err)
	}
	db, err := duckdb.OpenWith(filepath.Join(dir, "llmcost.duckdb"),
		duckdb.Options{TempDirectory: spool, AllowedDirectories: []string{spool + "/"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	d := demo.Generate(demo.Options{Seed: 7, End: now, Days: demo.MinDays, Customers: demo.MinCustomers})
	if err := demo.Load(ctx, db, d); err != nil {
		t.Fatal(err)
	}
	f := &fixture{data: d, db: db, own: d.Customers[0].ID, peer: d.Customers[1].ID, dataDir: dir}
	if _, err := db.SQL().Exec(`INSERT INTO cost_rows (date, customer_id, project, tags, cost_usd, ingested_at)
		VALUES (?, ?, ?, ?, ?, ?)`, now.AddDate(0, 0, -2), f.peer, peerMarker, peerMarker, peerCost, now); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(dir, "secret.csv"), filepath.Join(spool, "secret.csv")} {
		if err := os.WriteFile(p, []byte("secret\n"+secretText+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		f.secrets = append(f.secrets, p)
	}
	if f.keys, err = auth.NewKeyring(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	if f.ownToken, _, err = f.keys.Mint(f.own, time.Hour, now); err != nil {
		t.Fatal(err)
	}
	c := pgwire.Config{DB: db.SQL(), Auth: f.keys, Now: func() time.Time { return now }, FailureDelay: -1}
	configure(&c)
	srv, err := pgwire.New(c)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	f.addr = l.Addr().String()
	return f
}

func (f *fixture) url(user, password string) string {
	host, port, _ := net.SplitHostPort(f.addr)
	return fmt.Sprintf("postgres://%s:%s@%s:%s/llmcost?sslmode=disable", user, password, host, port)
}

func (f *fixture) pgx(t *testing.T, user, password string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(context.Background(), f.url(user, password))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// spend sums the dataset's lines of a customer ("" = all lines).
func (f *fixture) spend(customer string) float64 {
	var s float64
	for _, l := range f.data.Lines {
		if customer == "" || l.CustomerID == customer {
			s += l.CostUSD
		}
	}
	if customer == "" || customer == f.peer {
		s += peerCost
	}
	return s
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }

func TestLogin(t *testing.T) {
	f := serve(t)
	ctx := context.Background()
	tests := []struct {
		name, user, password string
		ok                   bool
	}{
		{"admin", pgwire.AdminUser, f.keys.AdminToken(), true},
		{"customer", f.own, f.ownToken, true},
		{"customer token as another customer", f.peer, f.ownToken, false},
		{"customer token as admin", pgwire.AdminUser, f.ownToken, false},
		{"admin token as a customer", f.own, f.keys.AdminToken(), false},
		{"bad password", pgwire.AdminUser, "nope", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := pgx.Connect(ctx, f.url(tt.user, tt.password))
			if got := err == nil; got != tt.ok {
				t.Fatalf("connect ok = %v, want %v (%v)", got, tt.ok, err)
			}
			if c != nil {
				c.Close(ctx)
			}
		})
	}
}

func TestAdminReadsEverything(t *testing.T) {
	f := serve(t)
	c := f.pgx(t, pgwire.AdminUser, f.keys.AdminToken())
	var got float64
	if err := c.QueryRow(context.Background(), "SELECT sum(cost_usd) FROM unified_costs").Scan(&got); err != nil {
		t.Fatal(err)
	}
	if want := f.spend(""); !near(got, want) {
		t.Errorf("total = %v, want %v", got, want)
	}
}

// TestCustomerScope runs escape attempts as a customer login: each must return
// only the customer's own spend or fail.
func TestCustomerScope(t *testing.T) {
	f := serve(t)
	c := f.pgx(t, f.own, f.ownToken)
	own := f.spend(f.own)
	peer := quote(f.peer)
	queries := []string{
		"SELECT sum(cost_usd) FROM unified_costs",
		"SELECT sum(cost_usd) FROM unified_costs WHERE customer_id = " + peer + " OR true",
		"SELECT coalesce(sum(cost_usd), 0) + " + fmt.Sprint(own) + " FROM unified_costs WHERE customer_id = " + peer,
		"SELECT sum(cost_usd) FROM cost_lines",
		"SELECT sum(c) FROM (SELECT cost_usd AS c FROM unified_costs UNION ALL SELECT cost_usd FROM main.unified_costs)",
		"SELECT sum(cost_usd) FROM main.cost_lines",
		"SELECT sum(cost_usd) FROM memory.main.cost_lines",
		"SELECT sum(cost_usd) FROM temp.main.unified_costs",
		"SELECT sum(cost_usd) FROM system.main.cost_lines",
		"WITH x AS (SELECT * FROM main.unified_costs) SELECT sum(cost_usd) FROM x",
		"WITH settings AS (SELECT 1) SELECT sum(cost_usd) FROM unified_costs",
		"WITH x AS (SELECT * FROM unified_costs) SELECT sum(cost_usd) FROM (SELECT * FROM x) y",
		"SELECT sum(cost_usd) FROM unified_costs WHERE customer_id IN (SELECT customer_id FROM main.cost_lines)",
		"SELECT (SELECT sum(cost_usd) FROM unified_costs)",
		"SELECT sum(cost_usd) FROM read_csv('/etc/passwd')",
		"SELECT sum(cost_usd) FROM '/etc/passwd'",
		"SELECT sum(cost_usd) FROM query('SELECT * FROM main.cost_lines')",
		"SELECT sum(cost_usd) FROM events",
		"SELECT * FROM settings",
		"SELECT * FROM duckdb_tables()",
		"SELECT * FROM information_schema.tables",
		"SELECT current_setting('threads')",
		"SELECT getenv('HOME')",
		"COPY cost_lines TO '/tmp/x.csv'",
		"ATTACH '/tmp/x.db' AS x",
		"SET threads = 1",
		"PRAGMA database_list",
		"DROP VIEW unified_costs",
		"CREATE TEMP VIEW unified_costs AS SELECT * FROM main.unified_costs",
		"INSERT INTO budgets VALUES ('x', 1)",
		"SELECT sum(cost_usd) FROM unified_costs; SELECT sum(cost_usd) FROM main.unified_costs",
		"SELECT sum(cost_usd) FROM unified_costs -- ; SELECT 1 FROM main.cost_lines",
		"SELECT sum(cost_usd) FROM /* main. */ unified_costs",
		"SELECT sum(cost_usd) FROM \"main\".\"unified_costs\"",
		"SELECT sum(cost_usd) FROM unified_costs AT (VERSION => 1)",
		"PIVOT unified_costs ON customer_id USING sum(cost_usd)",
		"SELECT sum(cost_usd) FROM unified_costs -- \x00\n; SELECT 1 FROM main.cost_lines",
		"SUMMARIZE cost_lines",
		"DESCRIBE main.cost_lines",
		"EXPLAIN SELECT * FROM main.cost_lines",
		"FROM main.cost_lines SELECT sum(cost_usd)",
		"SELECT sum(cost_usd) FROM MAIN.Unified_Costs",
		"SELECT sum(cost_usd) FROM unified_costs WHERE customer_id = " + peer + " UNION ALL SELECT sum(cost_usd) FROM unified_costs WHERE false",
		"SELECT sum(cost_usd) FROM unified_costs, LATERAL (SELECT * FROM main.cost_lines) x",
	}
	mustRun := map[string]bool{queries[0]: true, queries[1]: true, queries[2]: true, queries[3]: true,
		queries[11]: true, queries[13]: true, queries[31]: true, queries[32]: true}
	for _, q := range queries {
		t.Run(q, func(t *testing.T) {
			var got float64
			err := c.QueryRow(context.Background(), q).Scan(&got)
			if err != nil {
				if mustRun[q] {
					t.Fatalf("refused: %v", err)
				}
				return // Refused.
			}
			if !near(got, own) {
				t.Errorf("got %v, want own spend %v or an error", got, own)
			}
		})
	}
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// TestCustomerTables checks every relation a customer reads holds only its rows.
func TestCustomerTables(t *testing.T) {
	f := serve(t)
	c := f.pgx(t, f.own, f.ownToken)
	for _, q := range []string{
		"SELECT DISTINCT customer_id FROM unified_costs",
		"SELECT DISTINCT customer_id FROM cost_lines",
		"SELECT DISTINCT customer_id FROM budgets",
		"SELECT DISTINCT id FROM customers",
	} {
		rows, err := c.Query(context.Background(), q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		for _, id := range ids {
			if id != f.own {
				t.Errorf("%s: got customer %q, want only %q", q, id, f.own)
			}
		}
	}
}

// TestTypes checks the PostgreSQL types of answers and a bound parameter, over
// the extended protocol (pgx) and lib/pq.
func TestTypes(t *testing.T) {
	f := serve(t)
	c := f.pgx(t, pgwire.AdminUser, f.keys.AdminToken())
	var (
		day   time.Time
		n     int64
		total float64
		name  string
		paid  bool
	)
	q := `SELECT max(date), count(*), sum(cost_usd), min(cloud_provider), bool_or(cost_usd > $1)
		FROM unified_costs WHERE customer_id = $2`
	if err := c.QueryRow(context.Background(), q, 0.0, f.own).Scan(&day, &n, &total, &name, &paid); err != nil {
		t.Fatal(err)
	}
	wantDay := cost.Day(now).AddDate(0, 0, -1)
	var wantN int
	var wantPositive float64 // The lines costing 0 or more: the gateway's superseding lines are negative.
	for _, l := range slices.Concat(f.data.Lines, f.data.Gateway) {
		if l.CustomerID == f.own {
			wantN++
			if l.CostUSD >= 0 {
				wantPositive += l.CostUSD
			}
		}
	}
	if !day.Equal(wantDay) || n != int64(wantN) || !near(total, f.spend(f.own)) || name == "" || !paid {
		t.Errorf("got %v %d %v %q %v, want %v %d %v", day, n, total, name, paid, wantDay, wantN, f.spend(f.own))
	}

	db, err := sql.Open("postgres", f.url(f.own, f.ownToken))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var got float64
	if err := db.QueryRow("SELECT sum(cost_usd) FROM unified_costs WHERE cost_usd >= $1", 0).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if !near(got, wantPositive) {
		t.Errorf("lib/pq: got %v, want %v", got, wantPositive)
	}
}

// TestPsql runs a query through Debian's psql client.
func TestPsql(t *testing.T) {
	psql, err := exec.LookPath("psql")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("psql is not installed")
		}
		t.Skip("psql is not installed")
	}
	f := serve(t)
	cmd := exec.Command(psql, "-X", "-A", "-t", "-c", "SELECT round(sum(cost_usd), 6) FROM unified_costs", f.url(f.own, f.ownToken))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("psql: %v\n%s", err, out)
	}
	var got float64
	if _, err := fmt.Sscan(strings.TrimSpace(string(out)), &got); err != nil {
		t.Fatalf("psql output %q: %v", out, err)
	}
	if want := f.spend(f.own); math.Abs(got-want) > 1e-5 {
		t.Errorf("psql: got %v, want %v", got, want)
	}
}

// TestHealthCheck runs the query Grafana's data source checks a connection with.
func TestHealthCheck(t *testing.T) {
	f := serve(t)
	c := f.pgx(t, f.own, f.ownToken)
	var one int32
	if err := c.QueryRow(context.Background(), "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("SELECT 1 = %d, %v", one, err)
	}
}

// TestMaxSessions refuses a login beyond the cap and accepts one once a session
// closes.
func TestMaxSessions(t *testing.T) {
	f := serveWith(t, func(c *pgwire.Config) { c.MaxSessions = 1 })
	ctx := context.Background()
	first, err := pgx.Connect(ctx, f.url(f.own, f.ownToken))
	if err != nil {
		t.Fatal(err)
	}
	if c, err := pgx.Connect(ctx, f.url(f.own, f.ownToken)); err == nil {
		c.Close(ctx)
		t.Fatal("a second session was accepted")
	}
	first.Close(ctx)
	for i := 0; ; i++ { // The server frees the slot once it sees the close.
		c, err := pgx.Connect(ctx, f.url(f.own, f.ownToken))
		if err == nil {
			c.Close(ctx)
			break
		}
		if i == 1500 {
			t.Fatalf("no session after the first closed: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestOrderKept checks a query's ORDER BY survives the bounds the server wraps
// around it.
func TestOrderKept(t *testing.T) {
	f := serve(t)
	c := f.pgx(t, f.own, f.ownToken)
	rows, err := c.Query(context.Background(), "SELECT date, sum(cost_usd) FROM unified_costs GROUP BY 1 ORDER BY 1 DESC")
	if err != nil {
		t.Fatal(err)
	}
	var days []time.Time
	for rows.Next() {
		var d time.Time
		var s float64
		if err := rows.Scan(&d, &s); err != nil {
			t.Fatal(err)
		}
		days = append(days, d)
	}
	if len(days) < 20 {
		t.Fatalf("%d days, want a month", len(days))
	}
	for i := 1; i < len(days); i++ {
		if !days[i].Before(days[i-1]) {
			t.Fatalf("day %d (%v) after day %d (%v): order lost", i, days[i], i-1, days[i-1])
		}
	}
}
