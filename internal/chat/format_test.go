package chat

import (
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

func TestMoney(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "$0.00"},
		{1234.5678, "$1,234.57"},
		{1234567.891, "$1,234,567.89"},
		{999.999, "$1,000.00"},
		{12, "$12.00"},
		{0.003125, "$0.003125"},
		{0.0123456, "$0.01235"},
		{0.5, "$0.5000"},
		{-42.1, "-$42.10"},
	}
	for _, tt := range tests {
		if got := money(tt.in); got != tt.want {
			t.Errorf("money(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCountAndPercent(t *testing.T) {
	counts := []struct {
		in   float64
		want string
	}{{950, "950"}, {12345, "12.3K"}, {98_500_000, "98.5M"}, {100_000_000, "100M"}, {3_210_000_000, "3.2B"}}
	for _, tt := range counts {
		if got := count(tt.in); got != tt.want {
			t.Errorf("count(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
	percents := []struct {
		in   float64
		want string
	}{{0.82, "82%"}, {0.8249, "82%"}, {0.046, "4.6%"}, {0.05, "5%"}, {1.5, "150%"}, {0, "0%"}}
	for _, tt := range percents {
		if got := percent(tt.in); got != tt.want {
			t.Errorf("percent(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRangeLabel(t *testing.T) {
	d := func(s string) time.Time { t, _ := cost.ParseDate(s); return t }
	tests := []struct {
		from, to, want string
	}{
		{"2026-11-24", "2026-11-24", "Tue Nov 24, 2026"},
		{"2026-11-16", "2026-11-22", "Mon Nov 16 – Sun Nov 22, 2026"},
		{"2025-12-29", "2026-01-04", "Mon Dec 29, 2025 – Sun Jan 4, 2026"},
	}
	for _, tt := range tests {
		if got := rangeLabel(cost.DateRange{From: d(tt.from), To: d(tt.to)}); got != tt.want {
			t.Errorf("rangeLabel(%s..%s) = %q, want %q", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestChange(t *testing.T) {
	tests := []struct {
		cur, prev float64
		want      string
	}{
		{112, 100, "up 12% from $100.00"},
		{95, 100, "down 5% from $100.00"},
		{100, 100, "unchanged from $100.00"},
		{5, 0, "up from $0.00"},
	}
	for _, tt := range tests {
		if got := change(tt.cur, tt.prev, money); got != tt.want {
			t.Errorf("change(%v, %v) = %q, want %q", tt.cur, tt.prev, got, tt.want)
		}
	}
}
