// Package costtest holds the conformance suite every cost.Store implementation
// runs (StoreSuite), with its deterministic test data and a plain-Go reference
// aggregator that computes expected figures without SQL.
package costtest

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// Start is the first day of the suite's data; it spans Days days across a month
// boundary and several Monday-started weeks.
var Start = time.Date(2026, 9, 24, 0, 0, 0, 0, time.UTC)

// Days is how many days the suite's data covers.
const Days = 16

type providerModels struct {
	provider, service string
	models            []string
}

var catalog = []providerModels{
	{cost.ProviderAWS, "Amazon Bedrock", []string{"claude-3-5-sonnet", "llama-3-70b"}},
	{cost.ProviderGCP, "Vertex AI", []string{"gemini-1.5-pro", "claude-3-haiku"}},
	{cost.ProviderAzure, "Azure OpenAI", []string{"gpt-4o", "gpt-4o-mini"}},
}

// customers includes "" for unattributed cost, and ids that look like SQL.
var customers = []string{"cust_a", "cust_b", "cust_o'brien", ""}

var tokenTypes = []string{cost.TokenInput, cost.TokenOutput, cost.TokenCacheRead, ""}

// Lines returns deterministic cost lines for seed: every day × provider × model ×
// token type × customer, in source "unified" with partitions provider/YYYY-MM.
// Some token lines are unpriced, some lines have a list cost, and non-token lines
// are hours of provisioned capacity.
func Lines(seed uint64) []cost.LineItem {
	r := rand.New(rand.NewPCG(seed, 7))
	var out []cost.LineItem
	for d := range Days {
		day := Start.AddDate(0, 0, d)
		for _, p := range catalog {
			for _, m := range p.models {
				for _, tt := range tokenTypes {
					for _, c := range customers {
						out = append(out, line(r, day, p, m, tt, c))
					}
				}
			}
		}
	}
	return out
}

// line makes one random line.
func line(r *rand.Rand, day time.Time, p providerModels, model, tokenType, customer string) cost.LineItem {
	l := cost.LineItem{
		Date: day, CloudProvider: p.provider, Service: p.service, Model: model,
		ModelFamily: cost.ModelFamily(model), TokenType: tokenType, PricingTier: "standard",
		CustomerID: customer, AccountID: "acct-" + p.provider, Project: "proj-" + model[:3],
		Region: []string{"us-east-1", "europe-west4"}[r.IntN(2)],
		Source: "unified", SourcePartition: Partition(p.provider, day).Key,
		CostSource: cost.SourceBillingExport, DataStatus: cost.StatusFinal, ChargeCategory: "Usage",
		Currency: "USD", Requests: int64(r.IntN(50)),
		Tags: map[string]string{"team": []string{"search", "chat"}[r.IntN(2)]},
	}
	if tokenType == "" {
		l.UsageAmount, l.UsageUnit = float64(1+r.IntN(24)), "hours"
		l.PricingTier = "provisioned"
	} else {
		l.UsageAmount, l.UsageUnit = float64(1000*(1+r.IntN(5000))), "tokens"
	}
	l.CostUSD = float64(r.IntN(100000)) / 100
	l.Cost = l.CostUSD
	if tokenType != "" && r.IntN(10) == 0 {
		l.CostUSD, l.Cost, l.Unpriced = 0, 0, true
	}
	if r.IntN(2) == 0 {
		v := l.CostUSD * 1.25
		l.ListCostUSD = &v
	}
	return l
}

// Partition returns the unified-source partition of a provider's month.
func Partition(provider string, day time.Time) cost.Partition {
	return cost.Partition{Source: "unified", Key: fmt.Sprintf("%s/%s", provider, day.Format("2006-01"))}
}

// PartitionsOf lists the distinct partitions of lines, in first-seen order.
func PartitionsOf(lines []cost.LineItem) []cost.Partition {
	seen := map[cost.Partition]bool{}
	var out []cost.Partition
	for _, l := range lines {
		p := cost.Partition{Source: l.Source, Key: l.SourcePartition}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// BatchOf returns a batch replacing exactly the partitions of lines.
func BatchOf(lines []cost.LineItem) *cost.Batch {
	return &cost.Batch{Replace: PartitionsOf(lines), Lines: lines}
}
