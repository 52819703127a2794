package analysis

import (
	"math"

	"github.com/llmcost/llmcost/internal/cost"
)

// RollingWindow is the number of rows in the seed's moving window (6 preceding
// plus the current row).
const RollingWindow = 7

// RollingBands applies the seed's rule to s: for each point, the mean and sample
// standard deviation of the window of up to RollingWindow points ending at it
// (as AVG/STDDEV OVER (ORDER BY date ROWS BETWEEN 6 PRECEDING AND CURRENT ROW)),
// bands at mean ± 2σ, and status "high" above the upper band, "low" below the
// lower one, else "normal". The first point has no σ (SQL's NULL): its bands
// equal its mean and it is normal. The window counts rows, so pass a dense
// series when missing days mean zero spend.
func RollingBands(s Series) []cost.SeriesPoint {
	out := make([]cost.SeriesPoint, len(s))
	for i, p := range s {
		lo := max(0, i-RollingWindow+1)
		w := make([]float64, 0, i-lo+1)
		for _, q := range s[lo : i+1] {
			w = append(w, q.Value)
		}
		m, sd := Mean(w), StdDev(w)
		sp := cost.SeriesPoint{Date: p.Date, Value: p.Value, Expected: m,
			Lower: m - 2*sd, Upper: m + 2*sd, Status: "normal"}
		switch {
		case p.Value > sp.Upper && len(w) > 1:
			sp.Status = "high"
		case p.Value < sp.Lower && len(w) > 1:
			sp.Status = "low"
		}
		out[i] = sp
	}
	return out
}

// RollingAnomalies returns the points RollingBands flags, with their score in σ.
func RollingAnomalies(s Series) []cost.Anomaly {
	var out []cost.Anomaly
	for _, sp := range RollingBands(s) {
		if sp.Status == "normal" {
			continue
		}
		sd := (sp.Upper - sp.Expected) / 2
		out = append(out, cost.Anomaly{Date: sp.Date, Value: sp.Value, Expected: sp.Expected,
			Lower: sp.Lower, Upper: sp.Upper, Score: score(sp.Value-sp.Expected, sd),
			Direction: sp.Status, Detector: cost.DetectorRolling})
	}
	return out
}

func score(dev, scale float64) float64 {
	if scale == 0 {
		if dev == 0 {
			return 0
		}
		return math.Copysign(math.MaxFloat32, dev)
	}
	return dev / scale
}
