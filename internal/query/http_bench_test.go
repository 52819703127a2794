package query_test

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/llmcost/llmcost/internal/alert"
	"github.com/llmcost/llmcost/internal/auth"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/httpapi"
	"github.com/llmcost/llmcost/internal/query"
)

// benchReps is how many times each measurement is repeated; tables show the median.
const benchReps = 3

// httpBench is a running llmcost HTTP server over a benchmark store.
type httpBench struct {
	db     *duckdb.DB
	srv    *httpapi.Server
	token  string
	client *http.Client
	today  time.Time
	// through is the day the data runs through, as the last freshness said.
	through string
}

// newHTTPBench serves db through the real HTTP server, with the result cache
// and the server's encoded answers, or without either.
func newHTTPBench(b *testing.B, db *duckdb.DB, today time.Time, cached bool) *httpBench {
	keys, err := auth.NewKeyring("")
	if err != nil {
		b.Fatal(err)
	}
	clock := func() time.Time { return today.Add(12 * time.Hour) }
	svc := query.NewService(db, clock)
	var q cost.QueryService = svc
	answers := int64(-1) // Without the caches, every request is computed.
	if cached {
		q, answers = query.NewCached(svc, 0, nil), 0
	}
	alerts := alert.New(alert.Config{Query: q, Store: db, Alerts: db}) // Not run: the UI only reads its events.
	b.Cleanup(func() { alerts.Close() })
	srv := httpapi.NewServer(httpapi.Config{Addr: "127.0.0.1:0", Store: db, Query: q, Keyring: keys, Now: clock,
		Alerts: alerts, AnswerCacheBytes: answers})
	if err := srv.Open(); err != nil {
		b.Fatal(err)
	}
	h := &httpBench{db: db, srv: srv, token: keys.AdminToken(), today: today,
		client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	b.Cleanup(h.close)
	return h
}

// close drops the client's connections, then stops the server.
func (h *httpBench) close() {
	h.client.CloseIdleConnections()
	h.srv.Close()
}

// browserAccepts is the Accept-Encoding Chromium sends.
const browserAccepts = "gzip, deflate, br, zstd"

// uiRequest is one request of the web UI: a method, an API path with its
// query, and for POST a JSON body.
type uiRequest struct{ method, path, body string }

// get fetches one API path; see do.
func (h *httpBench) get(path, etag string) (string, error) {
	tag, _, err := h.do(uiRequest{"GET", path, ""}, etag)
	return tag, err
}

// do sends one request as the web UI in a browser does, and reads and
// decompresses the whole body; etag, when set, is sent as If-None-Match. It
// returns the response's ETag and its body.
func (h *httpBench) do(u uiRequest, etag string) (string, []byte, error) {
	var body io.Reader
	if u.body != "" {
		body = strings.NewReader(u.body)
	}
	req, err := http.NewRequest(u.method, h.srv.URL()+"/api/v1/"+u.path, body)
	if err != nil {
		return "", nil, err
	}
	req.Header.Set("Authorization", "Bearer "+h.token)
	req.Header.Set("Accept-Encoding", browserAccepts)
	if u.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	res, err := h.client.Do(req)
	if err != nil {
		return "", nil, err
	}
	defer res.Body.Close()
	b, err := readBody(res)
	if err != nil {
		return "", nil, fmt.Errorf("%s %s: %w", u.method, u.path, err)
	}
	if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusNotModified {
		return "", nil, fmt.Errorf("%s %s: %s", u.method, u.path, res.Status)
	}
	return res.Header.Get("ETag"), b, nil
}

// zstdReaders reuses decompressors, as a browser keeps its own.
var zstdReaders = sync.Pool{New: func() any {
	zr, _ := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1))
	return zr
}}

// readBody reads and decompresses a response's body, as a browser does.
func readBody(res *http.Response) ([]byte, error) {
	var rd io.Reader = res.Body
	switch enc := res.Header.Get("Content-Encoding"); enc {
	case "":
	case "gzip":
		zr, err := gzip.NewReader(rd)
		if err != nil {
			return nil, err
		}
		rd = zr
	case "zstd":
		zr := zstdReaders.Get().(*zstd.Decoder)
		defer zstdReaders.Put(zr)
		if err := zr.Reset(rd); err != nil {
			return nil, err
		}
		rd = zr
	default:
		return nil, fmt.Errorf("Content-Encoding %q", enc)
	}
	return io.ReadAll(rd)
}

// dashboardLoad returns the requests the web UI sends to open a dashboard as
// an admin (app.js, loadPanels) after the freshness stage (freshnessStage):
// every card at once, each panel and the UI's own panels (extras.js: the
// overview's budget pace and billed vs estimated token cost, the anomaly
// dashboard's recent alerts); then the month's unpriced tokens by model, for
// the unpriced-usage notice. through is the day the data runs through, which the unusual
// customers panel is asked for.
func dashboardLoad(d cost.DashboardDef, vars url.Values, through string) (cards []uiRequest, after uiRequest) {
	customer := vars.Get("var-customer_id")
	for _, p := range d.Panels {
		q := vars
		if p.ID == "unusual-customers" {
			q = withValues(vars, url.Values{"date": {through}})
		}
		cards = append(cards, uiRequest{"GET", "panels/" + d.ID + "/" + p.ID + "?" + q.Encode(), ""})
	}
	switch d.ID {
	case "overview":
		budget := url.Values{}
		if customer != "" {
			budget.Set("customer_id", customer)
		}
		cards = append(cards, uiRequest{"GET", "budgets/status?" + budget.Encode(), ""},
			uiRequest{"POST", "query", billedVsEstimated(vars)})
	case "anomalies":
		cards = append(cards, uiRequest{"GET", "alerts/events?limit=50", ""})
	}
	filters := []map[string]any{}
	if customer != "" {
		filters = append(filters, map[string]any{"dimension": "customer_id", "op": "eq", "values": []string{customer}})
	}
	return cards, uiRequest{"POST", "query", jsonBody(map[string]any{"metrics": []string{"unpriced_tokens"},
		"group_by": []string{"model"}, "filters": filters,
		"having": []map[string]any{{"metric": "unpriced_tokens", "op": "gt", "value": 0}},
		"period": map[string]string{"name": "month_to_date"}})}
}

// freshnessStage is what the web UI asks before its cards (fresh.js): the
// freshness, and the last 7 days' provisional and estimated days.
func freshnessStage(vars url.Values) []uiRequest {
	filters := []map[string]any{{"dimension": "data_status", "op": "in", "values": []string{"estimated", "provisional"}}}
	if c := vars.Get("var-customer_id"); c != "" {
		filters = append(filters, map[string]any{"dimension": "customer_id", "op": "eq", "values": []string{c}})
	}
	return []uiRequest{{"GET", "freshness", ""}, {"POST", "query", jsonBody(map[string]any{
		"metrics": []string{"cost_usd"}, "group_by": []string{"date", "data_status"}, "filters": filters,
		"period": map[string]string{"name": "last_7_days"}})}}
}

// billedVsEstimated is the body of the overview's billed vs estimated query
// (extras.js), under the dashboard's variables.
func billedVsEstimated(vars url.Values) string {
	filters := []map[string]any{
		{"dimension": "cost_source", "op": "in", "values": []string{"billing_export", "event_estimate", "event_reported"}},
		{"dimension": "token_type", "op": "not_in", "values": []string{""}},
	}
	if v := vars["var-cloud_provider"]; len(v) > 0 {
		filters = append(filters, map[string]any{"dimension": "cloud_provider", "op": "in", "values": v})
	}
	if c := vars.Get("var-customer_id"); c != "" {
		filters = append(filters, map[string]any{"dimension": "customer_id", "op": "eq", "values": []string{c}})
	}
	if v := vars["var-model"]; len(v) > 0 {
		filters = append(filters, map[string]any{"dimension": "model", "op": "in", "values": v})
	}
	return jsonBody(map[string]any{"metrics": []string{"cost_usd"}, "group_by": []string{"date", "cloud_provider", "cost_source"},
		"filters": filters, "period": map[string]string{"from": vars.Get("from"), "to": vars.Get("to")}})
}

func jsonBody(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// withValues returns vars with add's keys set.
func withValues(vars, add url.Values) url.Values {
	v := url.Values{}
	for k, vs := range vars {
		v[k] = vs
	}
	for k, vs := range add {
		v[k] = vs
	}
	return v
}

// load opens a dashboard as the web UI does, stage after stage, each
// stage's requests at once (dashboardLoad), and returns the wall and CPU time
// it took. With etags it revalidates GETs (If-None-Match), as a browser does,
// and records their tags; a POST is sent again.
func (h *httpBench) load(d cost.DashboardDef, vars url.Values, etags map[string]string) (wall, cpu time.Duration, err error) {
	c0, t0 := cpuTime(), time.Now()
	var mu sync.Mutex
	stage := func(reqs []uiRequest) ([][]byte, error) {
		bodies := make([][]byte, len(reqs))
		errs := make([]error, len(reqs))
		var wg sync.WaitGroup
		for i, u := range reqs {
			wg.Go(func() {
				var tag string
				mu.Lock()
				if u.method == "GET" {
					tag = etags[u.path]
				}
				mu.Unlock()
				tag, bodies[i], errs[i] = h.do(u, tag)
				mu.Lock()
				if u.method == "GET" {
					etags[u.path] = tag
				}
				mu.Unlock()
			})
		}
		wg.Wait()
		return bodies, errors.Join(errs...)
	}
	fresh, err := stage(freshnessStage(vars))
	if err != nil {
		return 0, 0, err
	}
	// A revalidated freshness has no body: the browser keeps the one before.
	if len(fresh[0]) > 0 {
		var f struct {
			DataThrough string `json:"data_through"`
		}
		if err := json.Unmarshal(fresh[0], &f); err != nil {
			return 0, 0, err
		}
		h.through = f.DataThrough
	}
	cards, after := dashboardLoad(d, vars, h.through)
	if _, err := stage(cards); err != nil {
		return 0, 0, err
	}
	if _, err := stage([]uiRequest{after}); err != nil {
		return 0, 0, err
	}
	return time.Since(t0), cpuTime() - c0, nil
}

// cpuTime is the CPU time (user + system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }

// BenchmarkHTTP loads every dashboard through the real HTTP server the way the
// web UI does (its freshness line, then all its cards at once, then the
// unpriced-usage notice; see load), asking for what Chromium asks for: cold (a new
// result cache each time), warm (answers in the server's cache) and revalidated
// (the browser's If-None-Match, answered 304); then each panel over HTTP without
// the cache interleaved with its hand-written SQL straight on DuckDB; then
// filtered loads, explain and reconciliation. Figures are medians of benchReps
// runs; CPU is the process's CPU time (server and DuckDB) during the load.
// LLMCOST_BENCH_ROWS sets the number of cost lines (default 36.5M).
func BenchmarkHTTP(b *testing.B) {
	rows := benchSize(b)
	today := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	db := openBench(b, rows, today)
	r := cost.DateRange{From: today.AddDate(0, 0, -30), To: today}
	vars := url.Values{"from": {r.From.Format(cost.DateLayout)}, "to": {r.To.Format(cost.DateLayout)}}
	for b.Loop() {
		fmt.Printf("\nDashboards over HTTP, %d cost lines, range %s..%s (median of %d; CPU = process CPU time)\n",
			rows, vars.Get("from"), vars.Get("to"), benchReps)
		fmt.Printf("%-12s %10s %8s %10s %8s %14s\n", "dashboard", "cold ms", "cpu s", "warm ms", "cpu s", "revalidate ms")
		for _, d := range cost.Dashboards {
			benchDashboard(b, db, today, d, vars)
		}
		benchPanelsHTTP(b, db, today, r, vars)
		benchFiltered(b, db, today, vars)
		benchAnalysis(b, db, today, r)
	}
}

func benchDashboard(b *testing.B, db *duckdb.DB, today time.Time, d cost.DashboardDef, vars url.Values) {
	var cold, coldCPU, warm, warmCPU, reval []time.Duration
	for range benchReps {
		h := newHTTPBench(b, db, today, true)
		wall, cpu, err := h.load(d, vars, map[string]string{})
		if err != nil {
			b.Fatal(err)
		}
		cold, coldCPU = append(cold, wall), append(coldCPU, cpu)
		etags := map[string]string{}
		if wall, cpu, err = h.load(d, vars, etags); err != nil {
			b.Fatal(err)
		}
		warm, warmCPU = append(warm, wall), append(warmCPU, cpu)
		if wall, _, err = h.load(d, vars, etags); err != nil {
			b.Fatal(err)
		}
		reval = append(reval, wall)
		h.close()
	}
	fmt.Printf("%-12s %10s %8.3f %10s %8.3f %14s\n", d.ID, ms(median(cold)), median(coldCPU).Seconds(),
		ms(median(warm)), median(warmCPU).Seconds(), ms(median(reval)))
}

// panelReps is the fewest interleaved runs the panel table takes the median
// of: more than benchReps, as its ratios compare single requests of a few ms.
// A panel whose pair of runs is quicker takes more, up to panelTime of runs
// (at most maxPanelReps), so that a ratio of a few ms is not a handful of
// samples of the machine's noise.
const (
	panelReps    = 7
	maxPanelReps = 101
	panelTime    = 1500 * time.Millisecond
)

// benchPanelsHTTP times each panel over HTTP (no result cache) interleaved with
// its hand-written SQL, with the process's CPU time during each: the SQL run as
// a client's one-off query is (prepared per run), and prepared once, as the
// store keeps its own statements.
func benchPanelsHTTP(b *testing.B, db *duckdb.DB, today time.Time, r cost.DateRange, vars url.Values) {
	h := newHTTPBench(b, db, today, false)
	args := benchArgs(today, r)
	ctx := context.Background()
	fmt.Printf("\nEach panel over HTTP (no result cache) vs its SQL straight on DuckDB, run as a one-off query and prepared once\n"+
		"(median of %d to %d, interleaved; CPU = process CPU time)\n", panelReps, maxPanelReps)
	fmt.Printf("%-32s %10s %8s %10s %8s %7s %9s %10s %7s %5s\n", "panel", "http ms", "cpu s", "sql ms", "cpu s",
		"ratio", "cpu ratio", "prep. ms", "ratio", "runs")
	for _, d := range cost.Dashboards {
		for _, p := range d.Panels {
			key := d.ID + "/" + p.ID
			rq, rargs := positional(rawPanels[key], args)
			st, err := db.SQL().PrepareContext(ctx, rq)
			if err != nil {
				b.Fatal(err)
			}
			var web, raw, prep, webCPU, rawCPU []time.Duration
			for start := time.Now(); len(web) < panelReps ||
				len(web) < maxPanelReps && time.Since(start) < panelTime; {
				c0, t0 := cpuTime(), time.Now()
				if _, err := h.get("panels/"+key+"?"+vars.Encode(), ""); err != nil {
					b.Fatal(err)
				}
				c1, t1 := cpuTime(), time.Now()
				if _, err := countRows(ctx, db.SQL(), rq, rargs...); err != nil {
					b.Fatal(err)
				}
				c2, t2 := cpuTime(), time.Now()
				if _, err := scanCount(st.QueryContext(ctx, rargs...)); err != nil {
					b.Fatal(err)
				}
				web, raw, prep = append(web, t1.Sub(t0)), append(raw, t2.Sub(t1)), append(prep, time.Since(t2))
				webCPU, rawCPU = append(webCPU, c1-c0), append(rawCPU, c2-c1)
			}
			st.Close()
			fmt.Printf("%-32s %10s %8.3f %10s %8.3f %6.2fx %8.2fx %10s %6.2fx %5d\n", key, ms(median(web)), median(webCPU).Seconds(),
				ms(median(raw)), median(rawCPU).Seconds(), float64(median(web))/float64(median(raw)),
				float64(median(webCPU))/float64(median(rawCPU)), ms(median(prep)), float64(median(web))/float64(median(prep)), len(web))
		}
	}
}

// benchFiltered compares cold dashboard loads filtered by a provider, two
// providers, a customer and a model with the unfiltered load.
func benchFiltered(b *testing.B, db *duckdb.DB, today time.Time, vars url.Values) {
	filters := []struct {
		name string
		add  url.Values
	}{
		{"provider AWS", url.Values{"var-cloud_provider": {"AWS"}}},
		{"provider GCP", url.Values{"var-cloud_provider": {"GCP"}}},
		{"providers GCP+Azure", url.Values{"var-cloud_provider": {"GCP", "Azure"}}},
		{"customer", url.Values{"var-customer_id": {"cust_0042"}}},
		{"model", url.Values{"var-model": {"gpt-4o"}}},
	}
	fmt.Printf("\nCold loads by filter (ms wall / CPU-s, median of %d, each filtered load interleaved with an unfiltered one;\n"+
		"in brackets, the filtered CPU against the unfiltered CPU of the same runs)\n%-20s", filteredReps, "filter")
	for _, d := range cost.Dashboards {
		fmt.Printf(" %24s", d.ID)
	}
	fmt.Println()
	cold := func(d cost.DashboardDef, v url.Values) (time.Duration, time.Duration) {
		h := newHTTPBench(b, db, today, true)
		defer h.close()
		wall, cpu, err := h.load(d, v, map[string]string{})
		if err != nil {
			b.Fatal(err)
		}
		return wall, cpu
	}
	rows := make([][]string, len(filters))
	var none []string
	for _, d := range cost.Dashboards {
		var noneWalls, noneCPUs []time.Duration
		for i, f := range filters {
			var walls, cpus, baseCPUs []time.Duration
			for range filteredReps {
				wall, cpu := cold(d, vars)
				noneWalls, noneCPUs, baseCPUs = append(noneWalls, wall), append(noneCPUs, cpu), append(baseCPUs, cpu)
				wall, cpu = cold(d, withValues(vars, f.add))
				walls, cpus = append(walls, wall), append(cpus, cpu)
			}
			rows[i] = append(rows[i], fmt.Sprintf("%s / %.3f (%.2fx)", ms(median(walls)), median(cpus).Seconds(),
				float64(median(cpus))/float64(median(baseCPUs))))
		}
		none = append(none, fmt.Sprintf("%s / %.3f (1.00x)", ms(median(noneWalls)), median(noneCPUs).Seconds()))
	}
	print := func(name string, cells []string) {
		fmt.Printf("%-20s", name)
		for _, c := range cells {
			fmt.Printf(" %24s", c)
		}
		fmt.Println()
	}
	print("none", none)
	for i, f := range filters {
		print(f.name, rows[i])
	}
}

// filteredReps is how many pairs of loads, unfiltered and filtered, each
// cell of the filtered table takes the median of.
const filteredReps = 5

// benchAnalysis times explain (the spike day, an ordinary day, the spike day
// filtered, and a week against the week before, as chat asks what drove a
// period), anomalies by customer and reconciliation over HTTP, cold; then
// what the web UI asks when a page opens (customers, values, freshness, the
// unpriced-usage notice) and the quick stats.
func benchAnalysis(b *testing.B, db *duckdb.DB, today time.Time, r cost.DateRange) {
	day := func(n int) string { return today.AddDate(0, 0, -n).Format(cost.DateLayout) }
	get := func(path string) uiRequest { return uiRequest{"GET", path, ""} }
	_, notice := dashboardLoad(cost.Dashboards[0], url.Values{}, day(1))
	reqs := []uiRequest{
		get("explain?date=" + day(1)),
		get("explain?date=" + day(10)),
		get("explain?date=" + day(1) + "&var-cloud_provider=AWS"),
		get("explain?date=" + day(1) + "&customer_id=cust_0100"),
		get("explain?from=" + day(7) + "&to=" + day(1) + "&baseline_days=7"),
		get("anomalies?by=customer_id&from=" + r.From.Format(cost.DateLayout) + "&to=" + r.To.Format(cost.DateLayout)),
		get("reconciliation?from=" + r.From.Format(cost.DateLayout) + "&to=" + r.To.Format(cost.DateLayout)),
		// What the web UI asks when a page opens, and the quick stats.
		get("customers"), get("values/cloud_provider"), get("values/model"), get("freshness"),
		notice, get("quick-stats"),
	}
	fmt.Printf("\nAnalysis calls over HTTP, cold (median of %d)\n%-60s %10s %8s\n", benchReps, "request", "ms", "cpu s")
	for _, u := range reqs {
		var walls, cpus []time.Duration
		for range benchReps {
			h := newHTTPBench(b, db, today, true)
			c0, t0 := cpuTime(), time.Now()
			if _, _, err := h.do(u, ""); err != nil {
				b.Fatal(err)
			}
			walls, cpus = append(walls, time.Since(t0)), append(cpus, cpuTime()-c0)
			h.close()
		}
		name := u.path
		if u.method == "POST" {
			name = "POST " + u.path + " (the unpriced-usage notice)"
		}
		fmt.Printf("%-60s %10s %8.3f\n", name, ms(median(walls)), median(cpus).Seconds())
	}
}

// BenchmarkHTTPPanel requests one panel over HTTP without the result cache,
// once per iteration, for profiling its HTTP path (-cpuprofile):
// LLMCOST_BENCH_PANEL names it ("dashboard/panel", default the customer heatmap).
func BenchmarkHTTPPanel(b *testing.B) {
	rows := benchSize(b)
	today := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	db := openBench(b, rows, today)
	key := os.Getenv("LLMCOST_BENCH_PANEL")
	if key == "" {
		key = "customers/customer-heatmap"
	}
	r := cost.DateRange{From: today.AddDate(0, 0, -30), To: today}
	vars := url.Values{"from": {r.From.Format(cost.DateLayout)}, "to": {r.To.Format(cost.DateLayout)}}
	h := newHTTPBench(b, db, today, false)
	for b.Loop() {
		if _, err := h.get("panels/"+key+"?"+vars.Encode(), ""); err != nil {
			b.Fatal(err)
		}
	}
}
