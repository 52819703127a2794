package web_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/llmcost/llmcost/internal/web"
)

func get(t *testing.T, h http.Handler, path string, header map[string]string) *http.Response {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w.Result()
}

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var importMapRe = regexp.MustCompile(`<script type="importmap">(.*?)</script>`)

// shellImports returns the shell's import map: plain module URL → fingerprinted URL.
func shellImports(t *testing.T, h http.Handler) map[string]string {
	t.Helper()
	html := body(t, get(t, h, "/d/overview", nil))
	m := importMapRe.FindStringSubmatch(html)
	if m == nil {
		t.Fatalf("no import map in shell:\n%s", html)
	}
	var im struct{ Imports map[string]string }
	if err := json.Unmarshal([]byte(m[1]), &im); err != nil {
		t.Fatalf("import map: %v", err)
	}
	return im.Imports
}

func TestPages(t *testing.T) {
	h := web.Handler()
	for _, tc := range []struct {
		path, wantStatus, wantLocation, wantType string
	}{
		{"/", "302", "/d/overview", ""},
		{"/?from=now-7d&var-customer_id=cust_a", "302", "/d/overview?from=now-7d&var-customer_id=cust_a", ""},
		{"/d/overview", "200", "", "text/html; charset=utf-8"},
		{"/d/models?from=2026-11-01&to=2026-11-28", "200", "", "text/html; charset=utf-8"},
		{"/d/customers", "200", "", "text/html; charset=utf-8"},
		{"/d/anomalies", "200", "", "text/html; charset=utf-8"},
		{"/d/nope", "404", "", ""},
		{"/static/nope.js", "404", "", ""},
		{"/elsewhere", "404", "", ""},
	} {
		t.Run(tc.path, func(t *testing.T) {
			res := get(t, h, tc.path, nil)
			if got := res.Status[:3]; got != tc.wantStatus {
				t.Fatalf("status=%s, want %s", got, tc.wantStatus)
			}
			if got := res.Header.Get("Location"); got != tc.wantLocation {
				t.Errorf("Location=%q, want %q", got, tc.wantLocation)
			}
			if tc.wantType != "" {
				if got := res.Header.Get("Content-Type"); got != tc.wantType {
					t.Errorf("Content-Type=%q, want %q", got, tc.wantType)
				}
				if got, want := res.Header.Get("Cache-Control"), "no-cache"; got != want {
					t.Errorf("Cache-Control=%q, want %q", got, want)
				}
			}
		})
	}
}

func TestShellReferencesFingerprintedAssets(t *testing.T) {
	h := web.Handler()
	html := body(t, get(t, h, "/d/overview", nil))
	refs := regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`).FindAllStringSubmatch(html, -1)
	if got, want := len(refs), 4; got != want { // favicon, css, echarts, app.js
		t.Fatalf("%d asset references, want %d", got, want)
	}
	for _, want := range []string{"app.js", "api.js", "charts.js", "format.js", "frame.js", "panels.js", "state.js", "vars.js"} {
		if _, ok := shellImports(t, h)["/static/"+want]; !ok {
			t.Errorf("import map lacks %s", want)
		}
	}
	for _, r := range refs {
		if !strings.Contains(r[1], "?v=") {
			t.Errorf("%s is not fingerprinted", r[1])
		}
		res := get(t, h, r[1], nil)
		if res.StatusCode != 200 {
			t.Errorf("%s: status %d", r[1], res.StatusCode)
		}
		if got, want := res.Header.Get("Cache-Control"), "public, max-age=31536000, immutable"; got != want {
			t.Errorf("%s: Cache-Control=%q, want %q", r[1], got, want)
		}
	}
}

func TestAssetCaching(t *testing.T) {
	h := web.Handler()
	url := shellImports(t, h)["/static/app.js"]
	_, hash, _ := strings.Cut(url, "?v=")
	if len(hash) != 16 {
		t.Fatalf("fingerprint %q, want 16 hex digits", hash)
	}

	t.Run("ImmutableWhenFingerprinted", func(t *testing.T) {
		res := get(t, h, url, nil)
		if got, want := res.Header.Get("Cache-Control"), "public, max-age=31536000, immutable"; got != want {
			t.Errorf("Cache-Control=%q, want %q", got, want)
		}
		if got, want := res.Header.Get("Content-Type"), "text/javascript; charset=utf-8"; got != want {
			t.Errorf("Content-Type=%q, want %q", got, want)
		}
	})
	t.Run("RevalidatedWhenStaleOrBare", func(t *testing.T) {
		for _, u := range []string{"/static/app.js", "/static/app.js?v=0000000000000000"} {
			res := get(t, h, u, nil)
			if got, want := res.Header.Get("Cache-Control"), "no-cache"; got != want {
				t.Errorf("%s: Cache-Control=%q, want %q", u, got, want)
			}
			if got, want := res.Header.Get("ETag"), `"`+hash+`"`; got != want {
				t.Errorf("%s: ETag=%q, want %q", u, got, want)
			}
		}
	})
	t.Run("NotModified", func(t *testing.T) {
		for _, inm := range []string{`"` + hash + `"`, `W/"` + hash + `"`, `"x", "` + hash + `"`} {
			res := get(t, h, "/static/app.js", map[string]string{"If-None-Match": inm})
			if got, want := res.StatusCode, http.StatusNotModified; got != want {
				t.Errorf("If-None-Match %s: status=%d, want %d", inm, got, want)
			}
		}
		res := get(t, h, "/static/app.js", map[string]string{"If-None-Match": `"other"`})
		if got, want := res.StatusCode, http.StatusOK; got != want {
			t.Errorf("stale ETag: status=%d, want %d", got, want)
		}
	})
}

func TestGzip(t *testing.T) {
	h := web.Handler()
	for _, path := range []string{"/static/vendor/echarts/echarts.min.js", "/static/app.css", "/d/overview"} {
		t.Run(path, func(t *testing.T) {
			plain := get(t, h, path, nil)
			if plain.Header.Get("Content-Encoding") != "" {
				t.Fatalf("encoded without Accept-Encoding")
			}
			want := body(t, plain)
			for _, ae := range []string{"gzip", "gzip, deflate, br", "br;q=1.0, gzip;q=0.8"} {
				res := get(t, h, path, map[string]string{"Accept-Encoding": ae})
				if got := res.Header.Get("Content-Encoding"); got != "gzip" {
					t.Fatalf("Accept-Encoding %q: Content-Encoding=%q, want gzip", ae, got)
				}
				if got := res.Header.Get("Vary"); got != "Accept-Encoding" {
					t.Errorf("Vary=%q", got)
				}
				zr, err := gzip.NewReader(res.Body)
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(zr)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, []byte(want)) {
					t.Fatalf("gunzipped body differs from plain body (%d vs %d bytes)", len(got), len(want))
				}
			}
			res := get(t, h, path, map[string]string{"Accept-Encoding": "gzip;q=0"})
			if got := res.Header.Get("Content-Encoding"); got != "" {
				t.Errorf("gzip;q=0: Content-Encoding=%q, want none", got)
			}
		})
	}
}

func TestVendoredLicence(t *testing.T) {
	res := get(t, web.Handler(), "/static/vendor/echarts/LICENSE", nil)
	if got, want := res.StatusCode, 200; got != want {
		t.Fatalf("status=%d, want %d", got, want)
	}
	if b := body(t, res); !strings.Contains(b, "Apache License") {
		t.Errorf("LICENSE does not look like the Apache licence")
	}
}
