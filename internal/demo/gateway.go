package demo

import (
	"math"
	"math/rand/v2"

	"github.com/llmcost/llmcost/internal/cost"
)

const (
	// GatewayDays is how many days before End the company's gateway has logged
	// requests: its estimates cover the token lines of those days.
	GatewayDays = 35
	// The gateway sees between 0.5% more and 2.5% fewer tokens than a provider
	// bills on a day: requests that bypass it (batch jobs, console experiments)
	// against cancelled streams it counts and the provider does not bill.
	gatewayMissMin  = -0.005
	gatewayMissMax  = 0.025
	gatewayRNGAlter = 0x5bd1e995 // The gateway's draws use their own stream.
)

// gateway returns, for every billed token line of the last GatewayDays days,
// the gateway's estimate of it (cost source event_estimate: the tokens the
// gateway saw, priced at the same list price) and the line that supersedes
// that estimate because the bill covers it (cost source superseded_estimate,
// negated), so that totals count the bill once while billed and estimated cost
// can still be compared like with like. Lines have no requests: the billed
// input lines already count them.
func (g *generator) gateway(lines []cost.LineItem) []cost.LineItem {
	from := g.o.End.AddDate(0, 0, -GatewayDays)
	rng := rand.New(rand.NewPCG(uint64(g.o.Seed), pcgStream^gatewayRNGAlter))
	type providerDay struct {
		day      int64
		provider string
	}
	miss := map[providerDay]float64{}
	var out []cost.LineItem
	for _, l := range lines {
		if !l.IsTokenLine() || l.Date.Before(from) || l.CostSource != cost.SourceBillingExport {
			continue
		}
		k := providerDay{l.Date.Unix(), l.CloudProvider}
		m, ok := miss[k]
		if !ok {
			m = gatewayMissMin + (gatewayMissMax-gatewayMissMin)*rng.Float64()
			miss[k] = m
		}
		seen := math.Round(l.UsageAmount * (1 - m))
		if seen < 1 {
			continue
		}
		est := l
		est.CostSource, est.Requests, est.Tags = cost.SourceEventEstimate, 0, copyTags(l.Tags)
		est.UsageAmount = seen
		setCost(&est, l.CostUSD/l.UsageAmount*seen)
		off := est
		off.CostSource, off.Tags = cost.SourceSupersededEstimate, copyTags(l.Tags)
		off.UsageAmount = -seen
		setCost(&off, -est.CostUSD)
		out = append(out, est, off)
	}
	return out
}

func copyTags(t map[string]string) map[string]string {
	out := make(map[string]string, len(t))
	for k, v := range t {
		out[k] = v
	}
	return out
}
