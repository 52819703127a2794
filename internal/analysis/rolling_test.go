package analysis_test

import (
	"math"
	"testing"

	"github.com/llmcost/llmcost/internal/analysis"
	"github.com/llmcost/llmcost/internal/cost"
)

func TestRollingBands(t *testing.T) {
	s := series("2026-11-01", 10, 12, 10, 12, 10, 12, 10, 40, 11)
	got := analysis.RollingBands(s)
	if len(got) != len(s) {
		t.Fatalf("len = %d, want %d", len(got), len(s))
	}
	// Day 1: one row, no σ: normal, bands at the value.
	if got[0].Status != "normal" || got[0].Upper != 10 || got[0].Lower != 10 {
		t.Errorf("first point = %+v, want normal with bands at 10", got[0])
	}
	// Day 2: window {10, 12}: mean 11, σ = √2.
	if !near(got[1].Expected, 11) || !near(got[1].Upper, 11+2*math.Sqrt2) {
		t.Errorf("second point = %+v, want mean 11, upper 11+2√2", got[1])
	}
	// Day 8: window {12,10,12,10,12,10,40}: mean 106/7.
	m := 106.0 / 7
	var ss float64
	for _, v := range []float64{12, 10, 12, 10, 12, 10, 40} {
		ss += (v - m) * (v - m)
	}
	sd := math.Sqrt(ss / 6)
	if !near(got[7].Expected, m) || !near(got[7].Upper, m+2*sd) || !near(got[7].Lower, m-2*sd) {
		t.Errorf("day 8 = %+v, want mean %v σ %v", got[7], m, sd)
	}
	if got[7].Status != "high" {
		t.Errorf("day 8 status = %q, want high (40 > %.2f)", got[7].Status, m+2*sd)
	}
	for i, p := range got {
		if i != 7 && p.Status != "normal" {
			t.Errorf("day %d status = %q, want normal", i+1, p.Status)
		}
	}
	an := analysis.RollingAnomalies(s)
	if len(an) != 1 || !an[0].Date.Equal(day("2026-11-08")) || an[0].Direction != "high" ||
		an[0].Detector != cost.DetectorRolling || !near(an[0].Score, (40-m)/sd) {
		t.Errorf("RollingAnomalies = %+v, want one high on 2026-11-08 scored %v", an, (40-m)/sd)
	}
}

func TestRollingLow(t *testing.T) {
	s := series("2026-11-01", 100, 101, 99, 100, 101, 99, 100, 0)
	an := analysis.RollingAnomalies(s)
	if len(an) != 1 || an[0].Direction != "low" || !an[0].Date.Equal(day("2026-11-08")) {
		t.Errorf("RollingAnomalies = %+v, want one low on 2026-11-08", an)
	}
}
