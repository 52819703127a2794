package demo

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// lines splits each cell into one line per token type.
func (g *generator) lines(cells []cell) []cost.LineItem {
	out := make([]cost.LineItem, 0, len(cells)*3)
	for _, c := range cells {
		out = g.tokenLines(out, c)
	}
	return out
}

// tokenLines appends c's token lines: tokens are whole numbers and each line's
// cost is its tokens times the model's per-token price.
func (g *generator) tokenLines(out []cost.LineItem, c cell) []cost.LineItem {
	m := models[c.Model]
	types := m.tokenTypes(c.Caching)
	var mix float64
	for _, t := range types {
		mix += m.Mix[t]
	}
	for _, t := range types {
		tokens := math.Round(c.USD * m.Mix[t] / mix / m.Price[t] * 1e6)
		if tokens < 1 {
			continue
		}
		l := g.line(c.Day, m.Cloud, m.ID, c.Customer)
		l.TokenType, l.UsageAmount, l.UsageUnit, l.PricingTier = t, tokens, "tokens", "standard"
		setCost(&l, tokens*m.Price[t]/1e6)
		if t == cost.TokenInput {
			l.Requests = max(1, int64(math.Round(tokens/m.PromptTokens)))
		}
		out = append(out, l)
	}
	return out
}

// tokenTypes lists the token types a customer uses on m.
func (m *model) tokenTypes(caching bool) []string {
	var ts []string
	for _, t := range cost.TokenTypes {
		if m.Mix[t] == 0 || (!caching && (t == cost.TokenCacheRead || t == cost.TokenCacheWrite)) {
			continue
		}
		ts = append(ts, t)
	}
	return ts
}

// nonTokenLines returns the hourly charges, one line a day each.
func (g *generator) nonTokenLines() []cost.LineItem {
	var out []cost.LineItem
	for _, nt := range nonTokens {
		for d := range g.o.Days {
			if nt.FromEnd > 0 && d < g.o.Days-nt.FromEnd {
				continue
			}
			l := g.line(d, nt.Cloud, nt.Model, nt.Customer)
			l.UsageAmount, l.UsageUnit, l.PricingTier = nt.HoursPerDay, "hours", nt.Tier
			setCost(&l, nt.HoursPerDay*nt.USDPerHour)
			out = append(out, l)
		}
	}
	return out
}

// line returns a line with everything but the usage and cost filled in.
func (g *generator) line(d int, cl *cloud, modelID, customer string) cost.LineItem {
	date := g.day(d)
	status := cost.StatusFinal
	if !date.Before(cost.MonthStart(g.o.End)) {
		status = cost.StatusProvisional
	}
	tags := map[string]string{"workload": "platform"}
	if customer != "" {
		tags = map[string]string{"customer_id": customer}
	}
	return cost.LineItem{
		Date: date, CloudProvider: cl.Name, Service: cl.Service,
		Model: modelID, ModelFamily: cost.ModelFamily(modelID),
		Currency: "USD", CustomerID: customer, AccountID: cl.Account, Project: cl.Project, Region: cl.Region,
		Tags: tags, Source: Source, SourcePartition: partitionKey(cl.Key, date),
		CostSource: cost.SourceBillingExport, DataStatus: status, ChargeCategory: "Usage",
	}
}

// partitionKey is a line's source partition: provider/YYYY-MM.
func partitionKey(providerKey string, date time.Time) string {
	return providerKey + "/" + date.Format("2006-01")
}

func setCost(l *cost.LineItem, usd float64) {
	l.CostUSD, l.Cost = usd, usd
	list := usd
	l.ListCostUSD = &list
}

// sortLines orders lines by date, provider, service, model, customer and token type.
func sortLines(ls []cost.LineItem) {
	slices.SortStableFunc(ls, func(a, b cost.LineItem) int {
		if c := a.Date.Compare(b.Date); c != 0 {
			return c
		}
		for _, p := range [][2]string{{a.CloudProvider, b.CloudProvider}, {a.Service, b.Service},
			{a.Model, b.Model}, {a.CustomerID, b.CustomerID}} {
			if c := strings.Compare(p[0], p[1]); c != 0 {
				return c
			}
		}
		return slices.Index(cost.TokenTypes, a.TokenType) - slices.Index(cost.TokenTypes, b.TokenType)
	})
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func sortDescending(xs []float64) {
	slices.Sort(xs)
	slices.Reverse(xs)
}

func sortInts(xs []int) { slices.Sort(xs) }
