package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/httpapi"
)

func TestIngest_StreamsBodyToIngester(t *testing.T) {
	var gotFormat, gotName, gotBody string
	fake := &ingester{IngestFn: func(_ context.Context, format, name string, r io.Reader) (*cost.IngestSummary, error) {
		b, err := io.ReadAll(r)
		if err != nil {
			return nil, err
		}
		gotFormat, gotName, gotBody = format, name, string(b)
		if strings.Contains(gotBody, "bad") {
			return nil, cost.FieldErrorf("cost_usd", "%s: line 2, column \"cost_usd\": \"bad\" is not a number.", name)
		}
		return &cost.IngestSummary{Format: format, File: name, Rows: 2, LinesWritten: 2}, nil
	}}
	e := newEnv(t, func(c *httpapi.Config) { c.Ingester = fake })
	body := "date,cloud_provider\n2026-11-01,AWS\n2026-11-02,AWS\n"
	var sum cost.IngestSummary
	decode(t, e.do("POST", "/api/v1/ingest?format=unified&name=nov.csv", e.admin, body), 200, &sum)
	if gotFormat != "unified" || gotName != "nov.csv" || gotBody != body {
		t.Errorf("ingester got format=%q name=%q body=%q", gotFormat, gotName, gotBody)
	}
	if sum.Rows != 2 {
		t.Errorf("summary rows=%d, want 2", sum.Rows)
	}
	apiErr := wantError(t, e.do("POST", "/api/v1/ingest?format=unified&name=bad.csv", e.admin, "x\nbad\n"), 400, cost.CodeInvalid, "cost_usd")
	if !strings.Contains(apiErr.Error.Message, "bad.csv: line 2") {
		t.Errorf("message %q does not name file and line", apiErr.Error.Message)
	}
	wantError(t, e.do("POST", "/api/v1/ingest", e.admin, body), 400, cost.CodeInvalid, "format")

	metrics := e.do("GET", "/metrics", "", nil).Body.String()
	if !strings.Contains(metrics, `llmcost_ingest_rows_total{format="unified"} 2`) {
		t.Errorf("ingest rows counter missing from /metrics")
	}
}

func TestIngest_NotConfigured(t *testing.T) {
	e := newEnv(t, nil)
	wantError(t, e.do("POST", "/api/v1/ingest?format=unified", e.admin, "x"), 501, cost.CodeNotImplemented, "")
}

func TestChat(t *testing.T) {
	t.Run("NotConfigured", func(t *testing.T) {
		e := newEnv(t, nil)
		wantError(t, e.do("POST", "/api/v1/chat", e.acme, `{"message":"hi"}`), 501, cost.CodeNotImplemented, "")
	})
	var got cost.ChatRequest
	var gotP cost.Principal
	chat := &chatService{AskFn: func(_ context.Context, p cost.Principal, req cost.ChatRequest) (*cost.ChatAnswer, error) {
		gotP, got = p, req
		return &cost.ChatAnswer{Answer: "You spent $12.50 yesterday.", ConversationID: "c1", Understood: true,
			Interpretation: &cost.ChatInterpretation{Intent: "total", Metric: cost.MetricCost, Filters: []cost.Filter{},
				Line: "Total cost · yesterday, Wed Nov 25"}}, nil
	}}
	e := newEnv(t, func(c *httpapi.Config) { c.Chat = chat })
	var ans cost.ChatAnswer
	decode(t, e.do("POST", "/api/v1/chat", e.acme, `{"message":"How much did we spend yesterday?"}`), 200, &ans)
	if ans.Answer != "You spent $12.50 yesterday." || got.Message != "How much did we spend yesterday?" || gotP != cost.CustomerPrincipal("cust_acme") ||
		ans.Interpretation == nil || ans.Interpretation.Line != "Total cost · yesterday, Wed Nov 25" || ans.Interpretation.Intent != "total" {
		t.Errorf("answer=%+v request=%+v principal=%v", ans, got, gotP)
	}
	wantError(t, e.do("POST", "/api/v1/chat", e.acme, `{"message":"  "}`), 400, cost.CodeInvalid, "message")
	wantError(t, e.do("POST", "/api/v1/chat", e.acme, `{"message":"hi","customer_id":"cust_globex"}`), 403, cost.CodeForbidden, "")
	wantError(t, e.do("POST", "/api/v1/chat", e.acme, `{"text":"hi"}`), 400, cost.CodeInvalid, "text")
}

// TestCompression_Negotiated: a large body is sent in the coding the
// client's Accept-Encoding prefers of zstd and gzip (zstd on a tie), never in
// one it refuses (q=0), and decodes to the same answer in each.
func TestCompression_Negotiated(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		accept, want string
	}{
		{"", ""},
		{"identity", ""},
		{"gzip", "gzip"},
		{"gzip, deflate", "gzip"},
		{"GZIP", "gzip"},
		{"zstd", "zstd"},
		{"gzip, deflate, br, zstd", "zstd"}, // Chromium's.
		{"zstd;q=0.5, gzip", "gzip"},
		{"zstd, gzip;q=0.9", "zstd"},
		{"zstd;q=0, gzip", "gzip"},
		{"gzip;q=0, zstd;q=0", ""},
		{"gzip ; q=0", ""},
		{"*", "zstd"},
		{"*;q=0, gzip", "gzip"},
		{"br", ""},
		{"zstd;q=bogus, gzip;q=0.1", "gzip"},
	}
	for _, tt := range tests {
		w := e.do("GET", "/api/v1/dashboards", e.admin, nil, "Accept-Encoding", tt.accept)
		if got := w.Header().Get("Content-Encoding"); got != tt.want {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", tt.accept, got, tt.want)
		}
		if got := w.Header().Values("Vary"); !slices.Contains(got, "Accept-Encoding") {
			t.Errorf("Accept-Encoding %q: Vary %q lacks Accept-Encoding", tt.accept, got)
		}
		var ds []cost.DashboardDef
		decode(t, w, 200, &ds)
		if got, want := len(ds), len(cost.Dashboards); got != want {
			t.Errorf("Accept-Encoding %q: %d dashboards, want %d", tt.accept, got, want)
		}
	}
	for _, enc := range []string{"gzip", "zstd"} {
		small := e.do("GET", "/api/v1/me", e.admin, nil, "Accept-Encoding", enc)
		if got := small.Header().Get("Content-Encoding"); got != "" {
			t.Errorf("tiny body sent as %q", got)
		}
	}
}

func TestMetrics_ByRoutePattern(t *testing.T) {
	e := newEnv(t, nil)
	e.do("GET", "/api/v1/me", e.admin, nil)
	e.do("GET", "/api/v1/me", "", nil)
	e.do("GET", "/api/v1/budgets/cust_x", e.admin, nil)
	body := e.do("GET", "/metrics", "", nil).Body.String()
	for _, want := range []string{
		`llmcost_http_requests_total{code="200",method="GET",route="GET /api/v1/me"} 1`,
		`llmcost_http_requests_total{code="401",method="GET",route="GET /api/v1/me"} 1`,
		`llmcost_http_requests_total{code="404",method="GET",route="GET /api/v1/budgets/{customer_id}"} 1`,
		`llmcost_http_request_duration_seconds_count{route="GET /api/v1/me"} 2`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func TestPanicRecovery(t *testing.T) {
	e := newEnv(t, nil)
	e.query.ForecastFn = func(context.Context, cost.Principal, string) (*cost.Forecast, error) { panic("boom") }
	wantError(t, e.do("GET", "/api/v1/forecast", e.admin, nil), 500, cost.CodeInternal, "")
	if !strings.Contains(e.logs.String(), "boom") {
		t.Error("panic not logged")
	}
	if m := e.do("GET", "/metrics", "", nil).Body.String(); !strings.Contains(m, `llmcost_http_requests_total{code="500",method="GET",route="GET /api/v1/forecast"} 1`) {
		t.Error("panicked request not counted as a 500")
	}
	decode(t, e.do("GET", "/healthz", "", nil), 200, nil)
}

func TestRouting_FallbacksAndMounts(t *testing.T) {
	ui := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ui:"+r.URL.Path) })
	widget := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "widget:"+r.URL.Path) })
	e := newEnv(t, func(c *httpapi.Config) { c.UI, c.Widget = ui, widget })
	for path, want := range map[string]string{"/": "ui:/", "/d/overview": "ui:/d/overview", "/widget.js": "widget:/widget.js", "/widget-demo": "widget:/widget-demo"} {
		if got := e.do("GET", path, "", nil).Body.String(); got != want {
			t.Errorf("GET %s = %q, want %q", path, got, want)
		}
	}
	wantError(t, e.do("GET", "/api/v1/nope", e.admin, nil), 404, cost.CodeNotFound, "")
	wantError(t, e.do("DELETE", "/api/v1/me", e.admin, nil), 404, cost.CodeNotFound, "")
}

func TestOpenClose(t *testing.T) {
	e := newEnv(t, nil)
	if err := e.srv.Open(); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(e.srv.URL() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("healthz status=%d", resp.StatusCode)
	}
	if err := e.srv.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := http.Get(e.srv.URL() + "/healthz"); err == nil {
		t.Error("server still answers after Close")
	}
}

// TestOpenAPI_MatchesRoutes checks that every registered route is documented and
// every documented operation is registered.
func TestOpenAPI_MatchesRoutes(t *testing.T) {
	e := newEnv(t, nil)
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	decode(t, e.do("GET", "/api/v1/openapi.json", "", nil), 200, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("openapi=%q, want 3.1.x", doc.OpenAPI)
	}
	var documented []string
	for path, ops := range doc.Paths {
		for method := range ops {
			if method == "parameters" {
				continue
			}
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	registered := e.srv.Routes()
	slices.Sort(documented)
	slices.Sort(registered)
	for _, r := range registered {
		if !slices.Contains(documented, r) {
			t.Errorf("route %q is not in openapi.json", r)
		}
	}
	for _, d := range documented {
		if !slices.Contains(registered, d) {
			t.Errorf("openapi.json documents %q, which is not registered", d)
		}
	}
	if !bytes.Equal(httpapi.OpenAPI(), e.do("GET", "/api/v1/openapi.json", "", nil).Body.Bytes()) {
		t.Error("served document differs from OpenAPI()")
	}
}

// /healthz answers 503 once the store no longer answers queries, so a
// liveness probe restarts a server whose engine needs reopening.
func TestHealth_StoreThatDoesNotAnswer(t *testing.T) {
	e := newEnv(t, nil)
	decode(t, e.do("GET", "/healthz", "", nil), 200, nil)
	e.store.Close()
	var got struct{ Status string }
	decode(t, e.do("GET", "/healthz", "", nil), 503, &got)
	if got.Status != "store unavailable" {
		t.Errorf("status = %q, want %q", got.Status, "store unavailable")
	}
	if !strings.Contains(e.logs.String(), "the store does not answer") {
		t.Error("the failed health check was not logged")
	}
}
