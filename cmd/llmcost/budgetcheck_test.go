package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// decision is the JSON of a budget check answer.
type decision struct {
	Allowed     bool     `json:"allowed"`
	CustomerID  string   `json:"customer_id"`
	Spent       float64  `json:"spent"`
	Budget      *float64 `json:"budget"`
	PercentUsed *float64 `json:"percent_used"`
	Projected   float64  `json:"projected"`
	Warning     string   `json:"warning"`
}

// check sends a budget check (or, with envoyPath, an Envoy ext_authz check)
// and returns the status, headers and decoded body.
func check(t *testing.T, base, path string, hdr map[string]string) (int, http.Header, decision, apiError) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), "GET", base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(path, "/envoy/") {
		req.Method = "POST"
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var d decision
	var e apiError
	json.Unmarshal(raw, &d)
	json.Unmarshal(raw, &e)
	return resp.StatusCode, resp.Header, d, e
}

func bearerHdr(tok string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + tok}
}

// TestServe_BudgetCheck checks budget decisions against the fixture's figures,
// the policies, the Envoy mode, event spend arriving between refreshes, and who
// may ask.
func TestServe_BudgetCheck(t *testing.T) {
	m := mustRun(t, e2eEnv, "serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0")
	base := m.Server.URL()
	admin := client{t, base, testAdminToken}
	fx := newFixture()
	admin.must(200, "POST", "/api/v1/ingest?format=unified&name=nov.csv", fx.csv, nil)
	acmeSpent, globexSpent := fx.byCustomer["cust_acme"], fx.byCustomer["cust_globex"]
	admin.must(200, "PUT", "/api/v1/budgets/cust_acme", map[string]float64{"monthly_usd": acmeSpent + 100}, nil)
	admin.must(200, "PUT", "/api/v1/budgets/cust_globex", map[string]float64{"monthly_usd": globexSpent - 1}, nil)

	var gw struct{ Token string }
	admin.must(201, "POST", "/api/v1/gateway-tokens", `{"name":"litellm"}`, &gw)
	var acmeTok struct{ Token string }
	admin.must(201, "POST", "/api/v1/tokens", `{"customer_id":"cust_acme"}`, &acmeTok)

	t.Run("AllowedAndBlocked", func(t *testing.T) {
		var st struct {
			Projected float64 `json:"projected"`
		}
		admin.must(200, "GET", "/api/v1/budgets/status?customer_id=cust_acme", nil, &st)
		code, h, d, _ := check(t, base, "/api/v1/budget-check?customer_id=cust_acme", bearerHdr(gw.Token))
		if code != 200 || !d.Allowed || !near(d.Spent, acmeSpent) || d.Budget == nil || !near(*d.Budget, acmeSpent+100) {
			t.Errorf("acme: %d %+v, want 200 allowed, spent %v, budget %v", code, d, acmeSpent, acmeSpent+100)
		}
		if !near(d.Projected, st.Projected) {
			t.Errorf("acme projected=%v, want the budget status's %v", d.Projected, st.Projected)
		}
		if h.Get("x-llmcost-allowed") != "true" || h.Get("x-llmcost-warning") == "" {
			t.Errorf("acme headers allowed=%q warning=%q; want true and a warning (%.0f%% used)",
				h.Get("x-llmcost-allowed"), h.Get("x-llmcost-warning"), acmeSpent/(acmeSpent+100)*100)
		}
		code, h, d, _ = check(t, base, "/api/v1/budget-check?customer_id=cust_globex", bearerHdr(testAdminToken))
		if code != 403 || d.Allowed || !near(d.Spent, globexSpent) || h.Get("x-llmcost-allowed") != "false" {
			t.Errorf("globex: %d %+v, want 403 blocked with spent %v", code, d, globexSpent)
		}
		code, _, d, _ = check(t, base, "/api/v1/budget-check?customer_id=cust_nobudget", bearerHdr(gw.Token))
		if code != 200 || !d.Allowed || d.Budget != nil {
			t.Errorf("no budget: %d %+v, want 200 allowed, budget null", code, d)
		}
	})

	t.Run("WarnPolicy", func(t *testing.T) {
		admin.must(200, "PUT", "/api/v1/budgets/cust_globex/policy", `{"action":"warn","warn_percent":50}`, nil)
		code, h, d, _ := check(t, base, "/api/v1/budget-check?customer_id=cust_globex", bearerHdr(gw.Token))
		if code != 200 || !d.Allowed || d.Warning == "" || h.Get("x-llmcost-warning") == "" {
			t.Errorf("globex under warn policy: %d %+v, want 200 allowed with a warning", code, d)
		}
		admin.must(200, "PUT", "/api/v1/budgets/cust_globex/policy", `{"action":"block"}`, nil)
		if code, _, _, _ := check(t, base, "/api/v1/budget-check?customer_id=cust_globex", bearerHdr(gw.Token)); code != 403 {
			t.Errorf("globex back under block policy: %d, want 403", code)
		}
		if code, _ := admin.do("PUT", "/api/v1/budgets/cust_globex/policy", `{"action":"shout"}`, nil); code != 400 {
			t.Errorf("bad policy action: %d, want 400", code)
		}
	})

	t.Run("Envoy", func(t *testing.T) {
		hdr := map[string]string{"x-llmcost-token": gw.Token, "x-llmcost-customer-id": "cust_globex",
			"Authorization": "Bearer sk-upstream-provider-key"}
		code, h, _, _ := check(t, base, "/api/v1/budget-check/envoy/v1/chat/completions", hdr)
		if code != 403 || h.Get("x-llmcost-allowed") != "false" {
			t.Errorf("envoy globex: %d, allowed header %q; want 403 false", code, h.Get("x-llmcost-allowed"))
		}
		hdr["x-llmcost-customer-id"] = "cust_acme"
		if code, h, _, _ := check(t, base, "/api/v1/budget-check/envoy/v1/chat/completions", hdr); code != 200 || h.Get("x-llmcost-spent") == "" {
			t.Errorf("envoy acme: %d, spent header %q; want 200 with x-llmcost-spent", code, h.Get("x-llmcost-spent"))
		}
		delete(hdr, "x-llmcost-customer-id")
		if code, _, _, e := check(t, base, "/api/v1/budget-check/envoy/v1/chat/completions", hdr); code != 400 || e.Error.Field != "x-llmcost-customer-id" {
			t.Errorf("envoy without customer header: %d %+v, want 400 naming the header", code, e.Error)
		}
	})

	t.Run("EventsCountAsTheyArrive", func(t *testing.T) {
		// Three events of today with reported costs: 10 + 15.5 for acme, 7 for globex.
		events := `{"id":"e1","timestamp":"2026-11-29T09:00:00Z","model":"gpt-4o","provider":"openai","customer_id":"cust_acme","input_tokens":10,"cost_usd":10}
{"id":"e2","timestamp":"2026-11-29T09:01:00Z","model":"gpt-4o","provider":"openai","customer_id":"cust_acme","input_tokens":10,"cost_usd":15.5}
{"id":"e3","timestamp":"2026-11-29T09:02:00Z","model":"gpt-4o","provider":"openai","customer_id":"cust_globex","input_tokens":10,"cost_usd":7}
`
		admin.must(200, "POST", "/api/v1/ingest?format=events", events, nil)
		_, _, d, _ := check(t, base, "/api/v1/budget-check?customer_id=cust_acme", bearerHdr(gw.Token))
		if want := acmeSpent + 25.5; !near(d.Spent, want) {
			t.Errorf("acme spent after events=%v, want %v", d.Spent, want)
		}
		code, _, d, _ := check(t, base, "/api/v1/budget-check?customer_id=cust_acme", bearerHdr(gw.Token))
		if want := acmeSpent + 25.5; code != 200 || !near(d.Spent, want) {
			t.Errorf("acme again: %d spent %v, want 200 and %v", code, d.Spent, want)
		}
		// 100 more for acme crosses its budget (fixture + 100).
		admin.must(200, "POST", "/api/v1/ingest?format=events",
			`{"id":"e4","timestamp":"2026-11-29T10:00:00Z","model":"gpt-4o","provider":"openai","customer_id":"cust_acme","input_tokens":10,"cost_usd":100}`, nil)
		if code, _, d, _ := check(t, base, "/api/v1/budget-check?customer_id=cust_acme", bearerHdr(gw.Token)); code != 403 || !near(d.Spent, acmeSpent+125.5) {
			t.Errorf("acme over budget: %d spent %v, want 403 and %v", code, d.Spent, acmeSpent+125.5)
		}
	})

	t.Run("WhoMayAsk", func(t *testing.T) {
		if code, _, d, _ := check(t, base, "/api/v1/budget-check?customer_id=cust_acme", bearerHdr(acmeTok.Token)); code == 401 || d.CustomerID != "cust_acme" {
			t.Errorf("customer checking itself: %d %+v, want its decision", code, d)
		}
		if code, _, d, e := check(t, base, "/api/v1/budget-check?customer_id=cust_globex", bearerHdr(acmeTok.Token)); code != 403 || e.Error.Code != "forbidden" || d.Spent != 0 {
			t.Errorf("customer checking another: %d %+v %+v, want 403 forbidden without figures", code, e.Error, d)
		}
		if code, _, _, e := check(t, base, "/api/v1/budget-check?customer_id=cust_acme", nil); code != 401 {
			t.Errorf("no token: %d %+v, want 401", code, e.Error)
		}
		gwc := client{t, base, gw.Token}
		for _, r := range []struct{ method, path, body string }{
			{"POST", "/api/v1/query", `{"metrics":["cost_usd"],"period":{"name":"this_month"}}`},
			{"GET", "/api/v1/quick-stats", ""},
			{"GET", "/api/v1/budgets/status?customer_id=cust_acme", ""},
			{"GET", "/api/v1/customers", ""},
			{"GET", "/api/v1/values/customer_id", ""},
			{"POST", "/api/v1/chat", `{"message":"How much did we spend this month?"}`},
			{"GET", "/api/v1/budgets/cust_acme/policy", ""},
			{"POST", "/mcp", `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`},
			{"POST", "/v1/traces", "{}"},
		} {
			var body any
			if r.body != "" {
				body = r.body
			}
			if code, e := gwc.do(r.method, r.path, body, nil); code != 403 {
				t.Errorf("gateway token %s %s: %d %+v, want 403", r.method, r.path, code, e.Error)
			}
		}
	})
}
