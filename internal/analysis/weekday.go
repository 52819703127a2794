package analysis

import (
	"math"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// WeekdayOptions tune the weekday-aware detector. Zero fields take the defaults.
type WeekdayOptions struct {
	Weeks     int     // Same-weekday history to compare with (default 6).
	MinWeeks  int     // Fewer history points than this: not evaluated (default 3).
	Threshold float64 // Flag beyond this many scaled MADs (default 3.5).
	// MinRelative floors the scale at this fraction of the median (default 0.1), so
	// a very regular series is not flagged for small moves.
	MinRelative float64
	// MinAbsolute floors the scale in USD (default 0.01).
	MinAbsolute float64
}

func (o WeekdayOptions) withDefaults() WeekdayOptions {
	if o.Weeks <= 0 {
		o.Weeks = 6
	}
	if o.MinWeeks <= 0 {
		o.MinWeeks = 3
	}
	if o.Threshold <= 0 {
		o.Threshold = 3.5
	}
	if o.MinRelative <= 0 {
		o.MinRelative = 0.1
	}
	if o.MinAbsolute <= 0 {
		o.MinAbsolute = 0.01
	}
	return o
}

// madScale turns a median absolute deviation into a σ estimate for normal data.
const madScale = 1.4826

type weekdayBand struct {
	point cost.SeriesPoint
	score float64
}

// WeekdayBands evaluates each point of s against the same weekday in the previous
// o.Weeks weeks of s: expected is their median, the scale 1.4826×MAD (floored),
// and the band expected ± Threshold×scale. Weekends are compared only with
// weekends, so a regular weekly rhythm is not flagged. Points without MinWeeks
// history are left out. Missing days are absent, not zero: pass a dense series
// when no data means no spend.
func WeekdayBands(s Series, o WeekdayOptions) []cost.SeriesPoint {
	var out []cost.SeriesPoint
	for _, b := range weekdayBands(s, o) {
		out = append(out, b.point)
	}
	return out
}

func weekdayBands(s Series, o WeekdayOptions) []weekdayBand {
	o = o.withDefaults()
	byDay := make(map[int64]float64, len(s))
	for _, p := range s {
		byDay[dayNumber(p.Date)] = p.Value
	}
	var out []weekdayBand
	hist := make([]float64, 0, o.Weeks)
	for _, p := range s {
		hist = hist[:0]
		day := dayNumber(p.Date)
		for k := 1; k <= o.Weeks; k++ {
			if v, ok := byDay[day-int64(7*k)]; ok {
				hist = append(hist, v)
			}
		}
		if len(hist) < o.MinWeeks {
			continue
		}
		med := Median(hist)
		dev := make([]float64, len(hist))
		for i, h := range hist {
			dev[i] = math.Abs(h - med)
		}
		scale := max(madScale*Median(dev), o.MinRelative*math.Abs(med), o.MinAbsolute)
		sp := cost.SeriesPoint{Date: p.Date, Value: p.Value, Expected: med,
			Lower: med - o.Threshold*scale, Upper: med + o.Threshold*scale, Status: "normal"}
		switch {
		case p.Value > sp.Upper:
			sp.Status = "high"
		case p.Value < sp.Lower:
			sp.Status = "low"
		}
		out = append(out, weekdayBand{sp, (p.Value - med) / scale})
	}
	return out
}

// dayNumber counts UTC days since 1970-01-01: the same day numbers the same
// calendar day, and k weeks earlier is 7k less.
func dayNumber(t time.Time) int64 {
	return cost.Day(t).Unix() / 86400
}

// WeekdayAnomalies returns the points WeekdayBands flags, scored in scaled MADs.
func WeekdayAnomalies(s Series, o WeekdayOptions) []cost.Anomaly {
	var out []cost.Anomaly
	for _, b := range weekdayBands(s, o) {
		sp := b.point
		if sp.Status == "normal" {
			continue
		}
		out = append(out, cost.Anomaly{Date: sp.Date, Value: sp.Value, Expected: sp.Expected,
			Lower: sp.Lower, Upper: sp.Upper, Score: b.score, Direction: sp.Status,
			Detector: cost.DetectorWeekday})
	}
	return out
}
