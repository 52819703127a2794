package query_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/query"
)

// Test world: today is Friday 2026-11-20 (12:00 UTC). Lines cover the 120 days
// before today plus part of today. cust_c has a spike on gemini-1.5-pro yesterday.
var (
	testNow   = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	testToday = cost.Day(testNow)
	spikeDay  = testToday.AddDate(0, 0, -1)
	customers = []string{"cust_a", "cust_b", "cust_c", "cust_d", "cust_e", "cust_f", ""}
	offerings = []struct{ provider, service, model string }{
		{"AWS", "Amazon Bedrock", "claude-3-5-sonnet"},
		{"AWS", "Amazon Bedrock", "llama-3-70b"},
		{"GCP", "Vertex AI", "gemini-1.5-pro"},
		{"Azure", "Azure OpenAI", "gpt-4o"},
	}
)

func d(s string) time.Time {
	t, err := cost.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return t
}

// generate returns the deterministic test lines.
func generate() []cost.LineItem {
	rng := rand.New(rand.NewPCG(7, 11))
	var lines []cost.LineItem
	add := func(l cost.LineItem) {
		l.Source, l.SourcePartition, l.Currency = "test", "p1", "USD"
		l.ModelFamily = cost.ModelFamily(l.Model)
		lines = append(lines, l)
	}
	for day := testToday.AddDate(0, 0, -120); !day.After(testToday); day = day.AddDate(0, 0, 1) {
		weekend := day.Weekday() == time.Saturday || day.Weekday() == time.Sunday
		for ci, c := range customers {
			for oi, o := range offerings {
				if (ci+oi)%3 == 2 { // Not every customer uses every model.
					continue
				}
				if c == "cust_f" && day.Before(testToday.AddDate(0, 0, -20)) {
					continue // A newer customer.
				}
				for _, tt := range []string{cost.TokenInput, cost.TokenOutput, cost.TokenCacheRead} {
					tokens := float64(20000 + rng.IntN(80000))
					if weekend {
						tokens /= 3
					}
					price := 0.000003 * float64(oi+1)
					if tt == cost.TokenOutput {
						price *= 4
					}
					if c == "cust_c" && o.model == "gemini-1.5-pro" && day.Equal(spikeDay) {
						tokens *= 10
					}
					if day.Equal(testToday) {
						tokens /= 2 // Today so far.
					}
					add(cost.LineItem{Date: day, CloudProvider: o.provider, Service: o.service, Model: o.model,
						TokenType: tt, UsageAmount: tokens, UsageUnit: "tokens", CostUSD: tokens * price,
						CustomerID: c, Requests: int64(tokens / 1000), CostSource: cost.SourceBillingExport})
				}
			}
		}
		// A non-token charge, unattributed, without model.
		add(cost.LineItem{Date: day, CloudProvider: "GCP", Service: "Vertex AI", UsageAmount: 24,
			UsageUnit: "hours", CostUSD: 3.5, CostSource: cost.SourceBillingExport})
		// Unpriced usage of an unknown model every third day.
		if day.YearDay()%3 == 0 {
			add(cost.LineItem{Date: day, CloudProvider: "AWS", Service: "Amazon Bedrock", Model: "mystery-1",
				TokenType: cost.TokenInput, UsageAmount: 5000, UsageUnit: "tokens", CustomerID: "cust_b",
				Unpriced: true, CostSource: cost.SourceEventEstimate})
		}
	}
	return lines
}

type world struct {
	db    *duckdb.DB
	svc   *query.Service
	lines []cost.LineItem
}

// newWorld loads the generated lines into an in-memory DuckDB store.
func newWorld(tb testing.TB) *world {
	tb.Helper()
	db, err := duckdb.Open("")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	lines := generate()
	ctx := context.Background()
	if _, err := db.Apply(ctx, &cost.Batch{Replace: []cost.Partition{{Source: "test", Key: "p1"}}, Lines: lines}); err != nil {
		tb.Fatal(err)
	}
	for _, b := range []cost.Budget{{CustomerID: "", MonthlyUSD: 5000}, {CustomerID: "cust_b", MonthlyUSD: 150}} {
		if err := db.SetBudget(ctx, b); err != nil {
			tb.Fatal(err)
		}
	}
	if err := db.SetCustomer(ctx, cost.Customer{ID: "cust_a", Name: "Acme Inc"}); err != nil {
		tb.Fatal(err)
	}
	return &world{db: db, svc: query.NewService(db, func() time.Time { return testNow }), lines: lines}
}

// sel is a predicate over lines.
type sel func(*cost.LineItem) bool

func (w *world) sum(field func(*cost.LineItem) float64, ps ...sel) float64 {
	var t float64
	for i := range w.lines {
		if all(&w.lines[i], ps) {
			t += field(&w.lines[i])
		}
	}
	return t
}

func (w *world) cost(ps ...sel) float64 {
	return w.sum(func(l *cost.LineItem) float64 { return l.CostUSD }, ps...)
}

func (w *world) tokens(ps ...sel) float64 {
	return w.sum(func(l *cost.LineItem) float64 { return l.UsageAmount }, append(ps, isToken)...)
}

// distinct counts distinct non-empty keys among matching lines.
func (w *world) distinct(key func(*cost.LineItem) string, ps ...sel) int {
	seen := map[string]bool{}
	for i := range w.lines {
		if k := key(&w.lines[i]); k != "" && all(&w.lines[i], ps) {
			seen[k] = true
		}
	}
	return len(seen)
}

func all(l *cost.LineItem, ps []sel) bool {
	for _, p := range ps {
		if !p(l) {
			return false
		}
	}
	return true
}

func between(from, to time.Time) sel {
	return func(l *cost.LineItem) bool { return !l.Date.Before(from) && !l.Date.After(to) }
}
func on(day time.Time) sel               { return between(day, day) }
func customer(id string) sel             { return func(l *cost.LineItem) bool { return l.CustomerID == id } }
func model(m string) sel                 { return func(l *cost.LineItem) bool { return l.Model == m } }
func provider(p string) sel              { return func(l *cost.LineItem) bool { return l.CloudProvider == p } }
func tokenType(t string) sel             { return func(l *cost.LineItem) bool { return l.TokenType == t } }
func isToken(l *cost.LineItem) bool      { return l.TokenType != "" }
func isAttributed(l *cost.LineItem) bool { return l.CustomerID != "" }
func providerIn(ps ...string) sel {
	return func(l *cost.LineItem) bool {
		for _, p := range ps {
			if l.CloudProvider == p {
				return true
			}
		}
		return false
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }

func num(tb testing.TB, v any) float64 {
	tb.Helper()
	f, ok := v.(float64)
	if !ok {
		tb.Fatalf("value %v (%T) is not a number", v, v)
	}
	return f
}

func rng(from, to string) cost.DateRange { return cost.DateRange{From: d(from), To: d(to)} }
