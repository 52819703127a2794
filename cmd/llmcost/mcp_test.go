package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/jsonschema-go/jsonschema"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// bearer adds a bearer token to every request of an MCP client.
type bearer struct{ token string }

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultTransport.RoundTrip(r)
}

// connectMCP opens an SDK client session on the server's /mcp with token.
func connectMCP(t *testing.T, base, token string) (*sdk.ClientSession, error) {
	t.Helper()
	c := sdk.NewClient(&sdk.Implementation{Name: "llmcost-test", Version: "1"}, nil)
	cs, err := c.Connect(t.Context(), &sdk.StreamableClientTransport{Endpoint: base + "/mcp",
		HTTPClient: &http.Client{Transport: bearer{token}}, DisableStandaloneSSE: true, MaxRetries: -1}, nil)
	if err == nil {
		t.Cleanup(func() { cs.Close() })
	}
	return cs, err
}

// callJSON calls a tool and returns its structured output as generic JSON.
func callJSON(t *testing.T, cs *sdk.ClientSession, name string, args map[string]any) any {
	t.Helper()
	res, err := cs.CallTool(t.Context(), &sdk.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if res.IsError {
		t.Fatalf("%s: tool error %s", name, toolText(res))
	}
	return generic(t, res.StructuredContent)
}

// refused reports whether a tool call was refused (a protocol or tool error).
func refused(t *testing.T, cs *sdk.ClientSession, name string, args map[string]any) bool {
	t.Helper()
	res, err := cs.CallTool(t.Context(), &sdk.CallToolParams{Name: name, Arguments: args})
	return err != nil || res.IsError
}

func toolText(res *sdk.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*sdk.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

// generic round-trips v through JSON, so values from both surfaces compare.
func generic(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// httpJSON fetches an API answer as generic JSON.
func (c client) httpJSON(method, path string, body any) any {
	c.t.Helper()
	var out any
	c.must(200, method, path, body, &out)
	return out
}

// propEnum returns the enum of a tool's input property (or of its array
// items), following a dotted path through objects.
func propEnum(t *testing.T, tool *sdk.Tool, path string) []string {
	t.Helper()
	b, _ := json.Marshal(tool.InputSchema)
	var s jsonschema.Schema
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	cur := &s
	for _, p := range strings.Split(path, ".") {
		next, ok := cur.Properties[p]
		if !ok {
			t.Fatalf("tool %s has no property %s", tool.Name, path)
		}
		cur = next
	}
	if cur.Items != nil {
		cur = cur.Items
	}
	var out []string
	for _, v := range cur.Enum {
		out = append(out, v.(string))
	}
	slices.Sort(out)
	return out
}

func findTool(t *testing.T, cs *sdk.ClientSession, name string) *sdk.Tool {
	t.Helper()
	res, err := cs.ListTools(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range res.Tools {
		if tool.Name == name {
			return tool
		}
	}
	t.Fatalf("no tool %s", name)
	return nil
}

// TestServe_MCP drives /mcp with the SDK's client: the tool list and schemas,
// every tool's figures against the HTTP API's, the dashboard resources, and a
// customer token's isolation.
func TestServe_MCP(t *testing.T) {
	m := mustRun(t, e2eEnv, "serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0")
	base := m.Server.URL()
	admin := client{t, base, testAdminToken}
	fx := newFixture()
	admin.must(200, "POST", "/api/v1/ingest?format=unified&name=nov.csv", fx.csv, nil)
	admin.must(200, "PUT", "/api/v1/budgets/cust_acme", `{"monthly_usd":5000}`, nil)
	var tok struct{ Token string }
	admin.must(201, "POST", "/api/v1/tokens", `{"customer_id":"cust_acme"}`, &tok)
	acme := client{t, base, tok.Token}

	cs, err := connectMCP(t, base, testAdminToken)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("ToolList", func(t *testing.T) {
		res, err := cs.ListTools(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, tool := range res.Tools {
			names = append(names, tool.Name)
		}
		slices.Sort(names)
		want := []string{"anomalies", "budget_status", "cost_breakdown", "cost_total", "explain_day", "forecast", "list_values", "quick_stats", "top_n"}
		if !slices.Equal(names, want) {
			t.Errorf("tools=%v, want %v", names, want)
		}
		total := findTool(t, cs, "cost_total")
		if got, want := propEnum(t, total, "filters.customer_id"), []string{"cust_acme", "cust_globex"}; !slices.Equal(got, want) {
			t.Errorf("admin customer enum=%v, want %v", got, want)
		}
		if got, want := propEnum(t, total, "filters.cloud_provider"), []string{"AWS", "Azure", "GCP"}; !slices.Equal(got, want) {
			t.Errorf("provider enum=%v, want %v", got, want)
		}
	})

	t.Run("FiguresEqualHTTP", func(t *testing.T) {
		q := `{"metrics":["cost_usd","usage_amount"],"filters":[{"dimension":"cloud_provider","op":"in","values":["AWS","GCP"]}],"period":{"name":"2026-11"}}`
		cases := []struct {
			tool string
			args map[string]any
			http any
		}{
			{"cost_total", map[string]any{"period": "2026-11", "filters": map[string]any{"cloud_provider": []string{"AWS", "GCP"}}},
				admin.httpJSON("POST", "/api/v1/query", q)},
			{"cost_breakdown", map[string]any{"period": "last_7_days", "group_by": []string{"customer_id"}},
				admin.httpJSON("POST", "/api/v1/query", `{"metrics":["cost_usd","usage_amount"],"group_by":["customer_id"],"period":{"name":"last_7_days"},"order_by":[{"by":"cost_usd","desc":true}],"limit":1000}`)},
			{"top_n", map[string]any{"dimension": "model", "n": 2, "from": "2026-11-01", "to": "2026-11-15"},
				admin.httpJSON("POST", "/api/v1/query", `{"metrics":["cost_usd"],"group_by":["model"],"period":{"from":"2026-11-01","to":"2026-11-15"},"order_by":[{"by":"cost_usd","desc":true}],"limit":2}`)},
			{"quick_stats", map[string]any{"customer_id": "cust_acme"}, admin.httpJSON("GET", "/api/v1/quick-stats?customer_id=cust_acme", nil)},
			{"budget_status", map[string]any{"customer_id": "cust_acme"}, admin.httpJSON("GET", "/api/v1/budgets/status?customer_id=cust_acme", nil)},
			{"forecast", map[string]any{}, admin.httpJSON("GET", "/api/v1/forecast", nil)},
			{"anomalies", map[string]any{"from": "2026-11-01", "to": "2026-11-28", "by": "model"},
				admin.httpJSON("GET", "/api/v1/anomalies?from=2026-11-01&to=2026-11-28&by=model", nil)},
			{"explain_day", map[string]any{"date": "2026-11-20"}, admin.httpJSON("GET", "/api/v1/explain?date=2026-11-20", nil)},
			{"list_values", map[string]any{"dimension": "model"}, admin.httpJSON("GET", "/api/v1/values/model", nil)},
		}
		for _, c := range cases {
			if got := callJSON(t, cs, c.tool, c.args); !reflect.DeepEqual(got, c.http) {
				t.Errorf("%s:\n mcp  %v\n http %v", c.tool, got, c.http)
			}
		}
		// The total itself, against the fixture.
		got := callJSON(t, cs, "cost_total", map[string]any{"period": "2026-11"}).(map[string]any)
		row := got["rows"].([]any)[0].([]any)
		if !near(row[0].(float64), fx.total) {
			t.Errorf("November total=%v, want %v", row[0], fx.total)
		}
	})

	t.Run("Resources", func(t *testing.T) {
		list, err := cs.ListResources(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Resources) != 4 {
			t.Errorf("%d resources, want the 4 dashboards", len(list.Resources))
		}
		rr, err := cs.ReadResource(t.Context(), &sdk.ReadResourceParams{URI: "llmcost://dashboards/overview"})
		if err != nil {
			t.Fatal(err)
		}
		var figs struct {
			Panels map[string]any `json:"panels"`
		}
		if err := json.Unmarshal([]byte(rr.Contents[0].Text), &figs); err != nil {
			t.Fatal(err)
		}
		want := admin.httpJSON("GET", "/api/v1/panels/overview/top-customers?from=2026-10-30&to=2026-11-29", nil)
		if got := generic(t, figs.Panels["top-customers"]); !reflect.DeepEqual(got, want) {
			t.Errorf("overview top-customers:\n mcp  %v\n http %v", got, want)
		}
	})

	t.Run("CustomerIsolation", func(t *testing.T) {
		cc, err := connectMCP(t, base, tok.Token)
		if err != nil {
			t.Fatal(err)
		}
		total := findTool(t, cc, "cost_total")
		if got := propEnum(t, total, "filters.customer_id"); !slices.Equal(got, []string{"cust_acme"}) {
			t.Errorf("customer's customer enum=%v, want [cust_acme]", got)
		}
		if got := propEnum(t, findTool(t, cc, "quick_stats"), "customer_id"); !slices.Equal(got, []string{"cust_acme"}) {
			t.Errorf("customer's quick_stats customer enum=%v, want [cust_acme]", got)
		}
		own := callJSON(t, cc, "cost_total", map[string]any{"period": "2026-11"})
		if want := acme.httpJSON("POST", "/api/v1/query", `{"metrics":["cost_usd","usage_amount"],"period":{"name":"2026-11"}}`); !reflect.DeepEqual(own, want) {
			t.Errorf("customer total: mcp %v, http %v", own, want)
		}
		row := own.(map[string]any)["rows"].([]any)[0].([]any)
		if !near(row[0].(float64), fx.byCustomer["cust_acme"]) {
			t.Errorf("customer November total=%v, want acme's %v", row[0], fx.byCustomer["cust_acme"])
		}
		other := []struct {
			tool string
			args map[string]any
		}{
			{"cost_total", map[string]any{"filters": map[string]any{"customer_id": []string{"cust_globex"}}}},
			{"cost_breakdown", map[string]any{"group_by": []string{"model"}, "filters": map[string]any{"customer_id": []string{"cust_globex"}}}},
			{"top_n", map[string]any{"dimension": "model", "filters": map[string]any{"customer_id": []string{"cust_globex", "cust_acme"}}}},
			{"quick_stats", map[string]any{"customer_id": "cust_globex"}},
			{"budget_status", map[string]any{"customer_id": "cust_globex"}},
			{"forecast", map[string]any{"customer_id": "cust_globex"}},
			{"anomalies", map[string]any{"customer_id": "cust_globex"}},
			{"explain_day", map[string]any{"date": "2026-11-20", "customer_id": "cust_globex"}},
			{"quick_stats", map[string]any{"customer_id": "_org"}},
		}
		for _, c := range other {
			if !refused(t, cc, c.tool, c.args) {
				t.Errorf("customer token's %s %v was answered, want refused", c.tool, c.args)
			}
		}
		by := callJSON(t, cc, "cost_breakdown", map[string]any{"period": "2026-11", "group_by": []string{"customer_id"}}).(map[string]any)
		for _, r := range by["rows"].([]any) {
			if id := r.([]any)[0]; id != "cust_acme" {
				t.Errorf("customer breakdown shows customer %v", id)
			}
		}
		vals := callJSON(t, cc, "list_values", map[string]any{"dimension": "customer_id"}).(map[string]any)
		if got := generic(t, vals["values"]); !reflect.DeepEqual(got, []any{"cust_acme"}) {
			t.Errorf("customer's customer values=%v, want [cust_acme]", got)
		}
		rr, err := cc.ReadResource(t.Context(), &sdk.ReadResourceParams{URI: "llmcost://dashboards/customers"})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(rr.Contents[0].Text, "cust_globex") {
			t.Error("customer's dashboard resource mentions cust_globex")
		}
	})

	t.Run("BadTopN", func(t *testing.T) {
		tests := []struct {
			name string
			n    int
		}{
			{"Negative", -5},
			{"OverMax", 101},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res, err := cs.CallTool(t.Context(), &sdk.CallToolParams{Name: "top_n",
					Arguments: map[string]any{"dimension": "model", "n": tt.n}})
				if err != nil {
					t.Fatal(err)
				}
				want := fmt.Sprintf("n must be between 1 and 100, not %d.", tt.n)
				if got := toolText(res); !res.IsError || !strings.Contains(got, want) {
					t.Errorf("top_n n=%d: isError=%v text %q, want an error holding %q", tt.n, res.IsError, got, want)
				}
			})
		}
	})

	t.Run("Unauthenticated", func(t *testing.T) {
		if _, err := connectMCP(t, base, "wrong-token"); err == nil {
			t.Error("connect with a wrong token succeeded")
		}
		resp, err := http.Post(base+"/mcp", "application/json", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 401 {
			t.Errorf("no token: %d, want 401", resp.StatusCode)
		}
	})
}

// stdioMCP runs "llmcost mcp" with args on pipes and connects an SDK client
// to it over stdio. The command ends when the session closes.
func stdioMCP(t *testing.T, env map[string]string, args ...string) *sdk.ClientSession {
	t.Helper()
	m := newTestMain(env)
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	m.Stdin, m.Stdout = inR, outW
	if err := m.ParseFlags(t.Context(), append([]string{"mcp"}, args...)); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		err := m.Run(t.Context())
		outW.Close()
		done <- err
	}()
	c := sdk.NewClient(&sdk.Implementation{Name: "desktop", Version: "1"}, nil)
	cs, err := c.Connect(t.Context(), &sdk.IOTransport{Reader: outR, Writer: inW}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cs.Close()
		inW.Close()
		if err := <-done; err != nil {
			t.Errorf("llmcost mcp: %v", err)
		}
		m.Close()
	})
	return cs
}

// TestMCP_Stdio serves MCP over stdio, forwarding to a server with a customer
// token, and from a local data directory narrowed to a customer.
func TestMCP_Stdio(t *testing.T) {
	dir := t.TempDir()
	fx := newFixture()
	env := map[string]string{"LLMCOST_NOW": "2026-11-29", "LLMCOST_ADMIN_TOKEN": testAdminToken, "LLMCOST_LOG_LEVEL": "warn"}
	total := func(cs *sdk.ClientSession) float64 {
		got := callJSON(t, cs, "cost_total", map[string]any{"period": "2026-11"}).(map[string]any)
		return got["rows"].([]any)[0].([]any)[0].(float64)
	}

	t.Run("Remote", func(t *testing.T) {
		m := mustRun(t, env, "serve", "--data", filepath.Join(dir, "served"), "--addr", "127.0.0.1:0")
		admin := client{t, m.Server.URL(), testAdminToken}
		admin.must(200, "POST", "/api/v1/ingest?format=unified", fx.csv, nil)
		var tok struct{ Token string }
		admin.must(201, "POST", "/api/v1/tokens", `{"customer_id":"cust_globex"}`, &tok)
		cs := stdioMCP(t, env, "--server", m.Server.URL(), "--token", tok.Token)
		if got, want := total(cs), fx.byCustomer["cust_globex"]; !near(got, want) {
			t.Errorf("remote customer total=%v, want %v", got, want)
		}
		if !refused(t, cs, "quick_stats", map[string]any{"customer_id": "cust_acme"}) {
			t.Error("remote customer reached another customer's quick stats")
		}
	})

	t.Run("Local", func(t *testing.T) {
		data := filepath.Join(dir, "local")
		file := filepath.Join(dir, "nov.csv")
		if err := os.WriteFile(file, []byte(fx.csv), 0o600); err != nil {
			t.Fatal(err)
		}
		mustRun(t, env, "ingest", "--data", data, "--format", "unified", file).Close()
		cs := stdioMCP(t, env, "--data", data, "--customer", "cust_acme")
		if got, want := total(cs), fx.byCustomer["cust_acme"]; !near(got, want) {
			t.Errorf("local customer total=%v, want %v", got, want)
		}
	})
}
