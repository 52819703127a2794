package analysis

import (
	"math"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// HistoryDays is how much daily history ForecastMonth uses for weekday factors.
const HistoryDays = 56

// ForecastInput is what ForecastMonth projects.
type ForecastInput struct {
	// Daily spend: the HistoryDays before the month, and the month to date.
	// Missing days count as zero once the series has started.
	Daily  Series
	Today  time.Time // The current UTC day; its spend so far is partial.
	Budget *float64  // Monthly budget, if any.
}

// bandZ is the width of the forecast band in standard deviations (about 95%).
const bandZ = 1.96

// ForecastMonth projects Today's month to its end. Complete days of the month
// (before Today) set the level; the HistoryDays of complete days before Today set
// weekday factors (each weekday's mean over the overall mean, counting days from
// the series' first non-zero day). Each remaining day from Today on is expected at
// level × factor; Today counts as the larger of its partial spend and its
// expectation. On the first of a month the level is the history's. The band
// widens the remaining spend by bandZ times the history's day-to-day variation
// around its weekday pattern. With a budget, DaysUntilExhausted counts days from
// Today until cumulative spend (actual, then expected) first exceeds it within the
// month; 0 when it already has; absent when it will not this month.
func ForecastMonth(in ForecastInput) cost.Forecast {
	today := cost.Day(in.Today)
	ms, me := cost.MonthStart(today), cost.MonthEnd(today)
	f := cost.Forecast{Month: today.Format("2006-01"), Budget: in.Budget,
		DaysElapsed: int(today.Sub(ms).Hours() / 24), DaysRemaining: int(me.Sub(today).Hours()/24) + 1}
	mtd := Dense(in.Daily, ms, today)
	f.MonthToDate = mtd.Sum()
	complete := mtd[:len(mtd)-1]
	hist := history(in.Daily, ms)
	factor, relSD := weekdayFactors(hist)

	level := Mean(values(hist))
	if len(complete) > 0 {
		var w float64
		for _, p := range complete {
			w += factor[p.Date.Weekday()]
		}
		level = complete.Sum() / w
		if w == 0 {
			level = Mean(values(complete))
		}
	}
	todaySoFar := mtd[len(mtd)-1].Value
	expected := make([]Point, 0, f.DaysRemaining)
	var remaining, variance float64
	for d := today; !d.After(me); d = d.AddDate(0, 0, 1) {
		e := level * factor[d.Weekday()]
		if d.Equal(today) {
			e = max(e, todaySoFar)
		}
		expected = append(expected, Point{d, e})
		remaining += e
		variance += (relSD * e) * (relSD * e)
	}
	completeSum := complete.Sum()
	f.Projected = completeSum + remaining
	band := bandZ * math.Sqrt(variance)
	f.Lower = max(f.MonthToDate, f.Projected-band)
	f.Upper = f.Projected + band
	if in.Budget != nil {
		exhaust(&f, *in.Budget, completeSum, expected)
	}
	return f
}

func exhaust(f *cost.Forecast, budget, spent float64, expected []Point) {
	if spent > budget {
		zero := 0
		f.DaysUntilExhausted = &zero
		f.ExhaustedOn = expected[0].Date
		return
	}
	cum := spent
	for i, p := range expected {
		cum += p.Value
		if cum > budget {
			n := i
			f.DaysUntilExhausted = &n
			f.ExhaustedOn = p.Date
			return
		}
	}
}

// history returns the HistoryDays before day end (exclusive), from the series'
// first non-zero day on, dense.
func history(s Series, end time.Time) Series {
	from := end.AddDate(0, 0, -HistoryDays)
	var first time.Time
	for _, p := range s {
		d := cost.Day(p.Date)
		if p.Value != 0 && !d.Before(from) && d.Before(end) && (first.IsZero() || d.Before(first)) {
			first = d
		}
	}
	if first.IsZero() {
		return nil
	}
	return Dense(s, first, end.AddDate(0, 0, -1))
}

// weekdayFactors returns each weekday's mean over the overall mean (1 for a
// weekday without history), and the relative standard deviation of days around
// their weekday's mean.
func weekdayFactors(hist Series) (factor [7]float64, relSD float64) {
	var sum [7]float64
	var n [7]int
	for _, p := range hist {
		sum[p.Date.Weekday()] += p.Value
		n[p.Date.Weekday()]++
	}
	overall := Mean(values(hist))
	for w := range factor {
		factor[w] = 1
		if n[w] > 0 && overall > 0 {
			factor[w] = sum[w] / float64(n[w]) / overall
		}
	}
	if overall <= 0 || len(hist) < 2 {
		return factor, 0
	}
	var resid []float64
	for _, p := range hist {
		w := p.Date.Weekday()
		resid = append(resid, p.Value/(overall*factor[w])-1)
	}
	return factor, StdDev(resid)
}

func values(s Series) []float64 {
	out := make([]float64, len(s))
	for i, p := range s {
		out[i] = p.Value
	}
	return out
}
