package alert

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/analysis"
	"github.com/llmcost/llmcost/internal/cost"
)

// Sample is one label set for which a rule's condition holds now. Label sets of
// a rule that have no sample are not (or no longer) active.
type Sample struct {
	Key     string            // Canonical labels, "" for a single-series rule.
	Labels  map[string]string // e.g. {"customer_id": "cust_acme"}.
	Value   float64
	Message string // One sentence with figures.
	// Range is the days the sample is about (for links and explanations).
	Range cost.DateRange
}

// LabelKey returns the canonical key of a label set: "k=v,k2=v2" sorted by key.
func LabelKey(labels map[string]string) string {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + labels[k]
	}
	return strings.Join(parts, ",")
}

func sample(labels map[string]string, v float64, r cost.DateRange, format string, args ...any) Sample {
	return Sample{Key: LabelKey(labels), Labels: labels, Value: v, Range: r, Message: fmt.Sprintf(format, args...)}
}

// windowNoun names a window in a sentence: "Daily spend", "Weekly spend"…
func windowNoun(window string) string {
	switch window {
	case cost.AlertWindowWeek:
		return "Spend over the last 7 days"
	case cost.AlertWindowMonthToDate:
		return "Month-to-date spend"
	}
	return "Daily spend"
}

// Threshold fires when spend over the rule's window is strictly above its
// threshold. value is the window's spend.
func Threshold(r cost.AlertRule, value float64, rg cost.DateRange) []Sample {
	if !(value > r.Threshold) {
		return nil
	}
	return []Sample{sample(nil, value, rg, "%s %s %s is over the %s threshold",
		windowNoun(r.Window), analysis.USD(value), rangeText(rg), analysis.USD(r.Threshold))}
}

// Anomalies fires for each series the detectors flag as high on day; when
// several detectors flag one series, the highest score wins.
func Anomalies(r cost.AlertRule, rep *cost.AnomalyReport, day time.Time) []Sample {
	best := map[string]cost.Anomaly{}
	for _, a := range rep.Anomalies {
		if !a.Date.Equal(day) || a.Direction != "high" {
			continue
		}
		if b, ok := best[a.Key]; !ok || a.Score > b.Score {
			best[a.Key] = a
		}
	}
	keys := make([]string, 0, len(best))
	for k := range best {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]Sample, 0, len(keys))
	for _, k := range keys {
		a := best[k]
		var labels map[string]string
		who := ""
		if r.GroupBy != "" {
			labels = map[string]string{r.GroupBy: k}
			who = " for " + k
		}
		ratio := ""
		if a.Expected > 0 {
			ratio = fmt.Sprintf(", %.1f× the expected %s", a.Value/a.Expected, analysis.USD(a.Expected))
		}
		out = append(out, sample(labels, a.Value, cost.DateRange{From: day, To: day},
			"Daily spend%s %s on %s is unusually high%s (upper band %s)", who,
			analysis.USD(a.Value), day.Format(cost.DateLayout), ratio, analysis.USD(a.Upper)))
	}
	return out
}

// Budget fires when the percent of the monthly budget used (window
// month_to_date) or projected for month end (window forecast) reaches the
// threshold. Without a budget it never fires.
func Budget(r cost.AlertRule, st cost.BudgetStatus) []Sample {
	if !st.HasBudget || st.Budget <= 0 {
		return nil
	}
	who := "The organisation"
	if st.CustomerID != "" {
		who = st.CustomerID
	}
	if r.Window == cost.AlertWindowForecast {
		pct := 100 * st.Projected / st.Budget
		if pct < r.Threshold {
			return nil
		}
		return []Sample{sample(nil, pct, st.Range, "%s is projected to spend %s by the end of %s, %.0f%% of its %s monthly budget (month to date %s)",
			who, analysis.USD(st.Projected), st.Month, pct, analysis.USD(st.Budget), analysis.USD(st.Spent))}
	}
	if st.PercentUsed < r.Threshold {
		return nil
	}
	return []Sample{sample(nil, st.PercentUsed, st.Range, "%s has used %.0f%% of its %s monthly budget: %s spent in %s, with %d days left",
		who, st.PercentUsed, analysis.USD(st.Budget), analysis.USD(st.Spent), st.Month, st.DaysRemaining)}
}

// Unpriced fires for each model whose unpriced tokens in the window are above
// the threshold (0 = any).
func Unpriced(r cost.AlertRule, tokensByModel map[string]float64, rg cost.DateRange) []Sample {
	models := make([]string, 0, len(tokensByModel))
	for m, v := range tokensByModel {
		if v > r.Threshold {
			models = append(models, m)
		}
	}
	slices.Sort(models)
	out := make([]Sample, 0, len(models))
	for _, m := range models {
		out = append(out, sample(map[string]string{string(cost.DimModel): m}, tokensByModel[m], rg,
			"%s unpriced tokens of model %s %s have no price in the catalog, so their cost is missing",
			count(tokensByModel[m]), m, rangeText(rg)))
	}
	return out
}

// Freshness fires for each provider (narrowed by the rule's cloud_provider
// filters) whose data was last ingested at least threshold hours before now.
func Freshness(r cost.AlertRule, fs []cost.Freshness, now time.Time) []Sample {
	var out []Sample
	for _, f := range fs {
		if !providerAllowed(r.Filters, f.CloudProvider) {
			continue
		}
		hours := now.Sub(f.IngestedAt).Hours()
		if hours < r.Threshold {
			continue
		}
		rg := cost.DateRange{From: f.LatestDate, To: f.LatestDate}
		out = append(out, sample(map[string]string{string(cost.DimCloudProvider): f.CloudProvider}, math.Floor(hours), rg,
			"No new %s billing data for %.0f hours (last ingested %s; latest day %s)",
			f.CloudProvider, math.Floor(hours), f.IngestedAt.UTC().Format(time.RFC3339), f.LatestDate.Format(cost.DateLayout)))
	}
	return out
}

// providerAllowed applies the cloud_provider filters of a rule to one provider.
func providerAllowed(fs []cost.Filter, provider string) bool {
	for _, f := range fs {
		if f.Dimension != cost.DimCloudProvider {
			continue
		}
		in := slices.Contains(f.Values, provider)
		switch f.Op {
		case cost.OpEq, cost.OpIn:
			if !in {
				return false
			}
		case cost.OpNotIn:
			if in {
				return false
			}
		case cost.OpPrefix:
			if !strings.HasPrefix(provider, f.Values[0]) {
				return false
			}
		}
	}
	return true
}

// count formats a token count with thousands separators.
func count(v float64) string {
	s := analysis.USD(math.Round(v))
	return strings.TrimSuffix(strings.TrimPrefix(s, "$"), ".00")
}

// rangeText says when: "on 2026-11-27" or "from 2026-11-01 to 2026-11-27".
func rangeText(rg cost.DateRange) string {
	if rg.From.Equal(rg.To) {
		return "on " + rg.From.Format(cost.DateLayout)
	}
	return "from " + rg.From.Format(cost.DateLayout) + " to " + rg.To.Format(cost.DateLayout)
}
