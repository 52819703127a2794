package clickhouse

import (
	"github.com/llmcost/llmcost/internal/cost"
)

// occurrence is one event's usages within a batch.
type occurrence struct {
	id     string
	usages []cost.EventUsage
}

// splitEvents groups a batch's usages into event occurrences and drops repeated
// ids within the batch, keeping the first. An event's usages are contiguous; a new
// occurrence starts at a usage marked First, at a change of event id, or when a
// token type repeats. It returns the kept occurrences and how many were dropped.
func splitEvents(us []cost.EventUsage) (kept []occurrence, dropped int) {
	seen := make(map[string]bool)
	types := make(map[string]bool)
	skip := false
	for i := range us {
		u := us[i]
		if i == 0 || u.First || u.EventID != us[i-1].EventID || types[u.TokenType] {
			clear(types)
			skip = seen[u.EventID]
			if skip {
				dropped++
			} else {
				seen[u.EventID] = true
				kept = append(kept, occurrence{id: u.EventID})
			}
		}
		types[u.TokenType] = true
		if !skip {
			o := &kept[len(kept)-1]
			o.usages = append(o.usages, u)
		}
	}
	return kept, dropped
}

// rollupKey is what a daily event line is grouped by.
type rollupKey struct {
	day                                          int64
	provider, service, model, family, customer   string
	project, region, tier, tokenType, costSource string
	unpriced                                     bool
}

// rollup sums usages into daily lines of the event batch's partition, in the
// order their keys first appear, sorted by day.
func rollup(occs []occurrence, batch string) []cost.LineItem {
	index := map[rollupKey]int{}
	var out []cost.LineItem
	for _, o := range occs {
		for _, u := range o.usages {
			day := cost.Day(u.Time)
			k := rollupKey{day.Unix(), u.Provider, u.Service, u.Model, u.ModelFamily, u.CustomerID,
				u.Project, u.Region, u.PricingTier, u.TokenType, u.CostSource, u.Unpriced}
			i, ok := index[k]
			if !ok {
				i = len(out)
				index[k] = i
				out = append(out, cost.LineItem{Date: day, CloudProvider: u.Provider, Service: u.Service,
					Model: u.Model, ModelFamily: u.ModelFamily, CustomerID: u.CustomerID, Project: u.Project,
					Region: u.Region, PricingTier: u.PricingTier, TokenType: u.TokenType,
					CostSource: u.CostSource, Unpriced: u.Unpriced, UsageUnit: "tokens", Currency: "USD",
					DataStatus: cost.StatusEstimated, ChargeCategory: "Usage", Source: EventSource,
					SourcePartition: batch})
			}
			l := &out[i]
			l.UsageAmount += float64(u.Tokens)
			l.CostUSD += u.CostUSD
			l.Cost += u.CostUSD
			if u.First {
				l.Requests++
			}
		}
	}
	return out
}

// uniqueParts returns ps without repeats, in first-seen order.
func uniqueParts(ps []cost.Partition) []cost.Partition {
	seen := make(map[cost.Partition]bool, len(ps))
	var out []cost.Partition
	for _, p := range ps {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}
