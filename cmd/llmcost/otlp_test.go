package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// spanDay is when the test's spans happen.
var spanDay = time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)

// Catalog prices (USD per million tokens) the expected figures use.
const (
	gpt4oIn, gpt4oOut, gpt4oCacheRead    = 2.5, 10.0, 1.25
	sonnetIn, sonnetOut, sonnetCacheRead = 3.0, 15.0, 0.3
	perMillion                           = 1e-6
)

// sendSpans exports spans through the OpenTelemetry Go SDK's OTLP/HTTP
// exporter (protobuf, gzip) to the server.
func sendSpans(t *testing.T, base, token string) {
	t.Helper()
	ctx := context.Background()
	exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(base+"/v1/traces"),
		otlptracehttp.WithHeaders(map[string]string{"Authorization": "Bearer " + token}),
		otlptracehttp.WithCompression(otlptracehttp.GzipCompression), otlptracehttp.WithRetry(otlptracehttp.RetryConfig{Enabled: false}))
	if err != nil {
		t.Fatal(err)
	}
	res := resource.NewSchemaless(attribute.String("service.name", "support-bot"), attribute.String("tenant.id", "cust_globex"))
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp), sdktrace.WithResource(res))
	tr := tp.Tracer("test")
	span := func(name string, attrs ...attribute.KeyValue) {
		_, sp := tr.Start(ctx, name, trace.WithTimestamp(spanDay), trace.WithAttributes(attrs...))
		sp.End(trace.WithTimestamp(spanDay.Add(2 * time.Second)))
	}
	// Current conventions: input tokens include the cached ones.
	span("chat gpt-4o", attribute.String("gen_ai.provider.name", "openai"), attribute.String("gen_ai.operation.name", "chat"),
		attribute.String("gen_ai.request.model", "gpt-4o"), attribute.String("gen_ai.response.model", "gpt-4o"),
		attribute.Int("gen_ai.usage.input_tokens", 12000), attribute.Int("gen_ai.usage.output_tokens", 3000),
		attribute.Int("gen_ai.usage.cache_read.input_tokens", 2000), attribute.String("customer.id", "cust_acme"))
	// Older names; the customer comes from the resource.
	span("bedrock invoke", attribute.String("gen_ai.system", "aws.bedrock"), attribute.String("gen_ai.request.model", "claude-3-5-sonnet"),
		attribute.Int("gen_ai.usage.prompt_tokens", 4000), attribute.Int("gen_ai.usage.completion_tokens", 1000))
	span("GET /healthz", attribute.String("http.request.method", "GET"), attribute.Int("http.response.status_code", 200))
	if err := tp.Shutdown(ctx); err != nil {
		t.Fatalf("exporter: %v", err)
	}
}

// otlpJSON is an OTLP/JSON payload shaped like OpenLLMetry's Anthropic
// instrumentation (older attribute names; input tokens exclude cache reads)
// and OpenLIT's OpenAI one (a reported cost, the end user as customer).
func otlpJSON(promptTokens string) string {
	start := spanDay.UnixNano()
	return fmt.Sprintf(`{"resourceSpans":[
 {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"support-bot"}},{"key":"tenant.id","value":{"stringValue":"cust_globex"}}]},
  "scopeSpans":[{"scope":{"name":"opentelemetry.instrumentation.anthropic","version":"0.33.0"},"spans":[
   {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"anthropic.chat","kind":3,
    "startTimeUnixNano":"%d","endTimeUnixNano":"%d","attributes":[
     {"key":"gen_ai.system","value":{"stringValue":"Anthropic"}},
     {"key":"llm.request.type","value":{"stringValue":"chat"}},
     {"key":"gen_ai.request.model","value":{"stringValue":"claude-3-5-sonnet"}},
     {"key":"gen_ai.usage.prompt_tokens","value":{"intValue":"%s"}},
     {"key":"gen_ai.usage.completion_tokens","value":{"intValue":"500"}},
     {"key":"gen_ai.usage.cache_read_input_tokens","value":{"intValue":"8000"}}]}]}]},
 {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"agent"}},{"key":"telemetry.sdk.name","value":{"stringValue":"openlit"}}]},
  "scopeSpans":[{"scope":{"name":"openlit.otel.tracing"},"spans":[
   {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"openai.chat.completions","kind":3,
    "startTimeUnixNano":"%d","endTimeUnixNano":"%d","attributes":[
     {"key":"gen_ai.system","value":{"stringValue":"openai"}},
     {"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}},
     {"key":"gen_ai.usage.input_tokens","value":{"intValue":"2000"}},
     {"key":"gen_ai.usage.output_tokens","value":{"intValue":"1000"}},
     {"key":"gen_ai.usage.cost","value":{"doubleValue":0.5}},
     {"key":"enduser.id","value":{"stringValue":"cust_initech"}}]},
   {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"c7ad6b7169203332","name":"agent.step","kind":1,
    "startTimeUnixNano":"%d","endTimeUnixNano":"%d","attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"invoke_agent"}}]}]}]}]}`,
		start, start+1e9, promptTokens, start, start+1e9, start, start+1e9)
}

// post sends an OTLP body and returns the status and response body.
func post(t *testing.T, base, token, contentType, encoding string, body []byte) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), "POST", base+"/v1/traces", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", contentType)
	if encoding != "" {
		req.Header.Set("Content-Encoding", encoding)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

// TestServe_OTLPIngest sends GenAI spans with the OTel SDK exporter and as
// instrumentation-shaped JSON, and checks the stored cost and tokens against
// the catalog's prices.
func TestServe_OTLPIngest(t *testing.T) {
	m := mustRun(t, e2eEnv, "serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0")
	base := m.Server.URL()
	admin := client{t, base, testAdminToken}
	byCustomer := func() (map[string]float64, map[string]float64) {
		var res result
		admin.must(200, "POST", "/api/v1/query", `{"metrics":["cost_usd","usage_amount"],"group_by":["customer_id"],"period":{"from":"2026-11-29","to":"2026-11-29"}}`, &res)
		return res.sums(t, "customer_id", "cost_usd"), res.sums(t, "customer_id", "usage_amount")
	}

	sendSpans(t, base, testAdminToken)
	acme := (10000*gpt4oIn + 2000*gpt4oCacheRead + 3000*gpt4oOut) * perMillion
	globex := (4000*sonnetIn + 1000*sonnetOut) * perMillion
	costs, tokens := byCustomer()
	assertSums(t, "cost after SDK export", costs, map[string]float64{"cust_acme": acme, "cust_globex": globex})
	assertSums(t, "tokens after SDK export", tokens, map[string]float64{"cust_acme": 15000, "cust_globex": 5000})
	var gw struct{ Token string }
	admin.must(201, "POST", "/api/v1/gateway-tokens", `{"name":"otel"}`, &gw)
	if _, _, d, _ := check(t, base, "/api/v1/budget-check?customer_id=cust_acme", bearerHdr(gw.Token)); !near(d.Spent, acme) {
		t.Errorf("budget check spent after spans=%v, want %v", d.Spent, acme)
	}
	var prov result
	admin.must(200, "POST", "/api/v1/query", `{"metrics":["cost_usd"],"group_by":["cloud_provider"],"period":{"from":"2026-11-29","to":"2026-11-29"}}`, &prov)
	assertSums(t, "cost by provider", prov.sums(t, "cloud_provider", "cost_usd"), map[string]float64{"OpenAI": acme, "AWS": globex})

	code, body := post(t, base, testAdminToken, "application/json", "", []byte(otlpJSON("1500")))
	if code != 200 || strings.TrimSpace(body) != "{}" {
		t.Fatalf("JSON export: %d %s, want 200 {}", code, body)
	}
	globex += (1500*sonnetIn + 500*sonnetOut + 8000*sonnetCacheRead) * perMillion
	want := map[string]float64{"cust_acme": acme, "cust_globex": globex, "cust_initech": 0.5}
	costs, tokens = byCustomer()
	assertSums(t, "cost after JSON export", costs, want)
	assertSums(t, "tokens after JSON export", tokens, map[string]float64{"cust_acme": 15000, "cust_globex": 15000, "cust_initech": 3000})

	t.Run("SameSpansTwiceCountOnce", func(t *testing.T) {
		if code, body := post(t, base, testAdminToken, "application/json", "", []byte(otlpJSON("1500"))); code != 200 {
			t.Fatalf("resend: %d %s", code, body)
		}
		costs, _ := byCustomer()
		assertSums(t, "cost after resending", costs, want)
	})

	t.Run("BadPayloadsChangeNothing", func(t *testing.T) {
		var zeros bytes.Buffer
		zw := gzip.NewWriter(&zeros)
		zw.Write(make([]byte, 17<<20))
		zw.Close()
		for _, c := range []struct {
			name, contentType, encoding string
			body                        []byte
			wantMsg                     string
		}{
			{"not protobuf", "application/x-protobuf", "", []byte{0xff, 0xff, 0xff, 0xff}, "not an OTLP"},
			{"not JSON", "application/json", "", []byte(`{"resourceSpans":[`), "not an OTLP"},
			{"negative tokens", "application/json", "", []byte(otlpJSON("-5")), "gen_ai.usage.prompt_tokens"},
			{"text body", "text/plain", "", []byte("hello"), "Content-Type"},
			{"bad gzip", "application/json", "gzip", []byte("not gzip"), "gzip"},
			{"gzip bomb", "application/x-protobuf", "gzip", zeros.Bytes(), "larger than"},
		} {
			code, body := post(t, base, testAdminToken, c.contentType, c.encoding, c.body)
			if code != 400 || !strings.Contains(body, c.wantMsg) {
				t.Errorf("%s: %d %s, want 400 mentioning %q", c.name, code, body, c.wantMsg)
			}
		}
		costs, _ := byCustomer()
		assertSums(t, "cost after bad payloads", costs, want)
	})

	t.Run("CustomerTokenRefused", func(t *testing.T) {
		var tok struct{ Token string }
		admin.must(201, "POST", "/api/v1/tokens", `{"customer_id":"cust_acme"}`, &tok)
		if code, body := post(t, base, tok.Token, "application/json", "", []byte(otlpJSON("1"))); code != 403 {
			t.Errorf("customer token: %d %s, want 403", code, body)
		}
	})

	t.Run("DroppedSpansCounted", func(t *testing.T) {
		resp, err := http.Get(base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		// One health-check span from the SDK, one agent step per JSON export
		// (two accepted exports).
		for _, line := range []string{`llmcost_otlp_spans_total{outcome="dropped"} 3`, `llmcost_otlp_spans_total{outcome="usage"} 6`} {
			if !strings.Contains(string(raw), line) {
				t.Errorf("metrics lack %q", line)
			}
		}
	})
}
