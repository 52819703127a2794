package httpapi_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/httpapi"
	"github.com/llmcost/llmcost/internal/query"
)

type freshnessBody struct {
	DataThrough string     `json:"data_through"`
	LastIngest  *time.Time `json:"last_ingest"`
	Providers   []struct {
		CloudProvider string     `json:"cloud_provider"`
		LatestDate    string     `json:"latest_date"`
		IngestedAt    *time.Time `json:"ingested_at"`
	} `json:"providers"`
}

// TestFreshness checks that an admin sees every provider's newest day and
// ingest, and that a customer token sees only what its own lines say.
func TestFreshness(t *testing.T) {
	e := newEnv(t, func(c *httpapi.Config) {
		c.Query = query.NewService(c.Store, func() time.Time { return testNow })
	})
	var empty freshnessBody
	decode(t, e.do("GET", "/api/v1/freshness", e.acme, nil), http.StatusOK, &empty)
	if empty.DataThrough != "" || len(empty.Providers) != 0 {
		t.Errorf("empty store: %+v, want no dates", empty)
	}
	today := cost.Day(testNow)
	day := func(back int) time.Time { return today.AddDate(0, 0, -back) }
	line := func(p string, date time.Time, customer string) cost.LineItem {
		return cost.LineItem{Date: date, CloudProvider: p, Service: "x", CostUSD: 1, CustomerID: customer,
			Source: "billing", SourcePartition: p, CostSource: cost.SourceBillingExport, DataStatus: "final"}
	}
	// Globex uses AWS to 3 days ago and GCP to yesterday; Acme AWS to 9 days ago.
	batch := &cost.Batch{Replace: []cost.Partition{{Source: "billing", Key: "AWS"}, {Source: "billing", Key: "GCP"}},
		Lines: []cost.LineItem{line("AWS", day(3), "cust_globex"), line("GCP", day(1), "cust_globex"),
			line("AWS", day(9), "cust_acme")}}
	if _, err := e.store.Apply(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	type provider struct{ name, latest string }
	tests := []struct {
		name, token   string
		wantThrough   string
		wantProviders []provider
		wantIngest    bool
		mustNotSay    []string
	}{
		{"admin", e.admin, day(1).Format(cost.DateLayout),
			[]provider{{"AWS", day(3).Format(cost.DateLayout)}, {"GCP", day(1).Format(cost.DateLayout)}}, true, nil},
		{"acme", e.acme, day(9).Format(cost.DateLayout),
			[]provider{{"AWS", day(9).Format(cost.DateLayout)}}, false,
			[]string{"GCP", "cust_globex", day(3).Format(cost.DateLayout), day(1).Format(cost.DateLayout), "ingest"}},
		{"globex", e.globex, day(1).Format(cost.DateLayout),
			[]provider{{"AWS", day(3).Format(cost.DateLayout)}, {"GCP", day(1).Format(cost.DateLayout)}}, false,
			[]string{"cust_acme", day(9).Format(cost.DateLayout), "ingest"}},
	}
	for _, tt := range tests {
		w := e.do("GET", "/api/v1/freshness", tt.token, nil)
		var got freshnessBody
		decode(t, w, http.StatusOK, &got)
		if got.DataThrough != tt.wantThrough {
			t.Errorf("%s: data through %q, want %q", tt.name, got.DataThrough, tt.wantThrough)
		}
		var gotProviders []provider
		for _, p := range got.Providers {
			gotProviders = append(gotProviders, provider{p.CloudProvider, p.LatestDate})
			if (p.IngestedAt != nil) != tt.wantIngest {
				t.Errorf("%s: %s ingested_at %v, want present=%v", tt.name, p.CloudProvider, p.IngestedAt, tt.wantIngest)
			}
		}
		if (got.LastIngest != nil) != tt.wantIngest {
			t.Errorf("%s: last ingest %v, want present=%v", tt.name, got.LastIngest, tt.wantIngest)
		}
		if !slices.Equal(gotProviders, tt.wantProviders) {
			t.Errorf("%s: providers %v, want %v", tt.name, gotProviders, tt.wantProviders)
		}
		for _, s := range tt.mustNotSay {
			if strings.Contains(w.Body.String(), s) {
				t.Errorf("%s: the answer says %q: %s", tt.name, s, w.Body.String())
			}
		}
	}
	if w := e.do("GET", "/api/v1/freshness", "", nil); w.Code != http.StatusUnauthorized {
		t.Errorf("without a token: status %d, want 401", w.Code)
	}

	// The answer is tagged with the data version: a reload costs nothing, the
	// tag is no good for another principal, and the next ingest changes it.
	tag := e.do("GET", "/api/v1/freshness", e.admin, nil).Header().Get("ETag")
	if w := e.do("GET", "/api/v1/freshness", e.admin, nil, "If-None-Match", tag); tag == "" || w.Code != http.StatusNotModified {
		t.Errorf("admin revalidating %q: status %d, want 304", tag, w.Code)
	}
	if w := e.do("GET", "/api/v1/freshness", e.acme, nil, "If-None-Match", tag); w.Code != http.StatusOK || strings.Contains(w.Body.String(), "GCP") {
		t.Errorf("acme with the admin's tag: status %d, body %s; want its own answer", w.Code, w.Body)
	}
	later := &cost.Batch{Replace: []cost.Partition{{Source: "billing", Key: "AWS"}}, Lines: []cost.LineItem{line("AWS", day(0), "cust_acme")}}
	if _, err := e.store.Apply(context.Background(), later); err != nil {
		t.Fatal(err)
	}
	var after freshnessBody
	decode(t, e.do("GET", "/api/v1/freshness", e.admin, nil, "If-None-Match", tag), http.StatusOK, &after)
	if want := today.Format(cost.DateLayout); after.DataThrough != want {
		t.Errorf("after an ingest: data through %q, want %q", after.DataThrough, want)
	}
}
