package pricing_test

import (
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/pricing"
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestPrice(t *testing.T) {
	c, err := pricing.Default()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name                           string
		provider, model, tokenType, tr string
		day                            string
		want                           float64 // USD per million tokens
		ok                             bool
	}{
		{"gpt-4o before the price change", "OpenAI", "gpt-4o", "input", "", "2024-09-30", 5, true},
		{"gpt-4o on the change day", "OpenAI", "gpt-4o", "input", "", "2024-10-02", 2.5, true},
		{"gpt-4o after the change", "Azure", "gpt-4o", "output", "standard", "2025-06-01", 10, true},
		{"before the first version uses the first", "OpenAI", "gpt-4o", "input", "", "2023-01-01", 5, true},
		{"cache read", "Anthropic", "claude-3-5-sonnet", "cache_read", "", "2025-01-01", 0.3, true},
		{"cache write on Bedrock", "AWS", "claude-sonnet-4", "cache_write", "", "2025-07-01", 3.75, true},
		{"gemini 1.5 pro cut", "GCP", "gemini-1.5-pro", "output", "", "2024-09-30", 10.5, true},
		{"gemini 1.5 pro after cut", "GCP", "gemini-1.5-pro", "output", "", "2024-10-01", 5, true},
		{"batch tier", "OpenAI", "gpt-4o", "input", "batch", "2025-01-01", 1.25, true},
		{"unknown tier falls back to standard", "AWS", "nova-pro", "input", "priority", "2025-01-01", 0.8, true},
		{"reasoning at output price", "OpenAI", "o3", "reasoning", "", "2025-06-01", 8, true},
		{"first-party fallback for another provider", "Acme", "claude-3-5-sonnet", "output", "", "2025-01-01", 15, true},
		{"provider name is case-insensitive", "aws", "llama-3.1-70b", "input", "", "2025-01-01", 0.99, true},
		{"llama has no cache price", "AWS", "llama-3.1-70b", "cache_read", "", "2025-01-01", 0, false},
		{"unknown model", "OpenAI", "gpt-99", "input", "", "2025-01-01", 0, false},
		{"no fallback for llama", "OpenAI", "llama-3.1-70b", "input", "", "2025-01-01", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := c.Price(tt.provider, tt.model, tt.tokenType, tt.tr, day(tt.day))
			if ok != tt.ok || math.Abs(got-tt.want/1e6) > 1e-15 {
				t.Errorf("Price = %g, %v; want %g, %v", got*1e6, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestLoadOverride(t *testing.T) {
	c, err := pricing.Load(filepath.Join("testdata", "override.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		provider, model, tokenType, day string
		want                            float64
	}{
		{"Azure", "gpt-4o", "input", "2025-01-01", 2},     // Replaced.
		{"Azure", "gpt-4o", "input", "2024-06-01", 5},     // Older version kept.
		{"OpenAI", "gpt-4o", "input", "2025-01-01", 2.5},  // Other provider untouched.
		{"Acme", "acme-large", "output", "2025-02-01", 2}, // Added.
	} {
		got, ok := c.Price(tt.provider, tt.model, tt.tokenType, "", day(tt.day))
		if !ok || math.Abs(got-tt.want/1e6) > 1e-15 {
			t.Errorf("%s %s %s: got %g, %v; want %g", tt.provider, tt.model, tt.day, got*1e6, ok, tt.want)
		}
	}
	if !c.Known("acme-large") || c.Known("acme-small") {
		t.Error("Known does not reflect the override")
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"bad-date.json": `{"prices":[{"provider":"A","model":"m","effective_from":"2025-13-01","input":1}]}`,
		"negative.json": `{"prices":[{"provider":"A","model":"m","effective_from":"2025-01-01","input":-1}]}`,
		"unknown.json":  `{"prices":[{"provider":"A","model":"m","effective_from":"2025-01-01","inptu":1}]}`,
		"no-model.json": `{"prices":[{"provider":"A","effective_from":"2025-01-01","input":1}]}`,
		"not-json.json": `prices`,
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := pricing.Load(path); err == nil {
			t.Errorf("%s: want error", name)
		}
	}
	if _, err := pricing.Load(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("missing file: want error")
	}
}
