// Package demo generates a deterministic, realistic demo dataset of LLM cost
// lines: three clouds, ten models, a few dozen customers with their own sizes and
// growth, weekday seasonality, unattributed platform traffic, one clear spike, one
// slow drift and a set of budgets. It can load the dataset into a cost.Store and
// write it in the unified, FOCUS and events file formats.
package demo

import (
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// Defaults and limits for Options.
const (
	DefaultDays      = 180
	DefaultCustomers = 24
	MinDays          = 31 // The drift needs its 30 days and the spike a week before End.
	MinCustomers     = 4  // The spike and drift customers are the third and fourth.
	MaxCustomers     = 200
)

// Options control Generate. The zero value of each field selects its default.
type Options struct {
	// Seed selects the dataset; the same options always give the same dataset.
	Seed int64
	// End is "today": the data covers the Days days before End's UTC day, i.e. up
	// to yesterday. The current month is End's month.
	End time.Time
	// Days of data (default 180, at least MinDays).
	Days int
	// Customers (default 24, between MinCustomers and MaxCustomers).
	Customers int
}

func (o Options) normalised() Options {
	if o.Days == 0 {
		o.Days = DefaultDays
	}
	o.Days = max(o.Days, MinDays)
	if o.Customers == 0 {
		o.Customers = DefaultCustomers
	}
	o.Customers = min(max(o.Customers, MinCustomers), MaxCustomers)
	o.End = cost.Day(o.End)
	return o
}

// Dataset is a generated demo dataset.
type Dataset struct {
	Lines []cost.LineItem // The bills, ordered by date, provider, service, model, customer, token type.
	// Gateway holds, for the token lines of the last GatewayDays days, the
	// gateway's estimate (cost source event_estimate) and the line superseding
	// it (superseded_estimate, negated), in the order of Lines. Each pair sums
	// to zero, so totals over Lines and Gateway are those of Lines.
	Gateway   []cost.LineItem
	Budgets   []cost.Budget   // The organisation's (CustomerID "") first, then by customer id.
	Customers []cost.Customer // Ordered from the largest customer to the smallest.

	// The spike: SpikeCustomer's use of SpikeModel on SpikeDate (8 days before
	// End) makes that day's total about three times a normal day's.
	SpikeDate     time.Time
	SpikeCustomer string
	SpikeModel    string
	// DriftCustomer grows about 2% a day over the last 30 days.
	DriftCustomer string
	// OverBudget lists the customers whose budget is below their month-to-date
	// spend at End. Budgets follow run rates, so early in a month it is empty.
	OverBudget []string

	days cost.DateRange
}

// Range returns the days the dataset covers.
func (d *Dataset) Range() cost.DateRange {
	if !d.days.From.IsZero() || len(d.Lines) == 0 {
		return d.days
	}
	r := cost.DateRange{From: d.Lines[0].Date, To: d.Lines[0].Date}
	for _, l := range d.Lines {
		if l.Date.Before(r.From) {
			r.From = l.Date
		}
		if l.Date.After(r.To) {
			r.To = l.Date
		}
	}
	return r
}

// Generate builds the dataset for o. It is deterministic: it reads no clock and
// draws every random number from a PCG generator seeded with o.Seed.
func Generate(o Options) *Dataset {
	o = o.normalised()
	g := newGenerator(o)
	cells := g.usage()
	extras := g.nonTokenLines()
	cells = g.addSpike(cells, extras)
	d := &Dataset{
		Customers:     g.customers,
		SpikeDate:     g.spikeDate(),
		SpikeCustomer: spikeCustomer,
		SpikeModel:    spikeModel,
		DriftCustomer: driftCustomer,
		days:          cost.DateRange{From: g.first, To: g.first.AddDate(0, 0, o.Days-1)},
	}
	d.Lines = append(g.lines(cells), extras...)
	sortLines(d.Lines)
	d.Gateway = g.gateway(d.Lines)
	d.Budgets, d.OverBudget = g.budgets(d.Lines)
	return d
}
