package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

func TestFreshness(t *testing.T) {
	e := newEnv(t, nil)
	var empty struct {
		DataThrough string `json:"data_through"`
		Providers   []any  `json:"providers"`
	}
	decode(t, e.do("GET", "/api/v1/freshness", e.acme, nil), http.StatusOK, &empty)
	if empty.DataThrough != "" || len(empty.Providers) != 0 {
		t.Errorf("empty store: %+v, want no dates", empty)
	}
	day := func(s string) time.Time { d, _ := cost.ParseDate(s); return d }
	line := func(p, date string) cost.LineItem {
		return cost.LineItem{Date: day(date), CloudProvider: p, Service: "x", CostUSD: 1, CustomerID: "cust_globex",
			Source: "billing", SourcePartition: p, CostSource: cost.SourceBillingExport, DataStatus: "final"}
	}
	batch := &cost.Batch{Replace: []cost.Partition{{Source: "billing", Key: "AWS"}, {Source: "billing", Key: "GCP"}},
		Lines: []cost.LineItem{line("AWS", "2026-11-25"), line("GCP", "2026-11-27")}}
	if _, err := e.store.Apply(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	var got struct {
		DataThrough string     `json:"data_through"`
		LastIngest  *time.Time `json:"last_ingest"`
		Providers   []struct {
			CloudProvider string `json:"cloud_provider"`
			LatestDate    string `json:"latest_date"`
		} `json:"providers"`
	}
	w := e.do("GET", "/api/v1/freshness", e.acme, nil)
	decode(t, w, http.StatusOK, &got)
	if got.DataThrough != "2026-11-27" || got.LastIngest == nil || len(got.Providers) != 2 {
		t.Errorf("freshness = %+v, want data through 2026-11-27, a last ingest and 2 providers", got)
	}
	if body := w.Body.String(); strings.Contains(body, "cust_globex") {
		t.Errorf("freshness names a customer: %s", body)
	}
	if w := e.do("GET", "/api/v1/freshness", "", nil); w.Code != http.StatusUnauthorized {
		t.Errorf("without a token: status %d, want 401", w.Code)
	}
}
