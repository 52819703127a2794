package allocation

import (
	"slices"
	"strings"

	"github.com/llmcost/llmcost/internal/analysis"
	"github.com/llmcost/llmcost/internal/cost"
)

// plan returns the allocation lines of every allocated model-day, in a stable
// order, and adds its figures to res.
func plan(days map[dayKey]*modelDay, res *Result) []cost.LineItem {
	var lines []cost.LineItem
	for _, md := range sortedDays(days) {
		if len(md.billed) == 0 || len(md.events) == 0 {
			continue
		}
		res.ModelDays++
		sides := map[string]bool{}
		for _, g := range md.billed {
			sides[analysis.TokenSide(g.line.TokenType)] = true
			if g.line.CustomerID == "" {
				lines = moves(lines, g, md.tokens, res)
			}
		}
		for _, g := range md.events {
			if side := analysis.TokenSide(g.line.TokenType); side == "" || !sides[side] {
				continue // The bill has no tokens of this side to replace the estimate.
			}
			lines = offsets(lines, g)
			res.SupersededUSD += g.usd
		}
	}
	return lines
}

// moves appends the lines moving one unattributed billed group to customers.
func moves(lines []cost.LineItem, g group, ev analysis.EventTokens, res *Result) []cost.LineItem {
	shares := analysis.Split(g.usd, g.tokens, g.line.TokenType, ev)
	var usd, tokens float64
	for _, c := range sortedKeys(shares) {
		s := shares[c]
		l := newLine(g.line, cost.SourceAllocation, s.USD, s.Tokens)
		l.CustomerID = c
		lines = append(lines, l)
		usd += s.USD
		tokens += s.Tokens
	}
	if usd == 0 && tokens == 0 {
		return lines
	}
	res.MovedUSD += usd
	return append(lines, newLine(g.line, cost.SourceAllocation, -usd, -tokens))
}

// offsets appends the lines cancelling one event group: its priced part, and
// its unpriced tokens as an unpriced line.
func offsets(lines []cost.LineItem, g group) []cost.LineItem {
	if priced := g.tokens - g.unpriced; g.usd != 0 || priced != 0 {
		lines = append(lines, newLine(g.line, cost.SourceSupersededEstimate, -g.usd, -priced))
	}
	if g.unpriced != 0 {
		l := newLine(g.line, cost.SourceSupersededEstimate, 0, -g.unpriced)
		l.Unpriced = true
		lines = append(lines, l)
	}
	return lines
}

// newLine returns an allocation line with dims' dimensions, cost and usage.
func newLine(dims cost.LineItem, costSource string, usd, usage float64) cost.LineItem {
	l := dims
	l.CostUSD, l.Cost, l.Currency, l.UsageAmount = usd, usd, "USD", usage
	if l.TokenType != "" {
		l.UsageUnit = "tokens"
	}
	l.Source, l.SourcePartition = Source, l.Date.Format("2006-01")
	l.CostSource, l.ChargeCategory = costSource, ChargeCategory
	return l
}

// sortedDays returns the model-days by date, provider and model.
func sortedDays(days map[dayKey]*modelDay) []*modelDay {
	out := make([]*modelDay, 0, len(days))
	for _, md := range days {
		out = append(out, md)
	}
	slices.SortFunc(out, func(a, b *modelDay) int {
		if c := a.key.date.Compare(b.key.date); c != 0 {
			return c
		}
		if c := strings.Compare(a.key.provider, b.key.provider); c != 0 {
			return c
		}
		return strings.Compare(a.key.model, b.key.model)
	})
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
