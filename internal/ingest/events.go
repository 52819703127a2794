package ingest

import (
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/billing"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/pricing"
)

// firstParty is the provider assumed for an event that names none.
var firstParty = map[string]string{
	"gpt": cost.ProviderOpenAI, "openai-o": cost.ProviderOpenAI,
	"claude": cost.ProviderAnthropic, "gemini": cost.ProviderGCP,
}

// defaultService names the service of an event that names none, by provider.
var defaultService = map[string]string{
	cost.ProviderOpenAI: "OpenAI API", cost.ProviderAnthropic: "Anthropic API",
	cost.ProviderAWS: "Amazon Bedrock", cost.ProviderGCP: "Vertex AI", cost.ProviderAzure: "Azure OpenAI",
}

// EventBatchPrefix starts the batch id of an events file; the rest is the
// SHA-256 of its decompressed content, so the same file is the same batch.
const EventBatchPrefix = "sha256:"

// events prepares an events file as a batch whose EventStream parses the file
// while the store writes it: each event is priced into usages, emitted one by
// one, in a slice reused from event to event, so no slice of the file's usages
// is built. The batch id, from the SHA-256 of the decompressed content, is known
// and returned once the whole file has been read.
func (r *run) events() (*cost.Batch, error) {
	cat, err := r.in.pricingCatalog()
	if err != nil {
		return nil, err
	}
	return &cost.Batch{EventStream: func(emit func(*cost.EventUsage) error) (string, error) {
		var us []cost.EventUsage
		err := billing.ReadEvents(r.name, r.src, func(e *cost.Event) error {
			if err := r.row(); err != nil {
				return err
			}
			us = r.usages(cat, e, us[:0])
			if err := r.checkCustomer(us[0].CustomerID); err != nil {
				return err
			}
			for i := range us {
				if err := emit(&us[i]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return "", err
		}
		sum, err := r.src.sum()
		if err != nil {
			return "", cost.Errorf(cost.CodeInvalid, "%s: cannot read: %v", r.name, err)
		}
		batch := EventBatchPrefix + sum
		r.sum.Partitions = []cost.Partition{{Source: "events", Key: batch}}
		return batch, nil
	}}, nil
}

// usages appends one EventUsage per token type the event used (an input usage of
// zero tokens when it used none, so the request still counts).
func (r *run) usages(cat *pricing.Catalog, e *cost.Event, out []cost.EventUsage) []cost.EventUsage {
	model, ok := r.models[e.Model]
	if !ok {
		model = billing.CanonicalModel(e.Model)
		if len(r.models) < 4096 {
			r.models[e.Model] = model
		}
	}
	provider := billing.NormalizeProvider(e.Provider)
	if provider == "" {
		provider = firstParty[cost.ModelFamily(model)]
	}
	service := strings.TrimSpace(e.Service)
	if service == "" {
		service = defaultService[provider]
	}
	customer := strings.TrimSpace(e.CustomerID)
	if customer == "" {
		customer = r.in.customerFromTags(e.Tags)
	}
	base := cost.EventUsage{EventID: e.ID, Time: e.Timestamp, Provider: provider, Service: service,
		Model: model, ModelFamily: cost.ModelFamily(model), CustomerID: customer, Project: e.Project,
		Region: e.Region, PricingTier: tierOrStandard(e.PricingTier), Tags: e.Tags,
		CostSource: cost.SourceEventEstimate}
	var types []string
	for _, tt := range cost.TokenTypes {
		if e.Tokens(tt) > 0 {
			types = append(types, tt)
		}
	}
	if len(types) == 0 {
		types = []string{cost.TokenInput}
	}
	start := len(out)
	allPriced := true
	for _, tt := range types {
		u := base
		u.TokenType, u.Tokens, u.First = tt, e.Tokens(tt), len(out) == start
		price, ok := r.price(cat, provider, model, tt, base.PricingTier, e.Timestamp)
		u.CostUSD, u.Unpriced = float64(u.Tokens)*price, !ok && u.Tokens > 0
		allPriced = allPriced && (ok || u.Tokens == 0)
		out = append(out, u)
	}
	us := out[start:]
	if e.CostUSD != nil {
		spreadReported(us, *e.CostUSD, allPriced)
	}
	r.sum.Cover(e.Timestamp)
	for i := range us {
		r.sum.CostUSD += us[i].CostUSD
		r.sum.AddSpend(customer, e.Timestamp, us[i].CostUSD)
		r.sum.TokenLines++
		if us[i].Unpriced {
			r.sum.UnpricedLines++
			r.unpricedModel(model)
		}
	}
	return out
}

// priceKey identifies one catalog lookup; events repeat a few per day.
type priceKey struct {
	provider, model, tokenType, tier string
	day                              int64
}

type priceResult struct {
	usdPerToken float64
	ok          bool
}

// price looks a price up in the catalog, through a per-file cache.
func (r *run) price(cat *pricing.Catalog, provider, model, tokenType, tier string, t time.Time) (float64, bool) {
	k := priceKey{provider, model, tokenType, tier, t.Unix() / 86400}
	if p, ok := r.prices[k]; ok {
		return p.usdPerToken, p.ok
	}
	usd, ok := cat.Price(provider, model, tokenType, tier, t)
	if r.prices == nil {
		r.prices = map[priceKey]priceResult{}
	}
	if len(r.prices) < 1<<16 {
		r.prices[k] = priceResult{usd, ok}
	}
	return usd, ok
}

// spreadReported splits a reported event cost over its usages: in proportion to
// their catalog cost when every type is priced, else to their tokens.
func spreadReported(us []cost.EventUsage, total float64, priced bool) {
	var weight float64
	w := func(u *cost.EventUsage) float64 {
		if priced {
			return u.CostUSD
		}
		return float64(u.Tokens)
	}
	for i := range us {
		weight += w(&us[i])
	}
	for i := range us {
		u := &us[i]
		switch {
		case weight > 0:
			u.CostUSD = total * w(u) / weight
		case i == 0:
			u.CostUSD = total
		default:
			u.CostUSD = 0
		}
		u.CostSource, u.Unpriced = cost.SourceEventReported, false
	}
}

func tierOrStandard(tier string) string {
	if t := strings.ToLower(strings.TrimSpace(tier)); t != "" {
		return t
	}
	return "standard"
}
