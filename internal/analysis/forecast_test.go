package analysis_test

import (
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/analysis"
	"github.com/llmcost/llmcost/internal/cost"
)

// pattern is 100 on weekdays and 40 on weekends, times k from `from` on.
func pattern(start, end, from time.Time, k float64) analysis.Series {
	var s analysis.Series
	for d := start; !d.After(end); d = d.AddDate(0, 0, 1) {
		v := 100.0
		if wd := d.Weekday(); wd == 0 || wd == 6 {
			v = 40
		}
		if !d.Before(from) {
			v *= k
		}
		s = append(s, analysis.Point{Date: d, Value: v})
	}
	return s
}

func TestForecastMonth(t *testing.T) {
	// November 2026: 1st is a Sunday; 21 weekdays and 9 weekend days → 2,460 at the
	// plain pattern. Today is Monday the 16th, with no spend yet.
	today := day("2026-11-16")
	daily := pattern(day("2026-08-01"), day("2026-11-15"), today, 1)
	budget := 2000.0
	f := analysis.ForecastMonth(analysis.ForecastInput{Daily: daily, Today: today, Budget: &budget})
	// MTD 1..15: weekdays 2–6, 9–13 (10 × 100) + weekends 1, 7, 8, 14, 15 (5 × 40) = 1,200.
	if !near(f.MonthToDate, 1200) || !near(f.Projected, 2460) {
		t.Errorf("mtd, projected = %v, %v; want 1200, 2460", f.MonthToDate, f.Projected)
	}
	if !near(f.Lower, 2460) || !near(f.Upper, 2460) {
		t.Errorf("band = %v..%v, want 2460..2460 for an exact pattern", f.Lower, f.Upper)
	}
	if f.DaysElapsed != 15 || f.DaysRemaining != 15 || f.Month != "2026-11" {
		t.Errorf("elapsed, remaining, month = %d, %d, %s; want 15, 15, 2026-11", f.DaysElapsed, f.DaysRemaining, f.Month)
	}
	// Cumulative from 1,200: 16–20 → 1,700; 21, 22 → 1,780; 23 → 1,880; 24 → 1,980; 25 → 2,080.
	if f.DaysUntilExhausted == nil || *f.DaysUntilExhausted != 9 || !f.ExhaustedOn.Equal(day("2026-11-25")) {
		t.Errorf("exhausted = %v on %v, want 9 days, 2026-11-25", f.DaysUntilExhausted, f.ExhaustedOn)
	}
}

func TestForecastScalesToMonthLevel(t *testing.T) {
	today := day("2026-11-16")
	// History at the plain pattern; this month at twice it: the rest of the month
	// is projected at twice the pattern too: 2 × 1,200 + 2 × 1,260.
	daily := pattern(day("2026-08-01"), day("2026-11-15"), day("2026-11-01"), 2)
	f := analysis.ForecastMonth(analysis.ForecastInput{Daily: daily, Today: today})
	if !near(f.Projected, 4920) {
		t.Errorf("projected = %v, want 4920", f.Projected)
	}
	if f.DaysUntilExhausted != nil || f.Budget != nil {
		t.Errorf("exhaustion = %v, want none without a budget", f.DaysUntilExhausted)
	}
}

func TestForecastBandAndOverspent(t *testing.T) {
	today := day("2026-11-16")
	daily := pattern(day("2026-08-01"), day("2026-11-15"), today, 1)
	for i := range daily { // Alternate ±10% noise on history.
		if i%2 == 0 {
			daily[i].Value *= 1.1
		} else {
			daily[i].Value *= 0.9
		}
	}
	budget := 500.0
	f := analysis.ForecastMonth(analysis.ForecastInput{Daily: daily, Today: today, Budget: &budget})
	if !(f.Lower < f.Projected && f.Projected < f.Upper) || f.Lower < f.MonthToDate {
		t.Errorf("band %v < %v < %v not ordered, or below MTD %v", f.Lower, f.Projected, f.Upper, f.MonthToDate)
	}
	if f.DaysUntilExhausted == nil || *f.DaysUntilExhausted != 0 || !f.ExhaustedOn.Equal(today) {
		t.Errorf("exhausted = %v on %v, want 0 (already over)", f.DaysUntilExhausted, f.ExhaustedOn)
	}
}

func TestForecastFirstOfMonth(t *testing.T) {
	today := day("2026-12-01") // Tuesday; December 2026 has 23 weekdays and 8 weekend days.
	daily := pattern(day("2026-09-01"), day("2026-11-30"), today, 1)
	f := analysis.ForecastMonth(analysis.ForecastInput{Daily: daily, Today: today})
	if !near(f.Projected, 23*100+8*40) || f.DaysElapsed != 0 || f.DaysRemaining != 31 {
		t.Errorf("projected, elapsed, remaining = %v, %d, %d; want 2620, 0, 31", f.Projected, f.DaysElapsed, f.DaysRemaining)
	}
}

func TestBudgetStatus(t *testing.T) {
	b := 1000.0
	tests := []struct {
		name string
		in   analysis.BudgetInput
		want cost.BudgetStatus
	}{
		{"under", analysis.BudgetInput{CustomerID: "c", Today: day("2026-11-16"), Budget: &b, Spent: 400, Projected: 900},
			cost.BudgetStatus{CustomerID: "c", Month: "2026-11", HasBudget: true, Budget: 1000, Spent: 400,
				PercentUsed: 40, DaysElapsed: 15, DaysRemaining: 15, Projected: 900}},
		{"forecast over", analysis.BudgetInput{Today: day("2026-11-30"), Budget: &b, Spent: 990, Projected: 1030},
			cost.BudgetStatus{Month: "2026-11", HasBudget: true, Budget: 1000, Spent: 990, PercentUsed: 99,
				DaysElapsed: 29, DaysRemaining: 1, Projected: 1030, ProjectedOverrun: 30, ForecastOver: true}},
		{"over", analysis.BudgetInput{Today: day("2026-02-10"), Budget: &b, Spent: 1500, Projected: 3000},
			cost.BudgetStatus{Month: "2026-02", HasBudget: true, Budget: 1000, Spent: 1500, PercentUsed: 150,
				DaysElapsed: 9, DaysRemaining: 19, Projected: 3000, ProjectedOverrun: 2000, OverBudget: true, ForecastOver: true}},
		{"none", analysis.BudgetInput{Today: day("2026-11-01"), Spent: 5, Projected: 150},
			cost.BudgetStatus{Month: "2026-11", Spent: 5, DaysElapsed: 0, DaysRemaining: 30, Projected: 150}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := analysis.BudgetStatus(tt.in)
			tt.want.Range = cost.DateRange{From: cost.MonthStart(tt.in.Today), To: tt.in.Today}
			if got != tt.want {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}
