package analysis

import "github.com/llmcost/llmcost/internal/cost"

// RobustBands is RollingBands with two changes that keep the band honest after a
// spike: a day already flagged is left out of the windows of the days after it
// (each window is the current point plus up to RollingWindow−1 earlier unflagged
// points), so one spike does not widen the band for a week; and the lower band is
// never below zero, since spend cannot be negative. A point whose window has a
// single value has no σ: its bands equal its mean and it is normal.
func RobustBands(s Series) []cost.SeriesPoint {
	out := make([]cost.SeriesPoint, len(s))
	var kept []float64 // Values of the earlier unflagged points, oldest first.
	for i, p := range s {
		w := append(kept[max(0, len(kept)-(RollingWindow-1)):len(kept):len(kept)], p.Value)
		m, sd := Mean(w), StdDev(w)
		sp := cost.SeriesPoint{Date: p.Date, Value: p.Value, Expected: m,
			Lower: max(0, m-2*sd), Upper: m + 2*sd, Status: "normal"}
		switch {
		case len(w) < 2:
		case p.Value > sp.Upper:
			sp.Status = "high"
		case p.Value < m-2*sd:
			sp.Status = "low"
		}
		if sp.Status == "normal" {
			kept = append(kept, p.Value)
		}
		out[i] = sp
	}
	return out
}
