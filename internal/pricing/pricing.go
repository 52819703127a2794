// Package pricing is llmcost's price catalog: USD list prices per token for each
// (provider, model, token type, tier), with the date each price took effect. It
// prices gateway events that arrive without a cost.
//
// The curated catalog is embedded (catalog.json, in USD per million tokens, one
// entry per line so people can edit it); a user override file of the same shape
// merges on top of it.
//
// Lookup rules, in order:
//   - the entry for the provider, model and tier in effect on the day (the newest
//     effective_from on or before it; a day before the first version uses the first);
//   - a tier with no entry falls back to the "standard" tier;
//   - a provider with no entry for the model falls back to the model's first-party
//     provider (OpenAI for GPT and o-series, Anthropic for Claude, GCP for Gemini),
//     so the same model sold elsewhere is priced at its list price;
//   - reasoning tokens without their own price use the output price;
//   - anything else (unknown model, or no price for the token type) is not found,
//     and the caller records unpriced usage instead of $0.
package pricing

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

//go:embed catalog.json
var catalogJSON []byte

// perMillion converts catalog figures (USD per 1M tokens) to USD per token.
const perMillion = 1e6

// File is the JSON shape of the embedded catalog and of override files.
type File struct {
	Provenance string  `json:"provenance,omitempty"`
	Unit       string  `json:"unit,omitempty"`
	Prices     []Entry `json:"prices"`
}

// Entry is one price version: USD per million tokens for each token type, in
// effect from EffectiveFrom (YYYY-MM-DD) until the next version of the same key.
type Entry struct {
	Provider      string   `json:"provider"`
	Model         string   `json:"model"`
	Tier          string   `json:"tier,omitempty"` // "" = standard.
	EffectiveFrom string   `json:"effective_from"`
	Input         *float64 `json:"input,omitempty"`
	Output        *float64 `json:"output,omitempty"`
	CacheRead     *float64 `json:"cache_read,omitempty"`
	CacheWrite    *float64 `json:"cache_write,omitempty"`
	Reasoning     *float64 `json:"reasoning,omitempty"`

	from time.Time
}

// perMillion returns the entry's price for a token type, per million tokens.
func (e *Entry) perMillion(tokenType string) (float64, bool) {
	var p *float64
	switch tokenType {
	case cost.TokenInput:
		p = e.Input
	case cost.TokenOutput:
		p = e.Output
	case cost.TokenCacheRead:
		p = e.CacheRead
	case cost.TokenCacheWrite:
		p = e.CacheWrite
	case cost.TokenReasoning:
		p = e.Reasoning
		if p == nil {
			p = e.Output
		}
	}
	if p == nil {
		return 0, false
	}
	return *p, true
}

// key identifies the versions of one price.
type key struct{ provider, model, tier string }

// Catalog holds price versions ordered by effective date. It is safe for
// concurrent reads.
type Catalog struct {
	Provenance string
	versions   map[key][]Entry
	models     map[string]bool
}

// Default returns the embedded curated catalog.
func Default() (*Catalog, error) {
	c := &Catalog{versions: map[key][]Entry{}, models: map[string]bool{}}
	f, err := decode("catalog.json", catalogJSON)
	if err != nil {
		return nil, err
	}
	c.Provenance = f.Provenance
	if err := c.merge("catalog.json", f); err != nil {
		return nil, err
	}
	return c, nil
}

// Load returns the default catalog with the override file at overridePath merged
// on top ("" = none). An override entry replaces the default one with the same
// provider, model, tier and effective_from, and adds to it otherwise.
func Load(overridePath string) (*Catalog, error) {
	c, err := Default()
	if err != nil || overridePath == "" {
		return c, err
	}
	data, err := os.ReadFile(overridePath)
	if err != nil {
		return nil, cost.Errorf(cost.CodeInvalid, "Cannot read price file %s: %v.", overridePath, err)
	}
	f, err := decode(overridePath, data)
	if err != nil {
		return nil, err
	}
	if err := c.merge(overridePath, f); err != nil {
		return nil, err
	}
	return c, nil
}

func decode(name string, data []byte) (*File, error) {
	var f File
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, cost.Errorf(cost.CodeInvalid, "%s: invalid price catalog: %v.", name, err)
	}
	return &f, nil
}

// merge validates f's entries and adds them, replacing same-key same-date versions.
func (c *Catalog) merge(name string, f *File) error {
	for i, e := range f.Prices {
		if err := e.normalise(); err != nil {
			return cost.Errorf(cost.CodeInvalid, "%s: prices[%d]: %s", name, i, err.Error())
		}
		k := key{strings.ToLower(e.Provider), e.Model, e.Tier}
		vs := c.versions[k]
		replaced := false
		for j := range vs {
			if vs[j].from.Equal(e.from) {
				vs[j], replaced = e, true
			}
		}
		if !replaced {
			vs = append(vs, e)
		}
		sort.Slice(vs, func(a, b int) bool { return vs[a].from.Before(vs[b].from) })
		c.versions[k] = vs
		c.models[e.Model] = true
	}
	return nil
}

func (e *Entry) normalise() error {
	e.Model = strings.ToLower(strings.TrimSpace(e.Model))
	e.Tier = tierOrStandard(e.Tier)
	if e.Provider == "" || e.Model == "" {
		return fmt.Errorf("provider and model are required")
	}
	d, err := cost.ParseDate(e.EffectiveFrom)
	if err != nil {
		return fmt.Errorf("effective_from %q is not a YYYY-MM-DD date", e.EffectiveFrom)
	}
	e.from = d
	for _, p := range []*float64{e.Input, e.Output, e.CacheRead, e.CacheWrite, e.Reasoning} {
		if p != nil && *p < 0 {
			return fmt.Errorf("prices must not be negative")
		}
	}
	return nil
}

func tierOrStandard(tier string) string {
	tier = strings.ToLower(strings.TrimSpace(tier))
	if tier == "" {
		return "standard"
	}
	return tier
}

// firstParty maps a model family to the provider that sells it directly.
var firstParty = map[string]string{
	"gpt": cost.ProviderOpenAI, "openai-o": cost.ProviderOpenAI,
	"claude": cost.ProviderAnthropic, "gemini": cost.ProviderGCP,
}

// Price returns the USD price of one token of a canonical model on the given day,
// following the lookup rules of the package doc. ok is false when no rule applies.
func (c *Catalog) Price(provider, model, tokenType, tier string, day time.Time) (usdPerToken float64, ok bool) {
	model = strings.ToLower(strings.TrimSpace(model))
	providers := []string{strings.ToLower(provider)}
	if fp, found := firstParty[cost.ModelFamily(model)]; found {
		providers = append(providers, strings.ToLower(fp))
	}
	tiers := []string{tierOrStandard(tier)}
	if tiers[0] != "standard" {
		tiers = append(tiers, "standard")
	}
	for _, p := range providers {
		for _, t := range tiers {
			if e := c.version(key{p, model, t}, day); e != nil {
				per, ok := e.perMillion(tokenType)
				return per / perMillion, ok
			}
		}
	}
	return 0, false
}

// Known reports whether the catalog has any price for the canonical model.
func (c *Catalog) Known(model string) bool {
	return c.models[strings.ToLower(strings.TrimSpace(model))]
}

// version returns the version of k in effect on day, or nil.
func (c *Catalog) version(k key, day time.Time) *Entry {
	vs := c.versions[k]
	if len(vs) == 0 {
		return nil
	}
	day = cost.Day(day)
	e := &vs[0]
	for i := range vs {
		if !vs[i].from.After(day) {
			e = &vs[i]
		}
	}
	return e
}
