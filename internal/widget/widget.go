// Package widget serves the embeddable chat widget: /widget.js, which defines the
// <llmcost-chat> custom element, and /widget-demo, a page that embeds it with a
// customer token pasted by the user.
package widget

import (
	"embed"
	"net/http"
	"strings"
)

//go:embed static/widget.js static/demo.html
var static embed.FS

// Handler serves GET /widget.js and GET /widget-demo; any other path is not
// found. The demo page may be framed by pages on frameOrigins
// ("https://app.example.com", or "*" for any) besides its own origin.
func Handler(frameOrigins ...string) http.Handler {
	js, _ := static.ReadFile("static/widget.js")
	demo, _ := static.ReadFile("static/demo.html")
	csp := demoCSP(frameOrigins)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "Method not allowed.", http.StatusMethodNotAllowed)
			return
		}
		switch r.URL.Path {
		case "/widget.js":
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
			w.Header().Set("Cache-Control", "public, max-age=300")
			w.Header().Set("Access-Control-Allow-Origin", "*")
			w.Write(js)
		case "/widget-demo":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-cache")
			w.Header().Set("Content-Security-Policy", csp)
			w.Header().Del("X-Frame-Options") // frame-ancestors decides.
			w.Write(demo)
		default:
			http.NotFound(w, r)
		}
	})
}

// demoCSP is the demo page's Content-Security-Policy: its own inline script
// and styles, API calls to its own origin, and framing by its own origin and
// frameOrigins only.
func demoCSP(frameOrigins []string) string {
	ancestors := append([]string{"'self'"}, frameOrigins...)
	return "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:; " +
		"object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors " + strings.Join(ancestors, " ")
}
