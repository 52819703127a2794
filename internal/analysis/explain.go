package analysis

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/llmcost/llmcost/internal/cost"
)

// Breakdown is one dimension's split of the current and baseline spend: value →
// USD summed over the current range and over the whole baseline range.
type Breakdown struct {
	Dimension cost.Dimension
	Current   map[string]float64
	Baseline  map[string]float64
}

// Combo is a two-dimension split (e.g. customer × model) keyed by value pairs.
type Combo struct {
	Dimensions [2]cost.Dimension
	Current    map[[2]string]float64
	Baseline   map[[2]string]float64
}

// ExplainInput is what Explain attributes.
type ExplainInput struct {
	Range         cost.DateRange
	BaselineRange cost.DateRange
	Total         float64 // Spend over Range.
	BaselineTotal float64 // Spend over the whole of BaselineRange.
	Breakdowns    []Breakdown
	Combo         *Combo
	// TopShare is the share of the change a combination must carry to be named as
	// Top (default 0.5).
	TopShare float64
}

// Explain compares Range's spend with the baseline's daily average scaled to
// Range's length, and attributes the change to each dimension value: its delta is
// current − scaled baseline and its share delta / total delta. Contributions are
// ranked by |delta| (then dimension and value, for stable output). The leading
// combination is returned as Top when its share reaches TopShare.
func Explain(in ExplainInput) cost.Explanation {
	scale := 0.0
	if n := in.BaselineRange.Days(); n > 0 && !in.BaselineRange.From.IsZero() {
		scale = float64(in.Range.Days()) / float64(n)
	}
	e := cost.Explanation{Range: in.Range, BaselineRange: in.BaselineRange, Total: in.Total,
		Baseline: in.BaselineTotal * scale}
	e.Delta = e.Total - e.Baseline
	if e.Baseline != 0 {
		e.Ratio = e.Total / e.Baseline
	}
	for _, b := range in.Breakdowns {
		for _, v := range unionKeys(b.Current, b.Baseline) {
			e.Contributions = append(e.Contributions, contribution(b.Dimension, v,
				b.Current[v], b.Baseline[v]*scale, e.Delta))
		}
	}
	slices.SortStableFunc(e.Contributions, func(a, b cost.Contribution) int {
		if c := cmp.Compare(math.Abs(b.Delta), math.Abs(a.Delta)); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Dimension, b.Dimension); c != 0 {
			return c
		}
		return cmp.Compare(a.Value, b.Value)
	})
	e.Top = topCombo(in, scale, e.Delta)
	e.Summary = summary(e, in.BaselineRange.Days())
	return e
}

func contribution(d cost.Dimension, v string, cur, base, total float64) cost.Contribution {
	c := cost.Contribution{Dimension: d, Value: v, Current: cur, Baseline: base, Delta: cur - base}
	if total != 0 {
		c.Share = c.Delta / total
	}
	return c
}

func unionKeys[K cmp.Ordered](a, b map[K]float64) []K {
	var keys []K
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

func topCombo(in ExplainInput, scale, total float64) []cost.Contribution {
	if in.Combo == nil || total == 0 {
		return nil
	}
	minShare := in.TopShare
	if minShare <= 0 {
		minShare = 0.5
	}
	c := in.Combo
	var best [2]string
	bestDelta, found := 0.0, false
	keys := make(map[[2]string]bool)
	for k := range c.Current {
		keys[k] = true
	}
	for k := range c.Baseline {
		keys[k] = true
	}
	sorted := make([][2]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	slices.SortFunc(sorted, func(a, b [2]string) int {
		return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1]))
	})
	for _, k := range sorted {
		d := c.Current[k] - c.Baseline[k]*scale
		if !found || d/total > bestDelta/total {
			best, bestDelta, found = k, d, true
		}
	}
	if !found || bestDelta/total < minShare {
		return nil
	}
	cur, base := c.Current[best], c.Baseline[best]*scale
	return []cost.Contribution{
		contribution(c.Dimensions[0], best[0], cur, base, total),
		contribution(c.Dimensions[1], best[1], cur, base, total),
	}
}

func summary(e cost.Explanation, baselineDays int) string {
	var b strings.Builder
	b.WriteString(SignedUSD(e.Delta))
	if e.Baseline == 0 {
		fmt.Fprintf(&b, " vs no spend in the previous %d days", baselineDays)
	} else {
		fmt.Fprintf(&b, " vs the %d-day average of %s (%.1f×)", baselineDays, USD(e.Baseline), e.Ratio)
	}
	if e.Delta == 0 {
		return b.String()
	}
	switch {
	case len(e.Top) == 2:
		fmt.Fprintf(&b, "; %.0f%% from %s on %s", 100*e.Top[0].Share, e.Top[0].Value, e.Top[1].Value)
	case len(e.Contributions) > 0 && e.Contributions[0].Share > 0:
		c := e.Contributions[0]
		fmt.Fprintf(&b, "; %.0f%% from %s %s", 100*c.Share, dimensionNoun(c.Dimension), displayValue(c.Value))
	}
	return b.String()
}

func dimensionNoun(d cost.Dimension) string {
	switch d {
	case cost.DimCustomer:
		return "customer"
	case cost.DimCloudProvider:
		return "provider"
	case cost.DimTokenType:
		return "token type"
	}
	return string(d)
}

func displayValue(v string) string {
	if v == "" {
		return "(none)"
	}
	return v
}

// USD formats an amount as "$1,234.56" ("-$1,234.56" when negative).
func USD(v float64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	s := fmt.Sprintf("%.2f", v)
	whole, frac := s[:len(s)-3], s[len(s)-3:]
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return sign + "$" + b.String() + frac
}

// SignedUSD formats an amount with an explicit sign: "+$912.40", "-$12.00".
func SignedUSD(v float64) string {
	if v < 0 {
		return USD(v)
	}
	return "+" + USD(v)
}
