package chat

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// money formats US dollars: "$1,234.56", and 4 significant digits under $1
// ("$0.003125") so small unit costs stay readable.
func money(x float64) string {
	sign := ""
	if x < 0 {
		sign, x = "-", -x
	}
	if x > 0 && x < 1 {
		dec := 3 - int(math.Floor(math.Log10(x)))
		return sign + "$" + strconv.FormatFloat(x, 'f', dec, 64)
	}
	s := strconv.FormatFloat(x, 'f', 2, 64)
	whole, frac := s[:len(s)-3], s[len(s)-3:]
	return sign + "$" + groupThousands(whole) + frac
}

func groupThousands(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// count formats a token or request count: 98.5M, 1.2B, 12.3K, 950.
func count(x float64) string {
	for _, u := range []struct {
		v float64
		s string
	}{{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "K"}} {
		if math.Abs(x) >= u.v {
			s := strconv.FormatFloat(x/u.v, 'f', 1, 64)
			return strings.TrimSuffix(s, ".0") + u.s
		}
	}
	return strconv.FormatFloat(math.Round(x), 'f', 0, 64)
}

// percent formats a ratio (0.82 → "82%"); under 10% keeps one decimal.
func percent(ratio float64) string {
	p := ratio * 100
	if math.Abs(p) < 10 && math.Abs(p) >= 0.05 && math.Round(p) != p {
		return strings.TrimSuffix(strconv.FormatFloat(p, 'f', 1, 64), ".0") + "%"
	}
	return strconv.FormatFloat(math.Round(p), 'f', 0, 64) + "%"
}

// rangeLabel names a range exactly: "Tue Nov 24, 2026" or "Mon Nov 16 – Sun Nov 22, 2026".
func rangeLabel(r cost.DateRange) string {
	if r.From.Equal(r.To) {
		return r.From.Format("Mon Jan 2, 2006")
	}
	if r.From.Year() == r.To.Year() {
		return r.From.Format("Mon Jan 2") + " – " + r.To.Format("Mon Jan 2, 2006")
	}
	return r.From.Format("Mon Jan 2, 2006") + " – " + r.To.Format("Mon Jan 2, 2006")
}

// inRange says when a range is: "on Tue Nov 24, 2026" or "in Mon Nov 16 – Sun Nov 22, 2026".
func inRange(r cost.DateRange) string {
	if r.From.Equal(r.To) {
		return "on " + rangeLabel(r)
	}
	return "in " + rangeLabel(r)
}

// dayLabel names one day: "Tue Nov 24, 2026".
func dayLabel(t time.Time) string { return t.Format("Mon Jan 2, 2006") }

// periodText is the phrase and exact range of a period: "yesterday (Tue Nov 24, 2026)".
func periodText(w when) string {
	if w.Phrase == "" {
		return inRange(w.Range)
	}
	return w.Phrase + " (" + rangeLabel(w.Range) + ")"
}

// change describes the move from prev to cur: "up 12% from $1,100.00".
func change(cur, prev float64, format func(float64) string) string {
	switch {
	case prev == 0 && cur == 0:
		return "unchanged at " + format(0)
	case prev == 0:
		return "up from " + format(0)
	case cur == prev:
		return "unchanged from " + format(prev)
	}
	d := (cur - prev) / math.Abs(prev)
	if math.Abs(d) < 0.0005 {
		return "about the same as " + format(prev)
	}
	dir := "up"
	if d < 0 {
		dir, d = "down", -d
	}
	return fmt.Sprintf("%s %s from %s", dir, percent(d), format(prev))
}

// ratioText formats a multiple: "2.3×".
func ratioText(r float64) string {
	return strings.TrimSuffix(strconv.FormatFloat(r, 'f', 1, 64), ".0") + "×"
}

// joinList joins items as "a, b and c".
func joinList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
