package httpapi

import (
	"net/http"
	"slices"
	"strings"
)

// DefaultCSP is the Content-Security-Policy of every response whose handler
// sets none (the API's JSON, metrics, static files): nothing may load from it,
// and nothing may frame it. The web UI's shell and the widget page set their
// own policy.
const DefaultCSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// securityHeaders sets the headers every response carries: no MIME sniffing,
// no Referer sent from our pages, no framing, and DefaultCSP. Handlers may
// replace the policy (Set) before writing.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", DefaultCSP)
		next.ServeHTTP(w, r)
	})
}

// cors lets pages on the configured widget origins call the API from a
// browser. Credentials are bearer tokens in a header, never cookies; the
// origin list keeps the widget (and any other browser client) to the host
// product's pages the admin names.
func (s *Server) cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/") {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Add("Vary", "Origin")
		origin := r.Header.Get("Origin")
		allowed := origin != "" && s.originAllowed(origin)
		if allowed {
			h.Set("Access-Control-Allow-Origin", origin)
		}
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			if allowed {
				h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS")
				h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Content-Encoding")
				h.Set("Access-Control-Max-Age", "600")
			}
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// originAllowed reports whether a page on origin may call the API.
func (s *Server) originAllowed(origin string) bool {
	return slices.Contains(s.cfg.WidgetOrigins, "*") ||
		slices.ContainsFunc(s.cfg.WidgetOrigins, func(o string) bool { return strings.EqualFold(o, origin) })
}
