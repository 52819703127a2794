package demo

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

const (
	eventDays         = 3  // Events cover the last three days of data.
	maxEventsPerGroup = 10 // Events per (day, customer, model): each stands for many requests.
	secondsPerDay     = 24 * 60 * 60
	eventIDTimeLayout = "20060102"
	eventsCloud       = cost.ProviderAzure
)

// eventGroup is the token lines of one (day, customer, model).
type eventGroup struct {
	Line     cost.LineItem // The first line: date, provider, model, customer…
	Tokens   map[string]int64
	Unit     map[string]float64 // USD per token by token type.
	Requests int64
}

// Events returns per-request events behind Azure's token lines of the last three
// days, as a gateway would log them. Per token type, the events' tokens add up
// to those lines and their costs to the lines' costs. Ids are unique and
// deterministic.
func Events(d *Dataset) []cost.Event {
	provider := eventsCloud
	r := d.Range()
	from := r.To.AddDate(0, 0, 1-eventDays)
	var out []cost.Event
	var day []cost.Event
	var dayDate time.Time
	flush := func() {
		out = append(out, numberDay(day, provider, dayDate)...)
		day = nil
	}
	for _, g := range eventGroups(d.Lines, provider, from) {
		if !g.Line.Date.Equal(dayDate) && day != nil {
			flush()
		}
		dayDate = g.Line.Date
		day = append(day, g.events()...)
	}
	if day != nil {
		flush()
	}
	return out
}

// eventGroups collects the provider's token lines from day from on, in line order.
func eventGroups(lines []cost.LineItem, provider string, from time.Time) []*eventGroup {
	var out []*eventGroup
	index := map[string]*eventGroup{}
	for _, l := range lines {
		if l.CloudProvider != provider || !l.IsTokenLine() || l.Date.Before(from) || l.UsageAmount <= 0 {
			continue
		}
		key := strings.Join([]string{l.Date.Format(cost.DateLayout), l.Service, l.Model, l.CustomerID,
			l.Project, l.Region, l.PricingTier}, "\x00")
		g := index[key]
		if g == nil {
			g = &eventGroup{Line: l, Tokens: map[string]int64{}, Unit: map[string]float64{}}
			index[key] = g
			out = append(out, g)
		}
		g.Tokens[l.TokenType] += int64(l.UsageAmount)
		g.Unit[l.TokenType] = l.CostUSD / l.UsageAmount
		g.Requests += l.Requests
	}
	return out
}

// events splits the group's tokens evenly over up to maxEventsPerGroup events
// spread over the day.
func (g *eventGroup) events() []cost.Event {
	n := min(max(g.Requests, 1), maxEventsPerGroup)
	l := g.Line
	slot := int64(secondsPerDay) / n
	out := make([]cost.Event, n)
	for i := range n {
		e := cost.Event{
			Timestamp:   l.Date.Add(time.Duration(i*slot+jitter(l, i)%slot) * time.Second),
			Provider:    l.CloudProvider,
			Service:     l.Service,
			Model:       l.Model,
			CustomerID:  l.CustomerID,
			Project:     l.Project,
			Region:      l.Region,
			PricingTier: l.PricingTier,
		}
		var usd float64
		for _, t := range cost.TokenTypes {
			part := g.Tokens[t] / n
			if i < g.Tokens[t]%n {
				part++
			}
			setEventTokens(&e, t, part)
			usd += float64(part) * g.Unit[t]
		}
		e.CostUSD = &usd
		out[i] = e
	}
	return out
}

func setEventTokens(e *cost.Event, tokenType string, n int64) {
	switch tokenType {
	case cost.TokenInput:
		e.InputTokens = n
	case cost.TokenOutput:
		e.OutputTokens = n
	case cost.TokenCacheRead:
		e.CacheReadTokens = n
	case cost.TokenCacheWrite:
		e.CacheWriteTokens = n
	case cost.TokenReasoning:
		e.ReasoningTokens = n
	}
}

// jitter is a deterministic pseudo-random offset for event i of l's group.
func jitter(l cost.LineItem, i int64) int64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s|%s|%s|%d", l.Date.Format(cost.DateLayout), l.CustomerID, l.Model, i)
	return int64(h.Sum64() >> 1)
}

// numberDay orders one day's events by time and gives them ids.
func numberDay(es []cost.Event, provider string, day time.Time) []cost.Event {
	slices.SortStableFunc(es, func(a, b cost.Event) int { return a.Timestamp.Compare(b.Timestamp) })
	prefix := "demo-" + strings.ToLower(provider) + "-" + day.Format(eventIDTimeLayout) + "-"
	for i := range es {
		es[i].ID = fmt.Sprintf("%s%05d", prefix, i+1)
	}
	return es
}

func writeEvents(w io.Writer, d *Dataset) error {
	enc := json.NewEncoder(w)
	for _, e := range Events(d) {
		if err := enc.Encode(e); err != nil {
			return fmt.Errorf("demo: write events: %w", err)
		}
	}
	return nil
}
