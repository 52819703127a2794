package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/llmcost/llmcost/internal/cost"
)

// pgServer is a demo server with the PostgreSQL endpoint, an admin token and a
// customer token.
type pgServer struct {
	base, pgAddr    string
	customer, token string // A customer and its token.
}

func startPGDemo(t *testing.T, env map[string]string) *pgServer {
	t.Helper()
	full := map[string]string{"LLMCOST_ADMIN_TOKEN": testAdminToken, "LLMCOST_NOW": "2026-11-20"}
	for k, v := range env {
		full[k] = v
	}
	m := mustRun(t, full, "demo", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--pg-addr", "127.0.0.1:0")
	match := pgLine.FindStringSubmatch(m.Stdout.(interface{ String() string }).String())
	if match == nil {
		t.Fatalf("no endpoint address in %q", m.Stdout)
	}
	s := &pgServer{base: m.Server.URL(), pgAddr: match[1], customer: "cust_acme"}
	var tok struct{ Token string }
	client{t, s.base, testAdminToken}.must(201, "POST", "/api/v1/tokens",
		`{"customer_id":"cust_acme","ttl_seconds":86400}`, &tok)
	s.token = tok.Token
	return s
}

func (s *pgServer) pgURL(user, password string) string {
	return "postgres://" + user + ":" + password + "@" + s.pgAddr + "/llmcost?sslmode=disable"
}

func (s *pgServer) connect(t *testing.T, user, password string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(context.Background(), s.pgURL(user, password))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// httpRoutes are every read route of the API, with the chat and a query.
func httpRoutes() [][3]string {
	r := [][3]string{
		{"GET", "/healthz", ""}, {"GET", "/api/v1/openapi.json", ""}, {"GET", "/api/v1/me", ""},
		{"GET", "/api/v1/budgets", ""}, {"GET", "/api/v1/budgets/status", ""},
		{"GET", "/api/v1/budgets/cust_acme", ""}, {"GET", "/api/v1/quick-stats", ""},
		{"GET", "/api/v1/dashboards", ""}, {"GET", "/api/v1/customers", ""},
		{"GET", "/api/v1/values/customer_id", ""}, {"GET", "/api/v1/values/model", ""},
		{"GET", "/api/v1/values/cloud_provider", ""}, {"GET", "/api/v1/anomalies", ""},
		{"GET", "/api/v1/explain?date=2026-11-12", ""}, {"GET", "/api/v1/forecast", ""},
		{"GET", "/api/v1/alerts/rules", ""}, {"GET", "/api/v1/alerts/channels", ""},
		{"GET", "/api/v1/alerts/events", ""}, {"GET", "/api/v1/reconciliation", ""},
		{"GET", "/api/v1/reconciliation/allocation?date=2026-11-12&cloud_provider=azure&model=gpt-4o", ""},
		{"POST", "/api/v1/query", `{"metrics":["cost_usd"],"group_by":["customer_id","model"],"period":{"from":"2026-10-01","to":"2026-11-19"}}`},
		{"POST", "/api/v1/chat", `{"message":"What did we spend last month by provider?"}`},
		{"POST", "/api/v1/chat", `{"message":"Top 5 customers by cost this month"}`},
	}
	for _, d := range cost.Dashboards {
		for _, p := range d.Panels {
			r = append(r, [3]string{"GET", fmt.Sprintf("/api/v1/panels/%s/%s", d.ID, p.ID), ""})
		}
	}
	return r
}

// snapshot records every route's status and body for a token.
func (s *pgServer) snapshot(t *testing.T, token string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, r := range httpRoutes() {
		req, err := http.NewRequest(r[0], s.base+r[1], strings.NewReader(r[2]))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		out[r[0]+" "+r[1]+" "+r[2]] = fmt.Sprintf("%d %s", resp.StatusCode, normalize(body))
	}
	return out
}

// normalize makes two equal answers compare equal: numbers to 10 significant
// digits (DuckDB's parallel sums may differ in the last bits from run to run)
// and no conversation ids (random per chat request).
func normalize(body []byte) string {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return string(body)
	}
	var walk func(any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			delete(x, "conversation_id")
			for k, c := range x {
				x[k] = walk(c)
			}
		case []any:
			for i, c := range x {
				x[i] = walk(c)
			}
		case float64:
			return strconv.FormatFloat(x, 'g', 10, 64)
		}
		return v
	}
	out, _ := json.Marshal(walk(v))
	return string(out)
}

// hostileStatements try to leave state behind: temporary views and tables
// shadowing the store's relations, settings, attached databases, macros.
var hostileStatements = []string{
	"CREATE TEMP VIEW cost_lines AS SELECT * FROM cost_lines WHERE false",
	"CREATE OR REPLACE TEMP VIEW unified_costs AS SELECT 1 AS cost_usd",
	"CREATE TEMP TABLE budgets (customer_id VARCHAR, monthly_usd DOUBLE)",
	"CREATE TEMP TABLE settings AS SELECT 'x' AS key, 'y' AS value",
	"CREATE TEMP MACRO sum(x) AS 0",
	"CREATE VIEW main.alert_rules2 AS SELECT 1",
	"DROP VIEW unified_costs",
	"SET search_path = 'temp'",
	"SET TimeZone = 'Pacific/Kiritimati'",
	"SET threads = 1",
	"SET memory_limit = '1MB'",
	"SET default_null_order = 'nulls_first'",
	"SET enable_external_access = true",
	"PRAGMA disable_optimizer",
	"ATTACH ':memory:' AS x",
	"USE temp",
	"BEGIN",
	"SELECT sum(cost_usd) FROM unified_costs",
}

// TestHostilePGSessionLeavesHTTPUnchanged runs hostile customer and admin pg
// sessions, then checks every admin and customer route answers exactly as
// before, while the sessions are open and after they close, and that writes
// still work.
func TestHostilePGSessionLeavesHTTPUnchanged(t *testing.T) {
	s := startPGDemo(t, nil)
	beforeAdmin, beforeCustomer := s.snapshot(t, testAdminToken), s.snapshot(t, s.token)
	for route, answer := range beforeAdmin {
		if !strings.HasPrefix(answer, "200 ") {
			t.Fatalf("admin %s: %.200s before any pg session; want 200", route, answer)
		}
	}
	var sessions []*pgx.Conn
	for _, login := range [][2]string{{s.customer, s.token}, {"admin", testAdminToken}} {
		for i := 0; i < 3; i++ {
			c, err := pgx.Connect(context.Background(), s.pgURL(login[0], login[1]))
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range hostileStatements {
				c.Exec(context.Background(), q) // Most are refused; none may leave a trace.
			}
			sessions = append(sessions, c)
		}
	}
	compare := func(when string) {
		for name, before := range map[string]map[string]string{"admin": beforeAdmin, "customer": beforeCustomer} {
			token := map[string]string{"admin": testAdminToken, "customer": s.token}[name]
			after := s.snapshot(t, token)
			for route, want := range before {
				if got := after[route]; got != want {
					t.Errorf("%s, %s %s: answer changed:\n got %.300s\nwant %.300s", when, name, route, got, want)
				}
			}
		}
	}
	compare("sessions open")
	for _, c := range sessions {
		c.Close(context.Background())
	}
	time.Sleep(100 * time.Millisecond) // Let the server see the closes.
	compare("sessions closed")
	admin := client{t, s.base, testAdminToken}
	admin.must(200, "PUT", "/api/v1/budgets/cust_acme", `{"monthly_usd":1234}`, nil)
	admin.must(200, "POST", "/api/v1/ingest?format=unified&name=after.csv", newFixture().csv, nil)
}

// probe measures a bystander's HTTP and pg requests while an attack runs: a
// customer's panel over HTTP and the admin's total over pg, in a loop.
type probe struct {
	mu         sync.Mutex
	maxHTTP    time.Duration
	maxPG      time.Duration
	n          int
	errs       []error
	stop, done chan struct{}
}

func (s *pgServer) startProbe(t *testing.T) *probe {
	p := &probe{stop: make(chan struct{}), done: make(chan struct{})}
	pg := s.connect(t, "admin", testAdminToken)
	go func() {
		defer close(p.done)
		for {
			select {
			case <-p.stop:
				return
			default:
			}
			t0 := time.Now()
			req, _ := http.NewRequest("GET", s.base+"/api/v1/quick-stats", nil)
			req.Header.Set("Authorization", "Bearer "+s.token)
			resp, err := http.DefaultClient.Do(req)
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					err = fmt.Errorf("quick-stats: status %d", resp.StatusCode)
				}
			}
			dh := time.Since(t0)
			t0 = time.Now()
			var total float64
			perr := pg.QueryRow(context.Background(), "SELECT sum(cost_usd) FROM unified_costs").Scan(&total)
			dp := time.Since(t0)
			p.mu.Lock()
			p.n++
			p.maxHTTP, p.maxPG = max(p.maxHTTP, dh), max(p.maxPG, dp)
			p.errs = append(p.errs, errors.Join(err, perr))
			p.mu.Unlock()
			time.Sleep(50 * time.Millisecond)
		}
	}()
	return p
}

// finish stops the probe and fails the test if a probe request failed.
func (p *probe) finish(t *testing.T) {
	t.Helper()
	close(p.stop)
	<-p.done
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, err := range p.errs {
		if err != nil {
			t.Errorf("probe request failed: %v", err)
			break
		}
	}
	if p.n == 0 {
		t.Error("the probe never completed a round")
	}
	t.Logf("probe: %d rounds; max latency HTTP %v, pg %v", p.n, p.maxHTTP.Round(time.Millisecond), p.maxPG.Round(time.Millisecond))
}

// sqlState is the SQLSTATE of a pg error ("" if none).
func sqlState(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// TestPGResourceAttacks runs resource attacks as a customer: each ends with an
// error for the attacker while a probe keeps being answered.
func TestPGResourceAttacks(t *testing.T) {
	s := startPGDemo(t, map[string]string{"LLMCOST_PG_QUERY_TIMEOUT": "5s", "LLMCOST_PG_QUERY_MEMORY": "128MB"})
	queries := []struct{ name, sql string }{
		{"lpad-1e9", "SELECT lpad(customer_id, 1000000000, 'y') FROM cost_lines"},
		{"lpad-1e9-length", "SELECT sum(length(lpad(customer_id, 1000000000, 'y'))) FROM cost_lines"},
		{"string-agg-100MB", "SELECT string_agg(lpad(customer_id, 100000000, 'y'), ',') FROM cost_lines"},
		{"string-agg-100MB-length", "SELECT length(string_agg(lpad(customer_id, 100000000, 'y'), ',')) FROM cost_lines"},
		{"string-doubling", "WITH RECURSIVE r(s, n) AS (SELECT 'ab', 0 UNION ALL SELECT s || s, n + 1 FROM r WHERE n < 40) SELECT length(max(s)) FROM r"},
		{"string-agg-cross-join", "SELECT length(string_agg(a.customer_id || b.model, ',')) FROM cost_lines a, cost_lines b, cost_lines c"},
		{"cross-join", "SELECT count(*) FROM cost_lines a, cost_lines b, cost_lines c, cost_lines d"},
		{"cross-join-sort", "SELECT a.service, b.model FROM cost_lines a, cost_lines b ORDER BY a.cost_usd * b.cost_usd"},
		{"huge-result", "SELECT * FROM cost_lines a, cost_lines b"},
	}
	for _, q := range queries {
		t.Run(q.name, func(t *testing.T) {
			p := s.startProbe(t)
			c := s.connect(t, s.customer, s.token)
			t0 := time.Now()
			rows, err := c.Query(context.Background(), q.sql)
			n := 0
			if err == nil {
				for rows.Next() {
					n++
				}
				err = rows.Err()
				rows.Close()
			}
			p.finish(t)
			if err == nil {
				t.Fatalf("the attack got %d rows and no error", n)
			}
			t.Logf("attacker: SQLSTATE %s after %v: %v", sqlState(err), time.Since(t0).Round(time.Millisecond), err)
			if sqlState(err) == "" {
				t.Errorf("the error has no SQLSTATE: %v", err)
			}
		})
	}
	t.Run("idle-sessions", func(t *testing.T) {
		p := s.startProbe(t)
		var conns []*pgx.Conn
		refused := 0
		var lastErr error
		for i := 0; i < 100; i++ {
			c, err := pgx.Connect(context.Background(), s.pgURL(s.customer, s.token))
			if err != nil {
				refused++
				lastErr = err
				continue
			}
			conns = append(conns, c)
		}
		admin, err := pgx.Connect(context.Background(), s.pgURL("admin", testAdminToken))
		if err != nil {
			t.Errorf("the admin cannot log in while the attacker holds %d sessions: %v", len(conns), err)
		} else {
			admin.Close(context.Background())
		}
		p.finish(t)
		for _, c := range conns {
			c.Close(context.Background())
		}
		if refused == 0 {
			t.Fatal("100 idle sessions were all accepted")
		}
		if got := sqlState(lastErr); got != "53300" {
			t.Errorf("refusal SQLSTATE = %q (%v), want 53300", got, lastErr)
		}
		t.Logf("attacker: %d sessions accepted, %d refused (%v)", len(conns), refused, lastErr)
	})
}
