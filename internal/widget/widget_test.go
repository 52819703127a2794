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
