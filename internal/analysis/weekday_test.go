package analysis_test

import (
	"testing"

	"github.com/llmcost/llmcost/internal/analysis"
	"github.com/llmcost/llmcost/internal/cost"
)

// weekly returns n days from Monday 2026-09-07 with weekdays near 100 and weekends
// near 20 (a small deterministic wobble), so weekends are normal.
func weekly(n int) analysis.Series {
	start := day("2026-09-07")
	var s analysis.Series
	for i := range n {
		d := start.AddDate(0, 0, i)
		v := 100.0 + float64(i%3) - 1
		if wd := d.Weekday(); wd == 0 || wd == 6 {
			v = 20 + float64(i%2)
		}
		s = append(s, analysis.Point{Date: d, Value: v})
	}
	return s
}

func TestWeekdayDoesNotFlagWeekends(t *testing.T) {
	s := weekly(63)
	if an := analysis.WeekdayAnomalies(s, analysis.WeekdayOptions{}); len(an) != 0 {
		t.Errorf("WeekdayAnomalies = %+v, want none on a regular weekly series", an)
	}
	// The seed's rolling rule does flag this normal rhythm.
	if an := analysis.RollingAnomalies(s); len(an) == 0 {
		t.Errorf("RollingAnomalies found nothing; the comparison case needs the weekend dips flagged")
	}
}

func TestWeekdaySpike(t *testing.T) {
	s := weekly(63)
	spike := day("2026-11-04") // A Wednesday, day 58.
	for i := range s {
		if s[i].Date.Equal(spike) {
			s[i].Value = 300
		}
	}
	an := analysis.WeekdayAnomalies(s, analysis.WeekdayOptions{})
	if len(an) != 1 {
		t.Fatalf("WeekdayAnomalies = %+v, want exactly the spike", an)
	}
	a := an[0]
	if !a.Date.Equal(spike) || a.Direction != "high" || a.Detector != cost.DetectorWeekday {
		t.Errorf("anomaly = %+v, want high on %s", a, spike.Format(cost.DateLayout))
	}
	// The six Wednesdays before (days 16…51, wobble i%3−1) are 100,101,99,100,101,99: median 100.
	if !near(a.Expected, 100) {
		t.Errorf("expected = %v, want 100", a.Expected)
	}
	// MAD = 1 → 1.4826, floored at 10% of 100 = 10; score = 200/10.
	if !near(a.Score, 20) || !near(a.Upper, 135) {
		t.Errorf("score = %v upper = %v, want 20 and 135", a.Score, a.Upper)
	}
}

func TestWeekdayNeedsHistory(t *testing.T) {
	s := weekly(20) // At most two earlier same weekdays: nothing evaluated.
	if got := analysis.WeekdayBands(s, analysis.WeekdayOptions{}); len(got) != 0 {
		t.Errorf("WeekdayBands evaluated %d points, want 0 without 3 weeks of history", len(got))
	}
	if got := analysis.WeekdayBands(weekly(22), analysis.WeekdayOptions{}); len(got) != 1 {
		t.Errorf("WeekdayBands evaluated %d points, want 1 (day 22 has three)", len(got))
	}
}
