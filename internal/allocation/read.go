package allocation

import (
	"context"
	"fmt"
	"time"

	"github.com/llmcost/llmcost/internal/analysis"
	"github.com/llmcost/llmcost/internal/cost"
)

// dims are the dimensions billed and event lines are grouped by; customer
// last. A group's line carries them.
var dims = []cost.Dimension{cost.DimDate, cost.DimCloudProvider, cost.DimService, cost.DimAccount,
	cost.DimProject, cost.DimRegion, cost.DimModel, cost.DimModelFamily, cost.DimTokenType,
	cost.DimPricingTier, cost.DimDataStatus, cost.DimCustomer}

// eventSources are the cost sources of gateway event lines.
var eventSources = []string{cost.SourceEventEstimate, cost.SourceEventReported}

// group is one group of lines: their dimensions, cost and tokens.
type group struct {
	line     cost.LineItem // Dimensions only.
	usd      float64
	tokens   float64 // Token lines' usage.
	unpriced float64 // Usage of unpriced lines (events only).
}

// dayKey names a model-day.
type dayKey struct {
	date     time.Time
	provider string
	model    string
}

// modelDay is what one model-day has: billed groups, event groups, and the
// events' tokens by type and customer.
type modelDay struct {
	key    dayKey
	billed []group
	events []group
	tokens analysis.EventTokens
}

// read loads the billed and event groups of first..last by model-day.
func (a *Allocator) read(ctx context.Context, first, last time.Time) (map[dayKey]*modelDay, error) {
	days := map[dayKey]*modelDay{}
	at := func(l *cost.LineItem) *modelDay {
		k := dayKey{l.Date, l.CloudProvider, l.Model}
		if days[k] == nil {
			days[k] = &modelDay{key: k, tokens: analysis.EventTokens{}}
		}
		return days[k]
	}
	billed, err := a.groups(ctx, first, last, []string{cost.SourceBillingExport}, false)
	if err != nil {
		return nil, err
	}
	for _, g := range billed {
		md := at(&g.line)
		md.billed = append(md.billed, g)
	}
	events, err := a.groups(ctx, first, last, eventSources, true)
	if err != nil {
		return nil, err
	}
	for _, g := range events {
		md := at(&g.line)
		md.events = append(md.events, g)
		md.tokens.Add(g.line.TokenType, g.line.CustomerID, g.tokens)
	}
	return days, nil
}

// groups aggregates the lines of the cost sources with a model by dims.
func (a *Allocator) groups(ctx context.Context, first, last time.Time, sources []string, events bool) ([]group, error) {
	q := &cost.AggregateQuery{
		Metrics: []cost.Metric{cost.MetricCost, cost.MetricTokens},
		GroupBy: dims,
		Filters: []cost.Filter{
			{Dimension: cost.DimCostSource, Op: cost.OpIn, Values: sources},
			{Dimension: cost.DimModel, Op: cost.OpNotIn, Values: []string{""}},
		},
		From: first, To: last,
	}
	if events {
		q.Metrics = append(q.Metrics, cost.MetricUnpricedTokens)
	}
	f, err := a.Store.Aggregate(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("allocation: read %v lines: %w", sources, err)
	}
	out := make([]group, 0, len(f.Rows))
	for _, row := range f.Rows {
		g, err := readGroup(row)
		if err != nil {
			return nil, err
		}
		if events {
			g.unpriced = num(row[len(dims)+2])
		}
		out = append(out, g)
	}
	return out, nil
}

// readGroup reads one row of dims then cost and tokens.
func readGroup(row []any) (group, error) {
	var g group
	l := &g.line
	for i, d := range dims {
		v := str(row[i])
		switch d {
		case cost.DimDate:
			day, err := cost.ParseDate(v)
			if err != nil {
				return g, fmt.Errorf("allocation: bad date %q from the store: %w", v, err)
			}
			l.Date = day
		default:
			*field(l, d) = v
		}
	}
	g.usd, g.tokens = num(row[len(dims)]), num(row[len(dims)+1])
	return g, nil
}

// field returns the line's field of a string dimension in dims.
func field(l *cost.LineItem, d cost.Dimension) *string {
	switch d {
	case cost.DimCloudProvider:
		return &l.CloudProvider
	case cost.DimService:
		return &l.Service
	case cost.DimAccount:
		return &l.AccountID
	case cost.DimProject:
		return &l.Project
	case cost.DimRegion:
		return &l.Region
	case cost.DimModel:
		return &l.Model
	case cost.DimModelFamily:
		return &l.ModelFamily
	case cost.DimTokenType:
		return &l.TokenType
	case cost.DimPricingTier:
		return &l.PricingTier
	case cost.DimDataStatus:
		return &l.DataStatus
	default:
		return &l.CustomerID
	}
}

// num reads a frame cell: cost.Number.
func num(v any) float64 { return cost.Number(v) }

// str reads a frame string; NULL reads as "".
func str(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case time.Time:
		return x.Format(cost.DateLayout)
	}
	return fmt.Sprint(v)
}
