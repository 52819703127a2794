package web_test

import (
	"crypto/sha256"
	"encoding/base64"
	"regexp"
	"strings"
	"testing"

	"github.com/llmcost/llmcost/internal/web"
)

// TestShellCSP checks the app shell's policy: no framing, scripts only from
// the origin and the shell's own inline scripts (each listed by the hash of
// its text), no unsafe-inline or eval for scripts. TestDashboardsInBrowser runs
// the dashboards under this policy and fails on any violation Chromium logs.
func TestShellCSP(t *testing.T) {
	res := get(t, web.Handler(), "/d/overview", nil)
	html := body(t, res)
	csp := res.Header.Get("Content-Security-Policy")
	directives := map[string]string{}
	for _, d := range strings.Split(csp, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		directives[name] = value
	}
	tests := []struct {
		directive, want string
	}{
		{"frame-ancestors", "'none'"},
		{"object-src", "'none'"},
		{"base-uri", "'none'"},
		{"connect-src", "'self'"},
		{"style-src", "'self'"},
		{"default-src", "'self'"},
	}
	for _, tt := range tests {
		if got := directives[tt.directive]; got != tt.want {
			t.Errorf("%s = %q, want %q (CSP %q)", tt.directive, got, tt.want, csp)
		}
	}
	scripts := directives["script-src"]
	if strings.Contains(scripts, "unsafe-inline") || strings.Contains(scripts, "unsafe-eval") || !strings.HasPrefix(scripts, "'self'") {
		t.Errorf("script-src = %q, want 'self' and hashes only", scripts)
	}
	inline := regexp.MustCompile(`(?s)<script(?: type="importmap")?>(.*?)</script>`).FindAllStringSubmatch(html, -1)
	if len(inline) != 2 {
		t.Fatalf("%d inline scripts in the shell, want 2 (theme and import map)", len(inline))
	}
	for _, m := range inline {
		sum := sha256.Sum256([]byte(m[1]))
		if h := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(scripts, h) {
			t.Errorf("script-src %q lacks %s for inline script %.40q", scripts, h, m[1])
		}
	}
	if asset := get(t, web.Handler(), "/static/app.css", nil); asset.Header.Get("Content-Security-Policy") != "" {
		t.Errorf("a static file carries the shell's policy: %q", asset.Header.Get("Content-Security-Policy"))
	}
}
