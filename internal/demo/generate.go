package demo

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// Shape of the generated spend.
const (
	attributedUSDPerDay = 1700 // Customers' combined weekday spend on the first day.
	platformShare       = 0.08 // Unattributed traffic relative to attributed.
	weekendFactor       = 0.6
	dailyNoise          = 0.15 // Sigma of the log-normal day-to-day noise.
	sizeSpread          = 1.1  // Sigma of the log-normal customer sizes.
	driftDays           = 30
	driftRate           = 0.02
	spikeDaysBeforeEnd  = 8
	spikeFactor         = 3.0
	pcgStream           = 0x9e3779b97f4a7c15
	// Source is the Source of every demo line.
	Source = "demo"
)

// generator holds the state of one Generate call.
type generator struct {
	o         Options
	rng       *rand.Rand
	first     time.Time // First day of data.
	customers []cost.Customer
	profiles  []*profile // Customers in list order, then the unattributed platform.
}

// profile is how one customer (or the platform, Customer "") spends.
type profile struct {
	Customer string
	Base     float64 // USD on a weekday of the first day.
	Growth   float64 // Logarithmic growth per day.
	Start    int     // First day index with usage; later customers ramp up over two weeks.
	Caching  bool    // Uses prompt caching where the model offers it.
	Models   []int   // Indexes into models.
	Shares   []float64
}

// cell is one (day, customer, model) spend before it is split into token lines.
type cell struct {
	Day      int
	Customer string
	Caching  bool
	Model    int
	USD      float64
}

func newGenerator(o Options) *generator {
	g := &generator{
		o:         o,
		rng:       rand.New(rand.NewPCG(uint64(o.Seed), pcgStream)),
		first:     o.End.AddDate(0, 0, -o.Days),
		customers: customerList(o.Customers),
	}
	g.makeProfiles()
	return g
}

func (g *generator) makeProfiles() {
	n := len(g.customers)
	sizes := make([]float64, n)
	var sum float64
	for i := range sizes {
		sizes[i] = math.Exp(sizeSpread * g.rng.NormFloat64())
		sum += sizes[i]
	}
	sortDescending(sizes)
	for i, c := range g.customers {
		p := &profile{
			Customer: c.ID,
			Base:     sizes[i] / sum * attributedUSDPerDay,
			Growth:   math.Log1p(-0.03+0.17*g.rng.Float64()) / 30,
			Caching:  g.rng.Float64() < 0.5,
			Models:   g.pickModels(2 + g.rng.IntN(4)),
		}
		if c.ID == spikeCustomer {
			p.Models = withModel(p.Models, modelIndex(spikeModel))
		}
		p.Shares = g.shares(len(p.Models))
		if n >= 8 && i >= n-2 { // The two smallest signed up during the period.
			p.Start = g.o.Days * (i - n + 3) / 3
		}
		g.profiles = append(g.profiles, p)
	}
	platform := &profile{Base: attributedUSDPerDay * platformShare, Growth: math.Log1p(0.02) / 30}
	for _, id := range platformModels {
		platform.Models = append(platform.Models, modelIndex(id))
	}
	platform.Shares = g.shares(len(platform.Models))
	g.profiles = append(g.profiles, platform)
}

// pickModels draws k distinct models weighted by popularity, in catalog order.
func (g *generator) pickModels(k int) []int {
	w := make([]float64, len(models))
	for i, m := range models {
		w[i] = m.Popularity
	}
	picked := make([]bool, len(models))
	for range k {
		var total float64
		for _, x := range w {
			total += x
		}
		r, last := g.rng.Float64()*total, -1
		for i, x := range w {
			if x == 0 {
				continue
			}
			last = i
			if r -= x; r < 0 {
				break
			}
		}
		picked[last], w[last] = true, 0
	}
	var out []int
	for i, ok := range picked {
		if ok {
			out = append(out, i)
		}
	}
	return out
}

// withModel returns ms including m, replacing the last model if m is missing.
func withModel(ms []int, m int) []int {
	for _, x := range ms {
		if x == m {
			return ms
		}
	}
	ms[len(ms)-1] = m
	sortInts(ms)
	return ms
}

// shares draws n positive weights summing to 1.
func (g *generator) shares(n int) []float64 {
	s := make([]float64, n)
	var sum float64
	for i := range s {
		s[i] = math.Exp(0.8 * g.rng.NormFloat64())
		sum += s[i]
	}
	for i := range s {
		s[i] /= sum
	}
	return s
}

// usage returns every (day, customer, model) spend, day by day.
func (g *generator) usage() []cell {
	var cells []cell
	for d := range g.o.Days {
		wk := weekday(g.day(d))
		for _, p := range g.profiles {
			if d < p.Start {
				continue
			}
			level := p.Base * math.Exp(p.Growth*float64(d)) * wk * g.ramp(p, d) * g.drift(p, d)
			for j, m := range p.Models {
				usd := level * p.Shares[j] * models[m].trend(d) * math.Exp(dailyNoise*g.rng.NormFloat64())
				cells = append(cells, cell{Day: d, Customer: p.Customer, Caching: p.Caching, Model: m, USD: usd})
			}
		}
	}
	return cells
}

func (g *generator) day(d int) time.Time { return g.first.AddDate(0, 0, d) }

func (g *generator) spikeDay() int { return g.o.Days - spikeDaysBeforeEnd }

func (g *generator) spikeDate() time.Time { return g.day(g.spikeDay()) }

func weekday(t time.Time) float64 {
	if t.Weekday() == time.Saturday || t.Weekday() == time.Sunday {
		return weekendFactor
	}
	return 1
}

// ramp grows a new customer's use from nothing to full over two weeks.
func (g *generator) ramp(p *profile, d int) float64 {
	if p.Start == 0 {
		return 1
	}
	return min(1, float64(d-p.Start+1)/14)
}

// drift compounds the drift customer's use by driftRate a day over the last driftDays.
func (g *generator) drift(p *profile, d int) float64 {
	k := d - (g.o.Days - driftDays) + 1
	if p.Customer != driftCustomer || k < 1 {
		return 1
	}
	return math.Pow(1+driftRate, float64(k))
}

func (m *model) trend(d int) float64 {
	if m.HalfLife == 0 {
		return 1
	}
	return math.Exp(-math.Ln2 * float64(d) / m.HalfLife)
}

// addSpike raises the spike customer's use of the spike model on the spike day so
// that the day's total is spikeFactor times the median of the four weeks before.
func (g *generator) addSpike(cells []cell, extras []cost.LineItem) []cell {
	totals := make([]float64, g.o.Days)
	for _, c := range cells {
		totals[c.Day] += c.USD
	}
	for _, l := range extras {
		totals[int(l.Date.Sub(g.first).Hours()/24)] += l.CostUSD
	}
	s := g.spikeDay()
	extra := spikeFactor*median(totals[max(0, s-28):s]) - totals[s]
	m := modelIndex(spikeModel)
	for i, c := range cells {
		if c.Day == s && c.Customer == spikeCustomer && c.Model == m {
			cells[i].USD += extra
			return cells
		}
	}
	return append(cells, cell{Day: s, Customer: spikeCustomer, Model: m, USD: extra})
}
