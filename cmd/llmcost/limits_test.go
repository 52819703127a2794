package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmcost/llmcost/internal/auth"
)

// TestServe_KeyFilesAndHeaders boots serve with a generated admin token and
// checks that its key files are the owner's only, and that the UI, widget and
// API answer with the security headers and the configured widget origin.
func TestServe_KeyFilesAndHeaders(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	env := map[string]string{"LLMCOST_NOW": "2026-11-29", "LLMCOST_LOG_LEVEL": "warn",
		"LLMCOST_WIDGET_ORIGINS": "https://app.example.com"}
	m := mustRun(t, env, "serve", "--data", dir, "--addr", "127.0.0.1:0")
	for _, name := range []string{auth.AdminTokenFile, auth.TokenKeyFile} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != 0o600 {
			t.Errorf("%s mode = %v, want -rw-------", name, got)
		}
	}
	tests := []struct {
		name, path, origin, wantCSP, wantACAO string
	}{
		{"AdminUI", "/d/overview", "", "frame-ancestors 'none'", ""},
		{"WidgetDemo", "/widget-demo", "", "frame-ancestors 'self' https://app.example.com", ""},
		{"APIListedOrigin", "/api/v1/me", "https://app.example.com", "frame-ancestors 'none'", "https://app.example.com"},
		{"APIOtherOrigin", "/api/v1/me", "https://evil.example", "frame-ancestors 'none'", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", m.Server.URL()+tt.path, nil)
			req.Header.Set("Authorization", "Bearer "+m.Keyring.AdminToken())
			if tt.origin != "" {
				req.Header.Set("Origin", tt.origin)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			h := resp.Header
			if resp.StatusCode != 200 || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" ||
				!strings.Contains(h.Get("Content-Security-Policy"), tt.wantCSP) || h.Get("Access-Control-Allow-Origin") != tt.wantACAO {
				t.Errorf("status %d, headers %v; want 200, nosniff, no-referrer, CSP with %q, ACAO %q", resp.StatusCode, h, tt.wantCSP, tt.wantACAO)
			}
		})
	}
}
