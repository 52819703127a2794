package demo_test

import (
	"math"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/demo"
)

// TestGateway checks the gateway's estimates: one estimate and one superseding
// line per billed token line of the last demo.GatewayDays days, nothing
// before, pairs that cancel, and per provider and month a small gap between
// the billed token cost and the estimate.
func TestGateway(t *testing.T) {
	t.Parallel()
	d := generate(t)
	from := end.Truncate(24*time.Hour).AddDate(0, 0, -demo.GatewayDays)
	var want int
	billed := map[string]float64{} // "YYYY-MM|provider"
	for _, l := range d.Lines {
		if l.IsTokenLine() && !l.Date.Before(from) {
			want++
			billed[l.Date.Format("2006-01")+"|"+l.CloudProvider] += l.CostUSD
		}
	}
	if got := len(d.Gateway); got != 2*want {
		t.Fatalf("%d gateway lines, want %d (two per billed token line since %s)", got, 2*want, from.Format(cost.DateLayout))
	}
	estimated := map[string]float64{}
	var net, netTokens float64
	for i, l := range d.Gateway {
		switch {
		case l.Date.Before(from) || !l.IsTokenLine():
			t.Fatalf("gateway line %d: %+v, want a token line since %s", i, l, from)
		case l.Requests != 0:
			t.Fatalf("gateway line %d carries %d requests; the bill counts them", i, l.Requests)
		case l.CostSource == cost.SourceEventEstimate && l.CostUSD > 0 && l.UsageAmount > 0:
			estimated[l.Date.Format("2006-01")+"|"+l.CloudProvider] += l.CostUSD
		case l.CostSource == cost.SourceSupersededEstimate && l.CostUSD < 0 && l.UsageAmount < 0:
		default:
			t.Fatalf("gateway line %d: %s costing %v for %v tokens", i, l.CostSource, l.CostUSD, l.UsageAmount)
		}
		net += l.CostUSD
		netTokens += l.UsageAmount
	}
	if math.Abs(net) > 1e-6 || netTokens != 0 {
		t.Errorf("gateway lines add %v USD and %v tokens to the totals, want 0", net, netTokens)
	}
	providers := map[string]bool{}
	for k, b := range billed {
		e := estimated[k]
		gap := (b - e) / b
		if math.Abs(gap) >= 0.10 || gap == 0 {
			t.Errorf("%s: billed %.2f, estimated %.2f: gap %.1f%%, want a small non-zero gap", k, b, e, gap*100)
		}
		providers[k[len("2026-11|"):]] = true
	}
	if len(providers) != 3 {
		t.Errorf("providers with estimates %v, want all three", providers)
	}
}
