// Package analysis holds the pure statistics behind llmcost's analytics: anomaly
// detectors over daily cost series, spike explanations, month-end forecasts and
// budget status. It reads no data itself; the query layer fetches series through
// the typed query and hands them here.
package analysis

import (
	"math"
	"slices"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// Point is one day of a series.
type Point struct {
	Date  time.Time
	Value float64
}

// Series is a daily series ordered by date.
type Series []Point

// Dense returns s over every day from..to, with 0 for days s lacks. Points
// outside the range are dropped.
func Dense(s Series, from, to time.Time) Series {
	byDay := make(map[time.Time]float64, len(s))
	for _, p := range s {
		byDay[cost.Day(p.Date)] += p.Value
	}
	var out Series
	for d := cost.Day(from); !d.After(to); d = d.AddDate(0, 0, 1) {
		out = append(out, Point{d, byDay[d]})
	}
	return out
}

// Sum returns the sum of the values of s.
func (s Series) Sum() float64 {
	var t float64
	for _, p := range s {
		t += p.Value
	}
	return t
}

// Between returns the points of s in the inclusive day range r.
func (s Series) Between(r cost.DateRange) Series {
	var out Series
	for _, p := range s {
		if r.Contains(cost.Day(p.Date)) {
			out = append(out, p)
		}
	}
	return out
}

// Mean returns the arithmetic mean of xs, or 0 when xs is empty.
func Mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	var t float64
	for _, x := range xs {
		t += x
	}
	return t / float64(len(xs))
}

// StdDev returns the sample standard deviation of xs (n−1 denominator, as SQL's
// STDDEV), or 0 when xs has fewer than two values.
func StdDev(xs []float64) float64 {
	if len(xs) < 2 {
		return 0
	}
	m := Mean(xs)
	var ss float64
	for _, x := range xs {
		ss += (x - m) * (x - m)
	}
	return math.Sqrt(ss / float64(len(xs)-1))
}

// Median returns the median of xs, or 0 when xs is empty.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
