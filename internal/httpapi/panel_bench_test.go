package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/llmcost/llmcost/internal/auth"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/httpapi"
)

// heatmapResult is a panel answer the size of the customer heatmap's at a
// month of data: 1,000 customers over 5 weeks.
func heatmapResult() *cost.Result {
	f := cost.Frame{Columns: []string{"customer_id", "week", "weekly_cost"},
		Types: []string{cost.TypeString, cost.TypeDate, cost.TypeNumber}}
	for w := range 5 {
		for c := range 1000 {
			f.Rows = append(f.Rows, []any{fmt.Sprintf("cust_%04d", c), fmt.Sprintf("2026-10-%02d", 19+7*w%12),
				1234.5678912345 * float64(c+w) / 7.3})
		}
	}
	return &cost.Result{Frame: f, Period: cost.DateRange{From: testNow.AddDate(0, 0, -30), To: testNow},
		Title: "Customer Heatmap", Unit: "usd"}
}

// BenchmarkPanelPath measures the HTTP path of a panel without its query:
// the real server on loopback over a query service that answers at once, and
// a client that reads and decompresses the whole body. One figure is one
// request, server and client together. The client is Go's, which asks for
// gzip ("gzip", as Grafana's backend does), or asks for what Chromium asks
// for and so gets zstd ("browser").
func BenchmarkPanelPath(b *testing.B) {
	total := &cost.Result{Frame: cost.Frame{Columns: []string{"total_cost"}, Types: []string{cost.TypeNumber},
		Rows: [][]any{{1234567.891}}}, Period: cost.DateRange{From: testNow.AddDate(0, 0, -27), To: testNow},
		Title: "Total Cost, November 2026 to Nov 28", Unit: "usd"}
	for _, c := range []struct {
		name string
		res  *cost.Result
	}{{"one-figure", total}, {"heatmap", heatmapResult()}} {
		for _, accept := range []struct{ name, header string }{{"gzip", ""}, {"browser", "gzip, deflate, br, zstd"}} {
			b.Run(c.name+"/"+accept.name, func(b *testing.B) {
				benchPanelPath(b, c.res, accept.header)
			})
		}
	}
}

// benchPanelPath requests a panel answering res, with an Accept-Encoding
// header unless it is "" (then Go's client asks for gzip and decompresses).
func benchPanelPath(b *testing.B, res *cost.Result, accept string) {
	keys, err := auth.NewKeyring("")
	if err != nil {
		b.Fatal(err)
	}
	store, err := duckdb.Open("")
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	q := &queryService{PanelFn: func(context.Context, cost.Principal, cost.PanelRequest) (*cost.Result, error) {
		return res, nil
	}}
	srv := httpapi.NewServer(httpapi.Config{Addr: "127.0.0.1:0", Store: store, Query: q, Keyring: keys,
		AnswerCacheBytes: -1})
	if err := srv.Open(); err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	zr, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1))
	if err != nil {
		b.Fatal(err)
	}
	defer zr.Close()
	url := srv.URL() + "/api/v1/panels/overview/total-cost-this-month?from=2026-10-29&to=2026-11-28"
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequest("GET", url, nil)
		req.Header.Set("Authorization", "Bearer "+keys.AdminToken())
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		res, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var body io.Reader = res.Body
		switch enc := res.Header.Get("Content-Encoding"); {
		case accept == "" || enc == "":
		case enc == "zstd":
			if err := zr.Reset(res.Body); err != nil {
				b.Fatal(err)
			}
			body = zr
		default:
			b.Fatalf("Content-Encoding %q", enc)
		}
		if _, err := io.Copy(io.Discard, body); err != nil {
			b.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			b.Fatal(res.Status)
		}
	}
}
