// Package web serves the built-in dashboards: an HTML app shell, plain ES modules,
// a stylesheet and vendored ECharts, all embedded in the binary. The pages fetch
// their figures from the HTTP API's panel endpoints; nothing here queries a store.
package web

import (
	"embed"
	"io/fs"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/llmcost/llmcost/internal/cost"
)

//go:embed static
var staticFS embed.FS

// Handler returns the web UI handler. Mount it at "/": it serves "/" (a redirect to
// the overview dashboard, keeping the query string), "/d/{dashboard}" (the app
// shell) and "/static/..." (fingerprinted assets with ETags and gzip).
func Handler() http.Handler {
	assets, shell := prepared()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", redirectHome)
	mux.HandleFunc("GET /d/{dashboard}", func(w http.ResponseWriter, r *http.Request) {
		if !knownDashboard(r.PathValue("dashboard")) {
			http.NotFound(w, r)
			return
		}
		serveAsset(w, r, shell, false)
	})
	mux.HandleFunc("GET /static/{path...}", func(w http.ResponseWriter, r *http.Request) {
		a, ok := assets[r.PathValue("path")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		serveAsset(w, r, a, r.URL.Query().Get("v") == a.hash)
	})
	return mux
}

// prepared loads, fingerprints and compresses the embedded files once per process.
var prepared = sync.OnceValues(func() (map[string]*asset, *asset) {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // The embedded tree is fixed at build time.
	}
	assets, err := loadAssets(sub)
	if err != nil {
		panic(err)
	}
	shell, err := renderShell(sub, assets)
	if err != nil {
		panic(err)
	}
	return assets, shell
})

// redirectHome sends "/" to the overview dashboard, keeping range and variables.
func redirectHome(w http.ResponseWriter, r *http.Request) {
	target := "/d/" + cost.Dashboards[0].ID
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	http.Redirect(w, r, target, http.StatusFound)
}

// RulesPage is the id of the alert rules page, served at /d/alerts beside the
// dashboards.
const RulesPage = "alerts"

func knownDashboard(id string) bool {
	return id == RulesPage || slices.ContainsFunc(cost.Dashboards, func(d cost.DashboardDef) bool { return d.ID == id })
}

// serveAsset writes a with an ETag, gzip when the client accepts it, and immutable
// caching when the request names the asset's current fingerprint.
func serveAsset(w http.ResponseWriter, r *http.Request, a *asset, fingerprinted bool) {
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("ETag", a.etag())
	h.Set("Vary", "Accept-Encoding")
	h.Set("X-Content-Type-Options", "nosniff")
	if a.csp != "" {
		h.Set("Content-Security-Policy", a.csp)
	}
	if fingerprinted {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	if etagMatch(r.Header.Get("If-None-Match"), a.etag()) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := a.body
	if a.gz != nil && acceptsGzip(r.Header.Get("Accept-Encoding")) {
		h.Set("Content-Encoding", "gzip")
		body = a.gz
	}
	w.Write(body)
}

func etagMatch(header, etag string) bool {
	for _, v := range strings.Split(header, ",") {
		v = strings.TrimPrefix(strings.TrimSpace(v), "W/")
		if v == etag || v == "*" {
			return true
		}
	}
	return false
}

func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(name) != "gzip" {
			continue
		}
		q := strings.ReplaceAll(params, " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}
