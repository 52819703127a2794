package analysis_test

import (
	"math"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/analysis"
	"github.com/llmcost/llmcost/internal/cost"
)

func day(s string) time.Time {
	t, err := cost.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return t
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// series builds a daily series from start with the given values.
func series(start string, vals ...float64) analysis.Series {
	var s analysis.Series
	for i, v := range vals {
		s = append(s, analysis.Point{Date: day(start).AddDate(0, 0, i), Value: v})
	}
	return s
}

func TestDense(t *testing.T) {
	s := analysis.Series{{day("2026-11-02"), 5}, {day("2026-11-04"), 7}, {day("2026-11-09"), 1}}
	got := analysis.Dense(s, day("2026-11-01"), day("2026-11-05"))
	want := []float64{0, 5, 0, 7, 0}
	if len(got) != len(want) {
		t.Fatalf("len = %d, want %d", len(got), len(want))
	}
	for i, w := range want {
		if got[i].Value != w || !got[i].Date.Equal(day("2026-11-01").AddDate(0, 0, i)) {
			t.Errorf("point %d = %v, want %v on day %d", i, got[i], w, i)
		}
	}
}

func TestStats(t *testing.T) {
	tests := []struct {
		xs               []float64
		mean, sd, median float64
	}{
		{nil, 0, 0, 0},
		{[]float64{4}, 4, 0, 4},
		{[]float64{2, 4, 4, 4, 5, 5, 7, 9}, 5, math.Sqrt(32.0 / 7), 4.5},
		{[]float64{3, 1, 2}, 2, 1, 2},
	}
	for _, tt := range tests {
		if got := analysis.Mean(tt.xs); !near(got, tt.mean) {
			t.Errorf("Mean(%v) = %v, want %v", tt.xs, got, tt.mean)
		}
		if got := analysis.StdDev(tt.xs); !near(got, tt.sd) {
			t.Errorf("StdDev(%v) = %v, want %v", tt.xs, got, tt.sd)
		}
		if got := analysis.Median(tt.xs); !near(got, tt.median) {
			t.Errorf("Median(%v) = %v, want %v", tt.xs, got, tt.median)
		}
	}
}

func TestUSD(t *testing.T) {
	tests := []struct {
		v        float64
		want, ws string
	}{
		{0, "$0.00", "+$0.00"},
		{912.4, "$912.40", "+$912.40"},
		{1234.567, "$1,234.57", "+$1,234.57"},
		{-1234567.5, "-$1,234,567.50", "-$1,234,567.50"},
		{100000, "$100,000.00", "+$100,000.00"},
	}
	for _, tt := range tests {
		if got := analysis.USD(tt.v); got != tt.want {
			t.Errorf("USD(%v) = %q, want %q", tt.v, got, tt.want)
		}
		if got := analysis.SignedUSD(tt.v); got != tt.ws {
			t.Errorf("SignedUSD(%v) = %q, want %q", tt.v, got, tt.ws)
		}
	}
}
