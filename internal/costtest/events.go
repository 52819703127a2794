package costtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// usage builds one priced token usage of an event.
func usage(id string, at time.Time, provider, model, customer, tokenType string, tokens int64, first bool) cost.EventUsage {
	u := cost.EventUsage{
		EventID: id, Time: at, Provider: provider, Service: provider + " API", Model: model,
		ModelFamily: cost.ModelFamily(model), CustomerID: customer, Project: "gateway",
		PricingTier: "standard", TokenType: tokenType, Tokens: tokens,
		CostUSD: float64(tokens) * 3e-6, CostSource: cost.SourceEventEstimate, First: first,
	}
	if model == "mystery-1" {
		u.CostUSD, u.Unpriced = 0, true
	}
	return u
}

// event returns an event's usages: input (marked First), output and optionally
// cache reads.
func event(id string, at time.Time, provider, model, customer string, in, out, cache int64) []cost.EventUsage {
	us := []cost.EventUsage{
		usage(id, at, provider, model, customer, cost.TokenInput, in, true),
		usage(id, at, provider, model, customer, cost.TokenOutput, out, false),
	}
	if cache > 0 {
		us = append(us, usage(id, at, provider, model, customer, cost.TokenCacheRead, cache, false))
	}
	return us
}

// Usages returns a batch of event usages over two days: five events, one of them
// (e2) delivered twice, and one unpriced model.
func Usages() []cost.EventUsage {
	d0 := Start.Add(9 * time.Hour)
	d1 := Start.Add(33 * time.Hour)
	var us []cost.EventUsage
	for _, e := range [][]cost.EventUsage{
		event("e1", d0, cost.ProviderOpenAI, "gpt-4o", "cust_a", 1200, 300, 0),
		event("e2", d0.Add(time.Minute), cost.ProviderOpenAI, "gpt-4o", "cust_a", 800, 200, 5000),
		event("e3", d0.Add(2*time.Minute), cost.ProviderAnthropic, "claude-3-5-sonnet", "cust_b", 4000, 900, 0),
		event("e2", d0.Add(time.Minute), cost.ProviderOpenAI, "gpt-4o", "cust_a", 800, 200, 5000),
		event("e4", d1, cost.ProviderOpenAI, "gpt-4o", "cust_a", 100, 50, 0),
		event("e5", d1.Add(time.Hour), cost.ProviderOpenAI, "mystery-1", "", 700, 70, 0),
	} {
		us = append(us, e...)
	}
	return us
}

// MoreUsages returns a second batch: e5 again and a new event e6.
func MoreUsages() []cost.EventUsage {
	d1 := Start.Add(33 * time.Hour)
	return append(event("e5", d1.Add(time.Hour), cost.ProviderOpenAI, "mystery-1", "", 700, 70, 0),
		event("e6", d1.Add(2*time.Hour), cost.ProviderAnthropic, "claude-3-5-sonnet", "cust_b", 10, 20, 30)...)
}

// EventCount returns the number of distinct event ids in us.
func EventCount(us []cost.EventUsage) int {
	ids := map[string]bool{}
	for _, u := range us {
		ids[u.EventID] = true
	}
	return len(ids)
}

// EventLines returns, one per usage, the lines a store's rollup of us must add up
// to, skipping events in seen (which it updates) and repeats within us.
func EventLines(us []cost.EventUsage, batch string, seen map[string]bool) []cost.LineItem {
	var out []cost.LineItem
	skip := false
	for _, u := range us {
		if u.First {
			skip = seen[u.EventID]
			seen[u.EventID] = true
		}
		if skip {
			continue
		}
		var requests int64
		if u.First {
			requests = 1
		}
		out = append(out, cost.LineItem{
			Date: cost.Day(u.Time), CloudProvider: u.Provider, Service: u.Service, Model: u.Model,
			ModelFamily: u.ModelFamily, TokenType: u.TokenType, PricingTier: u.PricingTier,
			UsageAmount: float64(u.Tokens), UsageUnit: "tokens", CostUSD: u.CostUSD, Cost: u.CostUSD,
			Currency: "USD", CustomerID: u.CustomerID, Project: u.Project, Region: u.Region,
			Source: "events", SourcePartition: batch, CostSource: u.CostSource,
			DataStatus: cost.StatusEstimated, Requests: requests, Unpriced: u.Unpriced,
		})
	}
	return out
}

// rollupKeys counts the distinct daily rollup lines of ls.
func rollupKeys(ls []cost.LineItem) int {
	keys := map[string]bool{}
	for _, l := range ls {
		keys[fmt.Sprint(l.Date, l.CloudProvider, l.Service, l.Model, l.ModelFamily, l.CustomerID,
			l.Project, l.Region, l.PricingTier, l.TokenType, l.CostSource, l.Unpriced)] = true
	}
	return len(keys)
}

func testEvents(t *testing.T, s cost.Store) {
	base := Lines(6)
	MustApply(t, s, BatchOf(base))
	seen := map[string]bool{}
	want := base
	steps := []struct {
		name                string
		us                  []cost.EventUsage
		batch               string
		inserted, duplicate int
	}{
		{"First", Usages(), "batch-1", 5, 1},
		{"Overlapping", MoreUsages(), "batch-2", 1, 1},
		{"Again", Usages(), "batch-1", 0, 6},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			added := EventLines(st.us, st.batch, seen)
			res := MustApply(t, s, &cost.Batch{Events: st.us, EventBatch: st.batch})
			wantRes := cost.ApplyResult{LinesWritten: rollupKeys(added), EventsInserted: st.inserted, EventsDuplicate: st.duplicate}
			if *res != wantRes {
				t.Errorf("ApplyResult=%+v, want %+v", *res, wantRes)
			}
			want = append(want, added...)
			for _, q := range broad() {
				CheckAggregate(t, s, want, q)
			}
			q := &cost.AggregateQuery{Metrics: []cost.Metric{cost.MetricRequests, cost.MetricUnpricedTokens},
				GroupBy: []cost.Dimension{cost.DimCostSource}}
			CheckAggregate(t, s, want, q)
		})
	}
	checkEventLines(t, s)
}

// checkEventLines checks the fixed fields of rolled-up event lines.
func checkEventLines(t *testing.T, s cost.Store) {
	n := 0
	err := s.Lines(context.Background(), cost.LineFilter{}, func(l *cost.LineItem) error {
		if l.Source != "events" {
			return nil
		}
		n++
		if l.SourcePartition != "batch-1" && l.SourcePartition != "batch-2" || l.UsageUnit != "tokens" ||
			l.Currency != "USD" || l.DataStatus != cost.StatusEstimated || l.TokenType == "" {
			t.Errorf("event line %+v", *l)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Error("no lines with source \"events\"")
	}
}
