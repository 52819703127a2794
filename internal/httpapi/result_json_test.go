package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// trickyRows are frame cells that test every way a JSON encoder can go wrong:
// escapes, HTML characters, unicode (valid, invalid, line separators), the
// float formats around encoding/json's cut-offs, nulls and other Go types.
var trickyRows = [][]any{
	{"plain", 1.0, nil},
	{`quote " backslash \ slash /`, 0.1, 0.0},
	{"<script>alert('x')</script> & co", -0.0, 1e21},
	{"tab\there\nnewline\rreturn\bback\fform\x00nul\x1f", 1e-6, 9.999999e-7},
	{"unicode: café 東京 🚀", 123456789012345678.0, -1.5e-9},
	{"separators \u2028 \u2029 del \x7f", math.MaxFloat64, math.SmallestNonzeroFloat64},
	{"invalid \xff\xfe utf-8", 2.5e20, 1e20},
	{"", 1234.5678912345, -98765.4321},
	{nil, nil, nil},
	{"ints", int64(42), int(-7)},
	{"bool and time", true, time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)},
	{"nested", []any{"a", 1.5}, map[string]any{"k": "<v>"}},
	nil,
	{},
}

func TestResultJSONMatchesEncodingJSON(t *testing.T) {
	prev := cost.DateRange{From: testNow.AddDate(0, 0, -60), To: testNow.AddDate(0, 0, -31)}
	tests := map[string]*cost.Result{
		"tricky cells": {Frame: cost.Frame{Columns: []string{"name", "a", "b"},
			Types: []string{cost.TypeString, cost.TypeNumber, cost.TypeNumber}, Rows: trickyRows},
			Period: cost.DateRange{From: testNow.AddDate(0, 0, -30), To: testNow}, Previous: &prev,
			Title: "Spend <by> \"customer\" & café", Unit: "usd",
			Meta: map[string]any{"note": "a & b", "range": prev, "n": 3.0, "list": []string{"x"}}},
		"empty frame": {Frame: cost.Frame{Columns: []string{}, Types: []string{}, Rows: [][]any{}}},
		"nil frame":   {},
		"large": {Frame: cost.Frame{Columns: []string{"customer_id", "week", "weekly_cost"},
			Types: []string{cost.TypeString, cost.TypeDate, cost.TypeNumber}, Rows: manyRows(3000)},
			Period: cost.DateRange{From: testNow.AddDate(0, 0, -30), To: testNow}, Meta: map[string]any{}},
	}
	for name, res := range tests {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, nil)
			e.query.PanelFn = func(context.Context, cost.Principal, cost.PanelRequest) (*cost.Result, error) {
				return res, nil
			}
			want, err := json.Marshal(res)
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, '\n')
			for _, enc := range []string{"", "gzip", "zstd"} {
				w := e.do("GET", "/api/v1/panels/overview/total-cost-this-month", e.admin, nil, "Accept-Encoding", enc)
				if w.Code != http.StatusOK {
					t.Fatalf("%s: status %d: %s", enc, w.Code, w.Body)
				}
				if got := w.Header().Get("Content-Encoding"); len(want) > 1024 && got != enc {
					t.Errorf("Accept-Encoding %q: Content-Encoding %q", enc, got)
				}
				if got := body(t, w); !bytes.Equal(got, want) {
					t.Errorf("%s: body differs from encoding/json's\ngot  %.600s\nwant %.600s", enc, got, want)
				}
			}
		})
	}
}

// manyRows is a heatmap-like frame: customers by week, with costs of many digits.
func manyRows(n int) [][]any {
	rows := make([][]any, n)
	for i := range rows {
		rows[i] = []any{"cust_" + strings.Repeat("x", i%7), "2026-11-02", float64(i) * 1234.5678912345 / 7.3}
	}
	return rows
}

// TestResultJSONNonFinite: a NaN or an infinity in a frame cannot be encoded,
// so the answer is the internal error json.Marshal's failure has always given.
func TestResultJSONNonFinite(t *testing.T) {
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		e := newEnv(t, nil)
		e.query.PanelFn = func(context.Context, cost.Principal, cost.PanelRequest) (*cost.Result, error) {
			return &cost.Result{Frame: cost.Frame{Columns: []string{"x"}, Types: []string{cost.TypeNumber},
				Rows: [][]any{{1.0}, {v}}}}, nil
		}
		w := e.do("GET", "/api/v1/panels/overview/total-cost-this-month", e.admin, nil)
		wantError(t, w, http.StatusInternalServerError, "internal", "")
		if !strings.Contains(e.logs.String(), "unsupported value") {
			t.Errorf("%v: the log does not name the unsupported value:\n%s", v, e.logs)
		}
	}
}
