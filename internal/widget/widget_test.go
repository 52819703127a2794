package widget_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/llmcost/llmcost/internal/widget"
)

func TestHandler(t *testing.T) {
	tests := []struct {
		method, path string
		status       int
		ctype        string
		contains     string
	}{
		{"GET", "/widget.js", 200, "text/javascript; charset=utf-8", `customElements.define("llmcost-chat"`},
		{"GET", "/widget-demo", 200, "text/html; charset=utf-8", `<llmcost-chat`},
		{"HEAD", "/widget.js", 200, "text/javascript; charset=utf-8", ""},
		{"GET", "/widget.css", 404, "", ""},
		{"POST", "/widget.js", 405, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			widget.Handler().ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			if got := rec.Code; got != tt.status {
				t.Fatalf("status = %d, want %d", got, tt.status)
			}
			if tt.ctype != "" {
				if got := rec.Header().Get("Content-Type"); got != tt.ctype {
					t.Errorf("Content-Type = %q, want %q", got, tt.ctype)
				}
			}
			body, _ := io.ReadAll(rec.Body)
			if !strings.Contains(string(body), tt.contains) {
				t.Errorf("body does not contain %q", tt.contains)
			}
		})
	}
}

// TestWidgetSuggestsSeedQuestions checks that the seed's three questions are offered.
func TestWidgetSuggestsSeedQuestions(t *testing.T) {
	rec := httptest.NewRecorder()
	widget.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/widget.js", nil))
	for _, q := range []string{"How much did we spend yesterday?", "Which model is most expensive this week?", "Are we over budget this month?"} {
		if !strings.Contains(rec.Body.String(), q) {
			t.Errorf("widget.js does not suggest %q", q)
		}
	}
}

// TestDemoPage_FrameAncestors checks that the demo page may be framed only by
// its own origin and the configured ones, and that the script carries no page
// policy of its own.
func TestDemoPage_FrameAncestors(t *testing.T) {
	tests := []struct {
		name    string
		origins []string
		want    string
	}{
		{"NoOrigins", nil, "frame-ancestors 'self'"},
		{"Listed", []string{"https://app.example.com", "https://admin.example.com"}, "frame-ancestors 'self' https://app.example.com https://admin.example.com"},
		{"Any", []string{"*"}, "frame-ancestors 'self' *"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			rec.Header().Set("X-Frame-Options", "DENY") // As the server's middleware sets it.
			widget.Handler(tt.origins...).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/widget-demo", nil))
			csp := rec.Header().Get("Content-Security-Policy")
			if !strings.HasSuffix(csp, tt.want) || !strings.Contains(csp, "object-src 'none'") {
				t.Errorf("CSP = %q, want it to end with %q", csp, tt.want)
			}
			if got := rec.Header().Get("X-Frame-Options"); got != "" {
				t.Errorf("X-Frame-Options = %q, want none (frame-ancestors decides)", got)
			}
		})
	}
}
