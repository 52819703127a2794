package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/httpapi"
	"github.com/llmcost/llmcost/internal/query"
)

func TestPanelETag(t *testing.T) {
	e := newEnv(t, nil)
	calls := 0
	e.query.PanelFn = func(ctx context.Context, p cost.Principal, req cost.PanelRequest) (*cost.Result, error) {
		calls++
		return &cost.Result{Frame: cost.Frame{Columns: []string{"cost"}, Rows: [][]any{{1.0}}}}, nil
	}
	const path = "/api/v1/panels/overview/cost-by-provider?from=2026-11-01&to=2026-11-28"
	first := e.do("GET", path, e.admin, nil)
	decode(t, first, http.StatusOK, nil)
	tag := first.Header().Get("ETag")
	if !strings.HasPrefix(tag, `W/"`) {
		t.Fatalf("ETag = %q, want a weak tag", tag)
	}
	if cc := first.Header().Get("Cache-Control"); cc != "private, no-cache" {
		t.Errorf("Cache-Control = %q, want private, no-cache", cc)
	}

	again := e.do("GET", path, e.admin, nil, "If-None-Match", tag)
	if again.Code != http.StatusNotModified || again.Body.Len() != 0 || calls != 1 {
		t.Errorf("repeat with If-None-Match: status %d, body %q, panel ran %d times; want 304, empty, once",
			again.Code, again.Body.String(), calls)
	}
	if again.Header().Get("ETag") != tag {
		t.Errorf("304 ETag = %q, want %q", again.Header().Get("ETag"), tag)
	}

	other := e.do("GET", path, e.acme, nil, "If-None-Match", tag)
	if other.Code != http.StatusOK || other.Header().Get("ETag") == tag {
		t.Errorf("another principal with the admin's tag: status %d, ETag %q; want 200 and its own tag",
			other.Code, other.Header().Get("ETag"))
	}
	otherRange := e.do("GET", strings.Replace(path, "from=2026-11-01", "from=2026-11-02", 1), e.admin, nil,
		"If-None-Match", tag)
	if otherRange.Code != http.StatusOK {
		t.Errorf("another range with the same tag: status %d, want 200", otherRange.Code)
	}

	if err := e.store.SetBudget(context.Background(), cost.Budget{MonthlyUSD: 100}); err != nil {
		t.Fatal(err)
	}
	changed := e.do("GET", path, e.admin, nil, "If-None-Match", tag)
	if changed.Code != http.StatusOK || changed.Header().Get("ETag") == tag {
		t.Errorf("after a budget change: status %d, ETag %q; want 200 and a new tag", changed.Code, changed.Header().Get("ETag"))
	}
}

func TestErrorsCarryNoETag(t *testing.T) {
	e := newEnv(t, nil)
	w := e.do("GET", "/api/v1/panels/overview/cost-by-provider?var-customer_id=cust_globex", e.acme, nil)
	if w.Code == http.StatusOK {
		t.Fatalf("status %d, want an error", w.Code)
	}
	if w.Header().Get("ETag") != "" || w.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("error response: ETag %q, Cache-Control %q; want none and no-store",
			w.Header().Get("ETag"), w.Header().Get("Cache-Control"))
	}
}

func TestQueryETagFollowsBody(t *testing.T) {
	e := newEnv(t, nil)
	e.query.QueryFn = func(ctx context.Context, p cost.Principal, q cost.Query) (*cost.Result, error) {
		return &cost.Result{Frame: cost.Frame{Columns: []string{"cost_usd"}, Rows: [][]any{{2.0}}}}, nil
	}
	tagOf := func(body string, hdr ...string) (int, string) {
		w := e.do("POST", "/api/v1/query", e.admin, body, hdr...)
		return w.Code, w.Header().Get("ETag")
	}
	_, a := tagOf(`{"metrics":["cost_usd"],"period":{"name":"yesterday"}}`)
	_, b := tagOf(`{"metrics":["cost_usd"],"period":{"name":"last_7_days"}}`)
	if a == "" || a == b {
		t.Fatalf("tags %q and %q: want two different tags", a, b)
	}
	if code, _ := tagOf(`{"period":{"name":"yesterday"},"metrics":["cost_usd"]}`, "If-None-Match", a); code != http.StatusNotModified {
		t.Errorf("same query, keys reordered: status %d, want 304", code)
	}
}

func TestQuickStatsAndCacheMetrics(t *testing.T) {
	var cached *query.Cached
	e := newEnv(t, func(c *httpapi.Config) {
		cached = query.NewCached(query.NewService(c.Store, func() time.Time { return testNow }), 1<<20, nil)
		c.Query = cached
	})
	line := cost.LineItem{Date: cost.Day(testNow).AddDate(0, 0, -3), CloudProvider: "AWS", Service: "Amazon Bedrock",
		Model: "claude-3-5-sonnet", TokenType: cost.TokenInput, UsageAmount: 10, UsageUnit: "tokens", CostUSD: 12.5,
		Currency: "USD", CustomerID: "cust_acme", CostSource: cost.SourceBillingExport, Source: "t", SourcePartition: "p"}
	if _, err := e.store.Apply(context.Background(), &cost.Batch{Replace: []cost.Partition{{Source: "t", Key: "p"}},
		Lines: []cost.LineItem{line}}); err != nil {
		t.Fatal(err)
	}
	var qs cost.QuickStats
	// The second request asks for another encoding, so it is answered from the
	// result cache rather than from the encoded bodies.
	for _, enc := range []string{"identity", "gzip"} {
		decode(t, e.do("GET", "/api/v1/quick-stats", e.acme, nil, "Accept-Encoding", enc), http.StatusOK, &qs)
	}
	if qs.DataThrough == nil || *qs.DataThrough != "2026-11-25" || qs.Last7Days != 12.5 {
		t.Errorf("quick stats: data_through %v, last 7 days %v; want 2026-11-25 and 12.5", qs.DataThrough, qs.Last7Days)
	}
	w := e.do("GET", "/metrics", "", nil)
	body := w.Body.String()
	for _, want := range []string{"llmcost_query_cache_hits_total 1", "llmcost_query_cache_misses_total 1",
		"llmcost_query_cache_bytes "} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

func TestRepeatIsServedEncoded(t *testing.T) {
	e := newEnv(t, nil)
	calls := 0
	e.query.PanelFn = func(ctx context.Context, p cost.Principal, req cost.PanelRequest) (*cost.Result, error) {
		calls++
		rows := make([][]any, 200)
		for i := range rows {
			rows[i] = []any{p.String(), float64(i)}
		}
		return &cost.Result{Frame: cost.Frame{Columns: []string{"who", "n"}, Rows: rows}}, nil
	}
	const path = "/api/v1/panels/overview/cost-by-provider"
	type answer struct {
		Rows [][]any `json:"rows"`
	}
	for _, enc := range []string{"gzip", "identity", "zstd"} {
		for _, tok := range []string{e.acme, e.globex, e.acme, e.globex} {
			var b answer
			decode(t, e.do("GET", path, tok, nil, "Accept-Encoding", enc), http.StatusOK, &b)
			want := "customer:cust_acme"
			if tok == e.globex {
				want = "customer:cust_globex"
			}
			if len(b.Rows) != 200 || b.Rows[0][0] != want {
				t.Errorf("%s (%s): first row %v of %d, want %s's", want, enc, b.Rows[0], len(b.Rows), want)
			}
		}
	}
	if calls != 6 {
		t.Errorf("panel computed %d times for 2 principals × 3 encodings, want 6", calls)
	}
	if err := e.store.SetBudget(context.Background(), cost.Budget{MonthlyUSD: 1}); err != nil {
		t.Fatal(err)
	}
	decode(t, e.do("GET", path, e.acme, nil), http.StatusOK, nil)
	if calls != 7 {
		t.Errorf("after a data change the panel was computed %d times in all, want 7", calls)
	}
}
