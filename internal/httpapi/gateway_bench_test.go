package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/llmcost/llmcost/internal/auth"
	"github.com/llmcost/llmcost/internal/budgetcheck"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/httpapi"
	"github.com/llmcost/llmcost/internal/ingest"
	"github.com/llmcost/llmcost/internal/query"
)

// benchServer is a server over an in-memory DuckDB with the real ingester,
// query layer and budget checker.
func benchServer(b *testing.B) (*httpapi.Server, *auth.Keyring, *budgetcheck.Checker, *duckdb.DB) {
	b.Helper()
	store, err := duckdb.Open("")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	keys, err := auth.NewKeyring("")
	if err != nil {
		b.Fatal(err)
	}
	now := func() time.Time { return testNow }
	q := query.NewService(store, now)
	checker := budgetcheck.New(q, store, nil)
	in := &ingest.Ingester{Store: store, Now: now}
	srv := httpapi.NewServer(httpapi.Config{Addr: "127.0.0.1:0", Store: store, Query: q, Ingester: in, Events: in,
		Keyring: keys, Budgets: checker, Now: now})
	return srv, keys, checker, store
}

// benchUsage is one request's usage, sent both ways.
type benchUsage struct {
	id, customer, model string
	t                   time.Time
	in, out             int64
}

func benchUsages(batch, n int) []benchUsage {
	models := []string{"gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet", "gemini-1.5-pro"}
	us := make([]benchUsage, n)
	for i := range us {
		us[i] = benchUsage{id: fmt.Sprintf("%08x%08x", batch, i), customer: fmt.Sprintf("cust_%03d", i%200),
			model: models[i%len(models)], t: testNow.Add(-time.Duration(i%86400) * time.Second), in: int64(100 + i%5000), out: int64(10 + i%800)}
	}
	return us
}

func otlpBody(us []benchUsage) []byte {
	td := ptrace.NewTraces()
	ss := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty()
	for _, u := range us {
		sp := ss.Spans().AppendEmpty()
		var tid pcommon.TraceID
		var sid pcommon.SpanID
		copy(tid[:], u.id)
		copy(sid[:], u.id[8:])
		sp.SetTraceID(tid)
		sp.SetSpanID(sid)
		sp.SetName("chat " + u.model)
		sp.SetStartTimestamp(pcommon.NewTimestampFromTime(u.t))
		a := sp.Attributes()
		a.PutStr("gen_ai.provider.name", "openai")
		a.PutStr("gen_ai.request.model", u.model)
		a.PutInt("gen_ai.usage.input_tokens", u.in)
		a.PutInt("gen_ai.usage.output_tokens", u.out)
		a.PutStr("customer.id", u.customer)
	}
	body, _ := (&ptrace.ProtoMarshaler{}).MarshalTraces(td)
	return body
}

func ndjsonBody(us []benchUsage) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, u := range us {
		enc.Encode(cost.Event{ID: "otlp:" + u.id, Timestamp: u.t, Provider: "openai", Model: u.model,
			CustomerID: u.customer, InputTokens: u.in, OutputTokens: u.out})
	}
	return buf.Bytes()
}

// BenchmarkGatewayIngest posts the same usage (20 requests of 5,000 spans or
// events) as OTLP/HTTP protobuf to /v1/traces and as NDJSON to
// /api/v1/ingest?format=events, through the handler into DuckDB.
func BenchmarkGatewayIngest(b *testing.B) {
	const requests, perRequest = 20, 5000
	for _, path := range []struct{ name, url, ct string }{
		{"otlp", "/v1/traces", "application/x-protobuf"},
		{"ndjson", "/api/v1/ingest?format=events", "application/x-ndjson"},
	} {
		b.Run(path.name, func(b *testing.B) {
			srv, keys, _, _ := benchServer(b)
			var elapsed time.Duration
			for i := 0; i < b.N; i++ {
				bodies := make([][]byte, requests)
				for r := range bodies {
					us := benchUsages(i*requests+r, perRequest)
					if path.name == "otlp" {
						bodies[r] = otlpBody(us)
					} else {
						bodies[r] = ndjsonBody(us)
					}
				}
				start := time.Now()
				for _, body := range bodies {
					req := httptest.NewRequest("POST", path.url, bytes.NewReader(body))
					req.Header.Set("Authorization", "Bearer "+keys.AdminToken())
					req.Header.Set("Content-Type", path.ct)
					w := httptest.NewRecorder()
					srv.Handler().ServeHTTP(w, req)
					if w.Code != 200 {
						b.Fatalf("%s: %d %s", path.url, w.Code, w.Body)
					}
				}
				elapsed += time.Since(start)
			}
			b.ReportMetric(float64(b.N*requests*perRequest)/elapsed.Seconds(), "spans/s")
		})
	}
}

// BenchmarkBudgetCheck has 100 concurrent clients ask GET
// /api/v1/budget-check with a gateway token, 200 times each, for 200
// customers (half with a budget), and reports the latency percentiles:
// "saturated" over real keep-alive connections to a listening server with each
// client asking again as soon as it has its answer, "paced_N_per_s" over the
// same connections at a fixed offered rate, "handler" through the handler
// in-process (the server's own share).
func BenchmarkBudgetCheck(b *testing.B) {
	const clients, perClient = 100, 200
	srv, keys, checker, store := benchServer(b)
	ctx := context.Background()
	in := httptest.NewRequest("POST", "/api/v1/ingest?format=events", bytes.NewReader(ndjsonBody(benchUsages(0, 20000))))
	in.Header.Set("Authorization", "Bearer "+keys.AdminToken())
	w := httptest.NewRecorder()
	srv.Handler().ServeHTTP(w, in)
	if w.Code != 200 {
		b.Fatalf("ingest: %d %s", w.Code, w.Body)
	}
	for i := 0; i < 200; i += 2 {
		if err := store.SetBudget(ctx, cost.Budget{CustomerID: fmt.Sprintf("cust_%03d", i), MonthlyUSD: float64(i)}); err != nil {
			b.Fatal(err)
		}
	}
	if err := checker.Refresh(ctx); err != nil {
		b.Fatal(err)
	}
	if err := srv.Open(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })
	gw, _, err := keys.MintGateway("bench", time.Hour, testNow)
	if err != nil {
		b.Fatal(err)
	}
	path := func(c, r int) string { return fmt.Sprintf("/api/v1/budget-check?customer_id=cust_%03d", (c+r)%200) }
	// overHTTP makes a client with its own keep-alive connection.
	overHTTP := func() func(c, r int) error {
		hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
		return func(c, r int) error {
			req, _ := http.NewRequest("GET", srv.URL()+path(c, r), nil)
			req.Header.Set("Authorization", "Bearer "+gw)
			resp, err := hc.Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			var d budgetcheck.Decision
			return json.NewDecoder(resp.Body).Decode(&d)
		}
	}
	b.Run("saturated", func(b *testing.B) { runClients(b, clients, overHTTP, perClient) })
	// "paced" is the same 100 keep-alive clients at the offered loads a
	// gateway in front of a busy product sends (each client asks every
	// 100, 50 or 20 ms: 1,000, 2,000 or 5,000 checks a second in all), with
	// latency counted from the moment a check was due, so time spent queued
	// behind a late one counts too.
	for _, every := range []time.Duration{100 * time.Millisecond, 50 * time.Millisecond, 20 * time.Millisecond} {
		rate := int(time.Second/every) * clients
		b.Run(fmt.Sprintf("paced_%d_per_s", rate), func(b *testing.B) {
			runPaced(b, clients, every, int(time.Second/every), overHTTP)
		})
	}
	b.Run("handler", func(b *testing.B) {
		runClients(b, clients, func() func(c, r int) error {
			return func(c, r int) error {
				req := httptest.NewRequest("GET", path(c, r), nil)
				req.Header.Set("Authorization", "Bearer "+gw)
				w := httptest.NewRecorder()
				srv.Handler().ServeHTTP(w, req)
				if w.Code != 200 && w.Code != 403 {
					return fmt.Errorf("status %d", w.Code)
				}
				return nil
			}
		}, perClient)
	})
}

// runPaced runs n concurrent clients, each making perClient calls one every
// interval (phases spread evenly over the first interval), and reports the
// latency percentiles (counting time queued behind a late call) and the rate
// the clients offered.
func runPaced(b *testing.B, n int, interval time.Duration, perClient int, newClient func() func(c, r int) error) {
	var all []time.Duration
	var wall time.Duration
	for i := 0; i < b.N; i++ {
		lat := make([][]time.Duration, n)
		calls := make([]func(c, r int) error, n)
		for c := range calls {
			// Each client opens its keep-alive connection before the clock
			// starts, as a gateway's pool has long before a burst.
			calls[c] = newClient()
			if err := calls[c](c, 0); err != nil {
				b.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		start := time.Now()
		for c := 0; c < n; c++ {
			wg.Add(1)
			go func(c int) {
				defer wg.Done()
				call := calls[c]
				first := start.Add(interval * time.Duration(c) / time.Duration(n))
				for r := 0; r < perClient; r++ {
					// A client that is behind (its previous check ran past
					// this one's due time) counts from the due time; one
					// that waited counts from when it woke, so the timer's
					// own lateness is not charged to the server.
					start := first.Add(interval * time.Duration(r))
					if wait := time.Until(start); wait > 0 {
						time.Sleep(wait)
						start = time.Now()
					}
					if err := call(c, r); err != nil {
						b.Error(err)
						return
					}
					lat[c] = append(lat[c], time.Since(start))
				}
			}(c)
		}
		wg.Wait()
		wall += time.Since(start)
		for _, l := range lat {
			all = append(all, l...)
		}
	}
	slices.Sort(all)
	pct := func(p float64) float64 { return float64(all[int(p*float64(len(all)-1))].Microseconds()) / 1000 }
	b.ReportMetric(float64(len(all))/wall.Seconds(), "checks/s")
	b.ReportMetric(pct(0.50), "p50_ms")
	b.ReportMetric(pct(0.99), "p99_ms")
	b.ReportMetric(pct(1), "max_ms")
}

// runClients runs n concurrent clients making perClient calls each, per
// iteration, and reports the calls' latency percentiles.
func runClients(b *testing.B, n int, newClient func() func(c, r int) error, perClient int) {
	var all []time.Duration
	for i := 0; i < b.N; i++ {
		lat := make([][]time.Duration, n)
		var wg sync.WaitGroup
		for c := 0; c < n; c++ {
			wg.Add(1)
			go func(c int) {
				defer wg.Done()
				call := newClient()
				for r := 0; r < perClient; r++ {
					start := time.Now()
					if err := call(c, r); err != nil {
						b.Error(err)
						return
					}
					lat[c] = append(lat[c], time.Since(start))
				}
			}(c)
		}
		wg.Wait()
		for _, l := range lat {
			all = append(all, l...)
		}
	}
	slices.Sort(all)
	pct := func(p float64) float64 { return float64(all[int(p*float64(len(all)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50_ms")
	b.ReportMetric(pct(0.99), "p99_ms")
	b.ReportMetric(pct(1), "max_ms")
}
