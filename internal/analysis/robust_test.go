package analysis_test

import (
	"math"
	"testing"

	"github.com/llmcost/llmcost/internal/analysis"
)

func TestRobustBands(t *testing.T) {
	s := series("2026-11-01", 10, 12, 10, 12, 10, 12, 10, 40, 11, 0)
	got := analysis.RobustBands(s)
	if len(got) != len(s) {
		t.Fatalf("len = %d, want %d", len(got), len(s))
	}
	if got[0].Status != "normal" || got[0].Upper != 10 || got[0].Lower != 10 {
		t.Errorf("first point = %+v, want normal with bands at 10", got[0])
	}
	// Day 8: nothing flagged before it, so the seed's window {12,10,12,10,12,10,40}.
	if got[7].Status != "high" || !near(got[7].Expected, 106.0/7) {
		t.Errorf("day 8 = %+v, want high with mean 106/7", got[7])
	}
	// Day 9: the spike is left out: window {12,10,12,10,12,10,11}, mean 11.
	w := []float64{12, 10, 12, 10, 12, 10, 11}
	var ss float64
	for _, v := range w {
		ss += (v - 11) * (v - 11)
	}
	sd := math.Sqrt(ss / 6)
	if !near(got[8].Expected, 11) || !near(got[8].Upper, 11+2*sd) || got[8].Status != "normal" {
		t.Errorf("day 9 = %+v, want normal, mean 11, upper %v", got[8], 11+2*sd)
	}
	// Day 10: spend 0 is far below the band; the band's lower edge stays ≥ 0.
	if got[9].Status != "low" {
		t.Errorf("day 10 status = %q, want low", got[9].Status)
	}
	for i, p := range got {
		if p.Lower < 0 {
			t.Errorf("day %d lower band %v, want ≥ 0", i+1, p.Lower)
		}
	}
}

func TestRobustBandsClampAtZero(t *testing.T) {
	got := analysis.RobustBands(series("2026-11-01", 0, 10))
	// Window {0, 10}: mean 5, σ = √50, so mean − 2σ < 0.
	if got[1].Lower != 0 || !near(got[1].Upper, 5+2*math.Sqrt(50)) {
		t.Errorf("second point = %+v, want lower 0 and upper 5+2√50", got[1])
	}
}
