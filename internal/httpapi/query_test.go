package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

func TestQuery_PassesQueryAndPrincipal(t *testing.T) {
	e := newEnv(t, nil)
	var gotQ cost.Query
	var gotP cost.Principal
	e.query.QueryFn = func(_ context.Context, p cost.Principal, q cost.Query) (*cost.Result, error) {
		gotP, gotQ = p, q
		return &cost.Result{Frame: cost.Frame{Columns: []string{"cloud_provider", "cost_usd"}, Types: []string{"string", "number"},
			Rows: [][]any{{"AWS", 12.5}}}, Period: cost.DateRange{From: testNow.AddDate(0, 0, -7), To: testNow}}, nil
	}
	body := `{"metrics":["cost_usd"],"group_by":["cloud_provider"],"period":{"name":"last_7_days"},"limit":5}`
	var res struct {
		Columns []string `json:"columns"`
		Rows    [][]any  `json:"rows"`
		Period  struct{ From, To string }
	}
	decode(t, e.do("POST", "/api/v1/query", e.acme, body), http.StatusOK, &res)
	want := cost.Query{Metrics: []cost.Metric{"cost_usd"}, GroupBy: []cost.Dimension{"cloud_provider"},
		Period: cost.Period{Name: "last_7_days"}, Limit: 5}
	if !reflect.DeepEqual(gotQ, want) {
		t.Errorf("query=%+v, want %+v", gotQ, want)
	}
	if gotP != cost.CustomerPrincipal("cust_acme") {
		t.Errorf("principal=%v, want customer:cust_acme", gotP)
	}
	if got, want := res.Period.From, "2026-11-21"; got != want {
		t.Errorf("period.from=%q, want %q", got, want)
	}
	if len(res.Rows) != 1 || res.Rows[0][0] != "AWS" || res.Rows[0][1] != 12.5 {
		t.Errorf("rows=%v", res.Rows)
	}
}

func TestQuery_BadInput(t *testing.T) {
	e := newEnv(t, nil)
	e.query.QueryFn = func(_ context.Context, _ cost.Principal, q cost.Query) (*cost.Result, error) {
		if err := q.Validate(); err != nil {
			return nil, err
		}
		return &cost.Result{}, nil
	}
	tests := []struct{ name, body, field string }{
		{"UnknownField", `{"metric":["cost_usd"]}`, "metric"},
		{"LimitString", `{"metrics":["cost_usd"],"limit":"ten"}`, "limit"},
		{"MetricsNotArray", `{"metrics":"cost_usd"}`, "metrics"},
		{"UnknownMetric", `{"metrics":["profit"],"period":{"name":"today"}}`, "metrics[0]"},
		{"BadPeriodDate", `{"metrics":["cost_usd"],"period":{"from":"2026-13-01","to":"2026-12-01"}}`, "period.from"},
		{"FromAfterTo", `{"metrics":["cost_usd"],"period":{"from":"2026-12-02","to":"2026-12-01"}}`, "period.from"},
		{"LimitTooBig", `{"metrics":["cost_usd"],"period":{"name":"today"},"limit":10001}`, "limit"},
		{"Malformed", `{"metrics":["cost_usd"`, ""},
		{"Syntax", `{"metrics":[cost_usd]}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, e.do("POST", "/api/v1/query", e.admin, tt.body), http.StatusBadRequest, cost.CodeInvalid, tt.field)
		})
	}
	t.Run("TooLarge", func(t *testing.T) {
		big := `{"metrics":["cost_usd"],"filters":[{"dimension":"model","op":"in","values":["` + strings.Repeat("x", 2<<20) + `"]}]}`
		e := wantError(t, e.do("POST", "/api/v1/query", e.admin, big), http.StatusBadRequest, cost.CodeInvalid, "")
		if !strings.Contains(e.Error.Message, "larger than") {
			t.Errorf("message %q does not say the body is too large", e.Error.Message)
		}
	})
}

func TestErrors_StatusAndHiddenDetails(t *testing.T) {
	tests := []struct {
		err        error
		wantStatus int
		wantMsg    string
	}{
		{cost.Errorf(cost.CodeInvalid, "Bad."), 400, "Bad."},
		{cost.Errorf(cost.CodeUnauthorized, "Who?"), 401, "Who?"},
		{cost.Errorf(cost.CodeForbidden, "No."), 403, "No."},
		{cost.Errorf(cost.CodeNotFound, "Gone."), 404, "Gone."},
		{cost.Errorf(cost.CodeConflict, "Clash."), 409, "Clash."},
		{cost.Errorf(cost.CodeUnavailable, "Later."), 503, "Later."},
		{cost.Errorf(cost.CodeNotImplemented, "Not here."), 501, "Not here."},
		{errors.New("duckdb: connection reset at /var/secret"), 500, "Internal error."},
	}
	for _, tt := range tests {
		t.Run(cost.ErrorCode(tt.err), func(t *testing.T) {
			e := newEnv(t, nil)
			e.query.QuickStatsFn = func(context.Context, cost.Principal, string) (*cost.QuickStats, error) { return nil, tt.err }
			got := wantError(t, e.do("GET", "/api/v1/quick-stats", e.admin, nil), tt.wantStatus, cost.ErrorCode(tt.err), "")
			if got.Error.Message != tt.wantMsg {
				t.Errorf("message=%q, want %q", got.Error.Message, tt.wantMsg)
			}
			if tt.wantStatus == 500 && !strings.Contains(e.logs.String(), "/var/secret") {
				t.Error("internal error details were not logged")
			}
		})
	}
}

func TestQuickStats_CrossCustomerIsForbiddenAndLogged(t *testing.T) {
	e := newEnv(t, nil)
	called := false
	e.query.QuickStatsFn = func(_ context.Context, _ cost.Principal, id string) (*cost.QuickStats, error) {
		called = true
		return &cost.QuickStats{CustomerID: id, Currency: "USD"}, nil
	}
	wantError(t, e.do("GET", "/api/v1/quick-stats?customer_id=cust_globex", e.acme, nil), http.StatusForbidden, cost.CodeForbidden, "")
	if called {
		t.Error("service called for a refused cross-customer request")
	}
	if log := e.logs.String(); !strings.Contains(log, "customer:cust_acme") || !strings.Contains(log, "cust_globex") {
		t.Errorf("refusal not logged with principal and target; log:\n%s", log)
	}
	var qs cost.QuickStats
	decode(t, e.do("GET", "/api/v1/quick-stats?customer_id=cust_globex", e.admin, nil), http.StatusOK, &qs)
	if qs.CustomerID != "cust_globex" {
		t.Errorf("admin quick stats customer=%q, want cust_globex", qs.CustomerID)
	}
}

func TestPanel_Params(t *testing.T) {
	e := newEnv(t, nil)
	var got cost.PanelRequest
	e.query.PanelFn = func(_ context.Context, _ cost.Principal, req cost.PanelRequest) (*cost.Result, error) {
		got = req
		return &cost.Result{Period: req.Range}, nil
	}
	day := func(s string) time.Time { d, _ := cost.ParseDate(s); return d }
	tests := []struct {
		name, token, query string
		want               cost.PanelRequest
	}{
		{"Defaults", e.admin, "", cost.PanelRequest{Range: cost.DateRange{From: day("2026-10-29"), To: day("2026-11-28")}}},
		{"DatesAndVars", e.admin, "?from=2026-11-01&to=2026-11-15&var-cloud_provider=AWS&var-cloud_provider=GCP&var-customer_id=cust_globex&var-model=gpt-4o",
			cost.PanelRequest{Range: cost.DateRange{From: day("2026-11-01"), To: day("2026-11-15")}, Providers: []string{"AWS", "GCP"},
				CustomerID: "cust_globex", Models: []string{"gpt-4o"}}},
		{"AllMeansNoFilter", e.admin, "?from=now-7d&to=now&var-cloud_provider=All&var-customer_id=$__all&var-model=",
			cost.PanelRequest{Range: cost.DateRange{From: day("2026-11-21"), To: day("2026-11-28")}}},
		{"EpochMillis", e.admin, "?from=1761955200000&to=1764547200000",
			cost.PanelRequest{Range: cost.DateRange{From: day("2025-11-01"), To: day("2025-11-30")}}},
		{"DrillDownDate", e.acme, "?from=2026-11-01&to=2026-11-28&date=2026-11-20&var-customer_id=cust_acme",
			cost.PanelRequest{Range: cost.DateRange{From: day("2026-11-01"), To: day("2026-11-28")}, CustomerID: "cust_acme", Date: day("2026-11-20")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			decode(t, e.do("GET", "/api/v1/panels/overview/daily-cost-trend"+tt.query, tt.token, nil), http.StatusOK, nil)
			tt.want.Dashboard, tt.want.Panel = "overview", "daily-cost-trend"
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("request=%+v\nwant     %+v", got, tt.want)
			}
		})
	}
	bad := []struct {
		name, token, path string
		status            int
		code, field       string
	}{
		{"UnknownPanel", e.admin, "/api/v1/panels/overview/nope", 404, cost.CodeNotFound, ""},
		{"UnknownDashboard", e.admin, "/api/v1/panels/nope/daily-cost-trend", 404, cost.CodeNotFound, ""},
		{"BadFrom", e.admin, "/api/v1/panels/overview/daily-cost-trend?from=yesterdayish", 400, cost.CodeInvalid, "from"},
		{"BadTo", e.admin, "/api/v1/panels/overview/daily-cost-trend?to=2026-02-30", 400, cost.CodeInvalid, "to"},
		{"FromAfterTo", e.admin, "/api/v1/panels/overview/daily-cost-trend?from=2026-11-20&to=2026-11-01", 400, cost.CodeInvalid, "from"},
		{"BadDate", e.admin, "/api/v1/panels/anomalies/cost-anomalies?date=tuesday", 400, cost.CodeInvalid, "date"},
		{"OtherCustomer", e.acme, "/api/v1/panels/overview/daily-cost-trend?var-customer_id=cust_globex", 403, cost.CodeForbidden, ""},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, e.do("GET", tt.path, tt.token, nil), tt.status, tt.code, tt.field)
		})
	}
}

func TestValuesAndCustomers(t *testing.T) {
	e := newEnv(t, nil)
	e.query.ValuesFn = func(_ context.Context, p cost.Principal, d cost.Dimension) ([]string, error) {
		return []string{"AWS", "GCP"}, nil
	}
	e.query.CustomersFn = func(_ context.Context, p cost.Principal) ([]cost.Customer, error) {
		if p.IsCustomer() {
			return []cost.Customer{{ID: p.CustomerID, Name: "Acme Inc"}}, nil
		}
		return nil, nil
	}
	var vals struct {
		Dimension string   `json:"dimension"`
		Values    []string `json:"values"`
	}
	decode(t, e.do("GET", "/api/v1/values/cloud_provider", e.acme, nil), 200, &vals)
	if vals.Dimension != "cloud_provider" || !reflect.DeepEqual(vals.Values, []string{"AWS", "GCP"}) {
		t.Errorf("values=%+v", vals)
	}
	wantError(t, e.do("GET", "/api/v1/values/colour", e.admin, nil), 400, cost.CodeInvalid, "dimension")

	var cs []cost.Customer
	decode(t, e.do("GET", "/api/v1/customers", e.acme, nil), 200, &cs)
	if want := []cost.Customer{{ID: "cust_acme", Name: "Acme Inc"}}; !reflect.DeepEqual(cs, want) {
		t.Errorf("customers=%+v, want %+v", cs, want)
	}
	w := e.do("GET", "/api/v1/customers", e.admin, nil)
	if got := strings.TrimSpace(w.Body.String()); got != "[]" {
		t.Errorf("empty customer list encodes as %s, want []", got)
	}
}

func TestAnalysisParams(t *testing.T) {
	e := newEnv(t, nil)
	var ar cost.AnomalyRequest
	var er cost.ExplainRequest
	var fid string
	e.query.AnomaliesFn = func(_ context.Context, _ cost.Principal, req cost.AnomalyRequest) (*cost.AnomalyReport, error) {
		ar = req
		return &cost.AnomalyReport{Range: req.Range}, nil
	}
	e.query.ExplainFn = func(_ context.Context, _ cost.Principal, req cost.ExplainRequest) (*cost.Explanation, error) {
		er = req
		return &cost.Explanation{Range: req.Range}, nil
	}
	e.query.ForecastFn = func(_ context.Context, _ cost.Principal, id string) (*cost.Forecast, error) {
		fid = id
		return &cost.Forecast{Month: "2026-11"}, nil
	}
	day := func(s string) time.Time { d, _ := cost.ParseDate(s); return d }

	decode(t, e.do("GET", "/api/v1/anomalies?from=2026-09-01&to=2026-11-27&by=model&customer_id=cust_acme&var-cloud_provider=AWS", e.admin, nil), 200, nil)
	want := cost.AnomalyRequest{Range: cost.DateRange{From: day("2026-09-01"), To: day("2026-11-27")}, CustomerID: "cust_acme", By: cost.DimModel,
		Filters: []cost.Filter{{Dimension: cost.DimCloudProvider, Op: cost.OpIn, Values: []string{"AWS"}}}}
	if !reflect.DeepEqual(ar, want) {
		t.Errorf("anomaly request=%+v, want %+v", ar, want)
	}
	wantError(t, e.do("GET", "/api/v1/anomalies?by=colour", e.admin, nil), 400, cost.CodeInvalid, "by")
	wantError(t, e.do("GET", "/api/v1/anomalies?customer_id=cust_globex", e.acme, nil), 403, cost.CodeForbidden, "")

	decode(t, e.do("GET", "/api/v1/explain?date=2026-11-20&baseline_days=14", e.acme, nil), 200, nil)
	if want := (cost.ExplainRequest{Range: cost.DateRange{From: day("2026-11-20"), To: day("2026-11-20")}, BaselineDays: 14}); !reflect.DeepEqual(er, want) {
		t.Errorf("explain request=%+v, want %+v", er, want)
	}
	wantError(t, e.do("GET", "/api/v1/explain", e.admin, nil), 400, cost.CodeInvalid, "date")
	wantError(t, e.do("GET", "/api/v1/explain?date=2026-11-20&baseline_days=0", e.admin, nil), 400, cost.CodeInvalid, "baseline_days")

	decode(t, e.do("GET", "/api/v1/forecast?customer_id=cust_globex", e.admin, nil), 200, nil)
	if fid != "cust_globex" {
		t.Errorf("forecast customer=%q, want cust_globex", fid)
	}
	wantError(t, e.do("GET", "/api/v1/forecast?customer_id=cust_globex", e.acme, nil), 403, cost.CodeForbidden, "")
}
