package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmcost/llmcost/internal/auth"
)

var e2eEnv = map[string]string{"LLMCOST_NOW": "2026-11-29", "LLMCOST_ADMIN_TOKEN": testAdminToken, "LLMCOST_LOG_LEVEL": "warn"}

// TestServe_EndToEnd boots the real binary's Main on a random port over DuckDB
// in a temporary directory and exercises the API as admin and as customers.
func TestServe_EndToEnd(t *testing.T) {
	m := mustRun(t, e2eEnv, "serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0")
	admin := client{t, m.Server.URL(), testAdminToken}
	fx := newFixture()

	var sum struct {
		Rows int `json:"rows"`
	}
	admin.must(200, "POST", "/api/v1/ingest?format=unified&name=nov.csv", fx.csv, &sum)
	if sum.Rows != fx.rows {
		t.Errorf("ingest rows=%d, want %d", sum.Rows, fx.rows)
	}

	byProvider := `{"metrics":["cost_usd"],"group_by":["cloud_provider"],"period":{"from":"2026-11-01","to":"2026-11-30"}}`
	var res result
	admin.must(200, "POST", "/api/v1/query", byProvider, &res)
	assertSums(t, "admin by provider", res.sums(t, "cloud_provider", "cost_usd"), fx.byProvider)
	if res.Period.From != "2026-11-01" || res.Period.To != "2026-11-30" {
		t.Errorf("period=%+v, want 2026-11-01..2026-11-30", res.Period)
	}

	t.Run("Budgets", func(t *testing.T) {
		var b struct {
			CustomerID string  `json:"customer_id"`
			MonthlyUSD float64 `json:"monthly_usd"`
		}
		admin.must(200, "PUT", "/api/v1/budgets/cust_acme", `{"monthly_usd":1500}`, nil)
		admin.must(200, "PUT", "/api/v1/budgets/_org", `{"monthly_usd":25000}`, nil)
		admin.must(200, "GET", "/api/v1/budgets/cust_acme", nil, &b)
		if b.CustomerID != "cust_acme" || b.MonthlyUSD != 1500 {
			t.Errorf("budget=%+v, want cust_acme 1500", b)
		}
		var list []any
		admin.must(200, "GET", "/api/v1/budgets", nil, &list)
		if len(list) != 2 {
			t.Errorf("%d budgets, want 2", len(list))
		}
	})

	t.Run("CustomerTokenSeesOnlyOwn", func(t *testing.T) {
		var tok struct {
			Token string `json:"token"`
		}
		admin.must(201, "POST", "/api/v1/tokens", `{"customer_id":"cust_acme","ttl_seconds":3600}`, &tok)
		acme := client{t, m.Server.URL(), tok.Token}
		var res result
		acme.must(200, "POST", "/api/v1/query", `{"metrics":["cost_usd"],"group_by":["customer_id"],"period":{"from":"2026-11-01","to":"2026-11-30"}}`, &res)
		got := res.sums(t, "customer_id", "cost_usd")
		assertSums(t, "customer by customer", got, map[string]float64{"cust_acme": fx.byCustomer["cust_acme"]})
		acme.must(200, "POST", "/api/v1/query", `{"metrics":["cost_usd"],"period":{"from":"2026-11-01","to":"2026-11-30"}}`, &res)
		if tot := res.Rows[0][0].(float64); !near(tot, fx.byCustomer["cust_acme"]) {
			t.Errorf("customer total=%v, want %v", tot, fx.byCustomer["cust_acme"])
		}
		var cs []struct{ ID string }
		acme.must(200, "GET", "/api/v1/customers", nil, &cs)
		for _, c := range cs {
			if c.ID != "cust_acme" {
				t.Errorf("customer token sees customer %q", c.ID)
			}
		}
		var vals struct{ Values []string }
		acme.must(200, "GET", "/api/v1/values/customer_id", nil, &vals)
		if strings.Join(vals.Values, ",") != "cust_acme" {
			t.Errorf("customer token's customer values=%v, want [cust_acme]", vals.Values)
		}

		status, e := acme.do("POST", "/api/v1/query", `{"metrics":["cost_usd"],"filters":[{"dimension":"customer_id","op":"eq","values":["cust_globex"]}],"period":{"name":"this_month"}}`, nil)
		if status != 403 || e.Error.Code != "forbidden" {
			t.Errorf("cross-customer query: %d %+v, want 403 forbidden", status, e.Error)
		}
		if status, _ := acme.do("GET", "/api/v1/quick-stats?customer_id=cust_globex", nil, nil); status != 403 {
			t.Errorf("cross-customer quick stats: %d, want 403", status)
		}
		if status, _ := acme.do("GET", "/api/v1/budgets/cust_globex", nil, nil); status != 403 {
			t.Errorf("cross-customer budget: %d, want 403", status)
		}
		if status, _ := acme.do("POST", "/api/v1/ingest?format=unified", fx.csv, nil); status != 403 {
			t.Errorf("customer ingest: %d, want 403", status)
		}
		var bs struct {
			Budget float64 `json:"budget"`
		}
		acme.must(200, "GET", "/api/v1/budgets/status", nil, &bs)
		if bs.Budget != 1500 {
			t.Errorf("customer budget status budget=%v, want 1500", bs.Budget)
		}
	})

	t.Run("Unauthenticated", func(t *testing.T) {
		for _, tok := range []string{"", "wrong-token", "lc1.e30.AAAA"} {
			c := client{t, m.Server.URL(), tok}
			if status, e := c.do("POST", "/api/v1/query", byProvider, nil); status != 401 || e.Error.Code != "unauthorized" {
				t.Errorf("token %q: %d %+v, want 401 unauthorized", tok, status, e.Error)
			}
		}
		c := client{t, m.Server.URL(), ""}
		c.must(200, "GET", "/healthz", nil, nil)
		c.must(200, "GET", "/api/v1/openapi.json", nil, nil)
		c.must(200, "GET", "/metrics", nil, nil)
	})

	t.Run("BadInputNamesField", func(t *testing.T) {
		status, e := admin.do("POST", "/api/v1/query", `{"metrics":["profit"],"period":{"name":"this_month"}}`, nil)
		if status != 400 || e.Error.Field != "metrics[0]" {
			t.Errorf("unknown metric: %d %+v, want 400 naming metrics[0]", status, e.Error)
		}
		status, e = admin.do("GET", "/api/v1/panels/overview/daily-cost-trend?from=notadate", nil, nil)
		if status != 400 || e.Error.Field != "from" {
			t.Errorf("bad from: %d %+v, want 400 naming from", status, e.Error)
		}
		bad := fx.csv + "2026-11-29,AWS,Amazon Bedrock,claude-3-5-sonnet,input,12x,100,cust_acme\n"
		status, e = admin.do("POST", "/api/v1/ingest?format=unified&name=bad.csv", bad, nil)
		if status != 400 || !strings.Contains(e.Error.Message, "bad.csv") || !strings.Contains(e.Error.Message, "cost_usd") {
			t.Errorf("bad file: %d %+v, want 400 naming file and column", status, e.Error)
		}
		var res result
		admin.must(200, "POST", "/api/v1/query", byProvider, &res)
		assertSums(t, "after failed ingest", res.sums(t, "cloud_provider", "cost_usd"), fx.byProvider)
	})

	t.Run("Panel", func(t *testing.T) {
		var res result
		admin.must(200, "GET", "/api/v1/panels/overview/cost-by-provider?from=2026-11-01&to=2026-11-29", nil, &res)
		if len(res.Rows) != 3 {
			t.Errorf("cost-by-provider rows=%v, want 3 providers", res.Rows)
		}
	})

	t.Run("Chat", func(t *testing.T) {
		var ans struct {
			Answer string `json:"answer"`
		}
		admin.must(200, "POST", "/api/v1/chat", `{"message":"How much did we spend this month?"}`, &ans)
		if ans.Answer == "" {
			t.Error("empty chat answer")
		}
	})

	t.Run("RemoteCLI", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "dec.csv")
		body := "date,cloud_provider,service,model,token_type,cost_usd,usage_amount,customer_id\n" +
			"2026-12-01,AWS,Amazon Bedrock,claude-3-5-sonnet,input,42.5,1000,cust_acme\n"
		if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		env := map[string]string{"LLMCOST_SERVER": m.Server.URL(), "LLMCOST_TOKEN": testAdminToken, "LLMCOST_LOG_LEVEL": "warn"}
		cli := mustRun(t, env, "ingest", "--format", "unified", file)
		if out := cli.Stdout.(interface{ String() string }).String(); !strings.Contains(out, "1 rows") {
			t.Errorf("remote ingest output %q lacks the summary", out)
		}
		var res result
		admin.must(200, "POST", "/api/v1/query", `{"metrics":["cost_usd"],"period":{"from":"2026-12-01","to":"2026-12-01"}}`, &res)
		if got := res.Rows[0][0].(float64); !near(got, 42.5) {
			t.Errorf("December total after remote ingest=%v, want 42.5", got)
		}
		ask := mustRun(t, env, "ask", "How much did we spend this month?")
		if out := ask.Stdout.(interface{ String() string }).String(); strings.TrimSpace(out) == "" {
			t.Error("remote ask printed nothing")
		}
		bad := newTestMain(map[string]string{"LLMCOST_SERVER": m.Server.URL(), "LLMCOST_TOKEN": "wrong-token"})
		if err := bad.ParseFlags(t.Context(), []string{"ingest", "--format", "unified", file}); err != nil {
			t.Fatal(err)
		}
		if err := bad.Run(t.Context()); err == nil || !strings.Contains(userMessage(err), "token") {
			t.Errorf("remote ingest with a bad token: err %v, want an unauthorized message", err)
		}
	})

	t.Run("UI", func(t *testing.T) {
		for _, p := range []string{"/", "/widget.js", "/widget-demo"} {
			resp, err := http.Get(m.Server.URL() + p)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("GET %s status=%d", p, resp.StatusCode)
			}
		}
	})
}

// TestServe_GeneratesAdminTokenOnce checks the first start prints a generated
// token, stored 0600, and a restart neither regenerates nor prints it.
func TestServe_GeneratesAdminTokenOnce(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"LLMCOST_NOW": "2026-11-29", "LLMCOST_LOG_LEVEL": "warn"}
	m := mustRun(t, env, "serve", "--data", dir, "--addr", "127.0.0.1:0")
	stored, err := os.ReadFile(filepath.Join(dir, auth.AdminTokenFile))
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(string(stored))
	if out := m.Stdout.(interface{ String() string }).String(); !strings.Contains(out, token) {
		t.Errorf("first start did not print the admin token; stdout:\n%s", out)
	}
	client{t, m.Server.URL(), token}.must(200, "GET", "/api/v1/me", nil, nil)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	m2 := mustRun(t, env, "serve", "--data", dir, "--addr", "127.0.0.1:0")
	if out := m2.Stdout.(interface{ String() string }).String(); strings.Contains(out, token) {
		t.Errorf("restart printed the admin token again:\n%s", out)
	}
	client{t, m2.Server.URL(), token}.must(200, "GET", "/api/v1/me", nil, nil)
}

func assertSums(t *testing.T, what string, got, want map[string]float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got keys %v, want %v", what, got, want)
	}
	for k, w := range want {
		if g, ok := got[k]; !ok || !near(g, w) {
			t.Errorf("%s[%q]=%v, want %v", what, k, g, w)
		}
	}
}
