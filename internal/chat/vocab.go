package chat

import (
	"context"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/llmcost/llmcost/internal/cost"
)

// entity is a value of a dimension that questions can name, with the words that
// name it ("google cloud" → cloud_provider GCP).
type entity struct {
	Dim   cost.Dimension
	Value string
	Op    string // cost.OpEq, cost.OpPrefix or cost.OpIn (Values holds the set).
	Set   []string
	Words []string
}

// vocab is what one principal's questions can name: the data's providers,
// services, models and customers, plus the parser's own keywords.
type vocab struct {
	entities []entity // Longest word sequence first.
	known    map[string]bool
	// names are the words of entity names; modelWords those of models and
	// model families.
	names, modelWords map[string]bool
	customers         map[string]string // id → display name
	// values lists the values of each dimension that filters may name.
	values map[cost.Dimension][]string
}

var idSplitRe = regexp.MustCompile(`[-._/: ]+`)

// providerSynonyms maps words to the provider they name.
var providerSynonyms = map[string]string{
	"google": cost.ProviderGCP, "gcp": cost.ProviderGCP, "google cloud": cost.ProviderGCP, "vertex": cost.ProviderGCP,
	"vertex ai": cost.ProviderGCP, "aws": cost.ProviderAWS, "amazon": cost.ProviderAWS, "bedrock": cost.ProviderAWS,
	"amazon bedrock": cost.ProviderAWS, "amazon web services": cost.ProviderAWS, "azure": cost.ProviderAzure,
	"microsoft": cost.ProviderAzure, "microsoft azure": cost.ProviderAzure, "openai": cost.ProviderOpenAI,
	"open ai": cost.ProviderOpenAI, "anthropic": cost.ProviderAnthropic,
}

// providerFamilies maps model makers to their family, used when the maker is not
// itself a provider in the data.
var providerFamilies = map[string]string{cost.ProviderOpenAI: "gpt", cost.ProviderAnthropic: "claude"}

// tokenSynonyms maps words to token types.
var tokenSynonyms = map[string]string{
	"input": cost.TokenInput, "prompt": cost.TokenInput, "output": cost.TokenOutput,
	"completion": cost.TokenOutput, "completions": cost.TokenOutput, "cache read": cost.TokenCacheRead,
	"cached": cost.TokenCacheRead, "cache reads": cost.TokenCacheRead, "cache write": cost.TokenCacheWrite,
	"cache writes": cost.TokenCacheWrite, "reasoning": cost.TokenReasoning, "thinking": cost.TokenReasoning,
}

// unattributedWords name the cost no customer is attributed to, a slice of its
// own (customer id ""). Only admins can ask about it.
var unattributedWords = []string{"unattributed", "unallocated", "unassigned", "no customer", "without a customer",
	"without customer", "not attributed", "not attributed to a customer", "shared", "shared cost", "shared costs"}

// corporate suffixes dropped to get a customer's short name ("Acme Inc" → "acme").
var corporate = []string{"inc", "corp", "corporation", "ltd", "llc", "co", "gmbh", "sa", "plc", "limited", "company"}

// loadVocab builds the vocabulary visible to p. Only values in p's scope are
// listed, so a customer's vocabulary holds no other customer's name.
func loadVocab(ctx context.Context, qs cost.QueryService, p cost.Principal) (*vocab, error) {
	v := newVocab()
	names, err := loadNames(ctx, qs, p)
	if err != nil {
		return nil, err
	}
	providers, services, models := names[0], names[1], names[2]
	customers, err := qs.Customers(ctx, p)
	if err != nil {
		return nil, err
	}
	for phrase, prov := range providerSynonyms {
		found := false
		for _, have := range providers {
			if strings.EqualFold(have, prov) {
				prov, found = have, true
			}
		}
		if fam, ok := providerFamilies[prov]; ok && !found {
			// "OpenAI" with no direct OpenAI bills means its models, wherever they ran.
			v.add(entity{Dim: cost.DimModelFamily, Value: fam, Op: cost.OpEq, Words: strings.Fields(phrase)})
			continue
		}
		v.add(entity{Dim: cost.DimCloudProvider, Value: prov, Op: cost.OpEq, Words: strings.Fields(phrase)})
	}
	for _, prov := range providers {
		v.add(entity{Dim: cost.DimCloudProvider, Value: prov, Op: cost.OpEq, Words: tokenize(strings.ToLower(prov))})
	}
	for _, s := range services {
		v.add(entity{Dim: cost.DimService, Value: s, Op: cost.OpEq, Words: tokenize(strings.ToLower(s))})
	}
	v.addModels(models)
	for phrase, tt := range tokenSynonyms {
		v.add(entity{Dim: cost.DimTokenType, Value: tt, Op: cost.OpEq, Words: strings.Fields(phrase)})
	}
	for _, w := range []string{"caching", "cache"} {
		v.add(entity{Dim: cost.DimTokenType, Value: "cache", Op: cost.OpIn, Set: []string{cost.TokenCacheRead, cost.TokenCacheWrite}, Words: []string{w}})
	}
	if !p.IsCustomer() {
		for _, words := range unattributedWords {
			v.add(entity{Dim: cost.DimCustomer, Value: "", Op: cost.OpEq, Words: strings.Fields(words)})
		}
	}
	for _, c := range customers {
		v.addCustomer(c)
		v.values[cost.DimCustomer] = append(v.values[cost.DimCustomer], c.ID)
	}
	v.values[cost.DimCloudProvider] = providers
	v.values[cost.DimService] = services
	v.values[cost.DimModel] = models
	v.values[cost.DimTokenType] = cost.TokenTypes
	for _, f := range cost.Families {
		if !slices.Contains(v.values[cost.DimModelFamily], f.Family) {
			v.values[cost.DimModelFamily] = append(v.values[cost.DimModelFamily], f.Family)
		}
	}
	sort.SliceStable(v.entities, func(i, j int) bool {
		a, b := v.entities[i], v.entities[j]
		if len(a.Words) != len(b.Words) {
			return len(a.Words) > len(b.Words)
		}
		return a.Op == cost.OpEq && b.Op != cost.OpEq
	})
	return v, nil
}

// newVocab returns a vocabulary of the parser's own keywords and no names.
func newVocab() *vocab {
	v := &vocab{known: map[string]bool{}, names: map[string]bool{}, modelWords: map[string]bool{},
		customers: map[string]string{}, values: map[cost.Dimension][]string{}}
	for _, list := range [][]string{keywords, costWords, topWords, bottomWords, growWords, followWords} {
		for _, w := range list {
			v.known[w] = true
		}
	}
	return v
}

// nameDims are the dimensions whose values loadNames lists.
var nameDims = []cost.Dimension{cost.DimCloudProvider, cost.DimService, cost.DimModel}

// loadNames lists the providers, services and models in p's scope, each sorted,
// with one grouped query over (nearly) all time rather than one per dimension:
// at a year of 100k lines a day each of these reads every line.
func loadNames(ctx context.Context, qs cost.QueryService, p cost.Principal) ([3][]string, error) {
	var out [3][]string
	today := cost.Day(qs.Now())
	res, err := qs.Query(ctx, p, cost.Query{Metrics: []cost.Metric{cost.MetricCost}, GroupBy: nameDims,
		Period: cost.Period{From: today.AddDate(-19, 0, 0).Format(cost.DateLayout), To: today.AddDate(1, 0, 0).Format(cost.DateLayout)}})
	if err != nil {
		return out, err
	}
	for i := range nameDims {
		seen := map[string]bool{}
		for _, row := range res.Rows {
			if v := str(row[i]); v != "" && !seen[v] {
				seen[v] = true
				out[i] = append(out[i], v)
			}
		}
		slices.Sort(out[i])
	}
	return out, nil
}

func (v *vocab) add(e entity) {
	if len(e.Words) == 0 {
		return
	}
	for _, w := range e.Words {
		v.known[w] = true
		v.names[w] = true
		if e.Dim == cost.DimModel || e.Dim == cost.DimModelFamily {
			v.modelWords[w] = true
		}
	}
	v.entities = append(v.entities, e)
}

// addModels adds every model, its id prefixes ("claude 3 5" → prefix claude-3-5),
// the families present, and distinctive model words ("sonnet", "flash").
func (v *vocab) addModels(models []string) {
	families := map[string]bool{}
	words := map[string][]string{}
	for _, m := range models {
		lm := strings.ToLower(m)
		parts := idSplitRe.Split(lm, -1)
		v.add(entity{Dim: cost.DimModel, Value: m, Op: cost.OpEq, Words: parts})
		if compact := strings.Join(parts, ""); len(parts) > 1 {
			v.add(entity{Dim: cost.DimModel, Value: m, Op: cost.OpEq, Words: []string{compact}})
		}
		locs := idSplitRe.FindAllStringIndex(lm, -1)
		for k := 2; k < len(parts); k++ {
			v.add(entity{Dim: cost.DimModel, Value: m[:locs[k-1][0]], Op: cost.OpPrefix, Words: parts[:k]})
		}
		if f := cost.ModelFamily(m); f != "" && f != "other" {
			families[f] = true
		}
		for _, p := range parts[1:] {
			if len(p) >= 4 && !hasDigit(p) {
				words[p] = append(words[p], m)
			}
		}
	}
	for _, f := range cost.Families {
		if f.Family != "openai-o" {
			families[f.Family] = true
		}
	}
	for f := range families {
		v.add(entity{Dim: cost.DimModelFamily, Value: f, Op: cost.OpEq, Words: idSplitRe.Split(f, -1)})
	}
	v.add(entity{Dim: cost.DimModelFamily, Value: "embedding", Op: cost.OpEq, Words: []string{"embeddings"}})
	for w, ms := range words {
		if families[w] || slices.Contains(keywords, w) {
			continue
		}
		slices.Sort(ms)
		v.add(entity{Dim: cost.DimModel, Value: w, Op: cost.OpIn, Set: slices.Compact(ms), Words: []string{w}})
	}
}

func (v *vocab) addCustomer(c cost.Customer) {
	v.customers[c.ID] = c.Name
	v.add(entity{Dim: cost.DimCustomer, Value: c.ID, Op: cost.OpEq, Words: tokenize(strings.ToLower(c.ID))})
	if c.Name == "" {
		return
	}
	name := tokenize(strings.ToLower(c.Name))
	v.add(entity{Dim: cost.DimCustomer, Value: c.ID, Op: cost.OpEq, Words: name})
	short := name
	for len(short) > 1 && slices.Contains(corporate, short[len(short)-1]) {
		short = short[:len(short)-1]
	}
	if len(short) < len(name) {
		v.add(entity{Dim: cost.DimCustomer, Value: c.ID, Op: cost.OpEq, Words: short})
	}
	if len(short) > 1 && len(short[0]) >= 4 && !slices.Contains(keywords, short[0]) {
		v.add(entity{Dim: cost.DimCustomer, Value: c.ID, Op: cost.OpEq, Words: short[:1]})
	}
}

// match finds the entities named in words, longest first, each word used once. It
// returns the entities in order of appearance and which words they used.
func (v *vocab) match(words []string) ([]entity, []bool) {
	used := make([]bool, len(words))
	type hit struct {
		at int
		e  entity
	}
	var hits []hit
	for _, e := range v.entities {
		n := len(e.Words)
	scan:
		for i := 0; i+n <= len(words); i++ {
			for j := range n {
				if used[i+j] || words[i+j] != e.Words[j] {
					continue scan
				}
			}
			for j := range n {
				used[i+j] = true
			}
			hits = append(hits, hit{i, e})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].at < hits[j].at })
	out := make([]entity, len(hits))
	for i, h := range hits {
		out[i] = h.e
	}
	return out, used
}
