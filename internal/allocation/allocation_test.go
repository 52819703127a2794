package allocation_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/allocation"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
)

const (
	model    = "claude-3-5-sonnet"
	service  = "Amazon Bedrock"
	billPart = "111/2026-10"
)

var (
	day   = time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC)
	month = cost.DateRange{From: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)}
)

// env is a store with an allocator over it.
type env struct {
	t     *testing.T
	db    cost.Store
	alloc *allocation.Allocator
}

// newEnv returns an env over an in-memory DuckDB store.
func newEnv(t *testing.T) *env {
	t.Helper()
	db, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return envOver(t, db)
}

func envOver(t *testing.T, s cost.Store) *env {
	return &env{t: t, db: s, alloc: &allocation.Allocator{Store: s, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}}
}

// billed returns an invoiced line of the model-day.
func billed(tokenType, customer string, tokens, usd float64) cost.LineItem {
	l := cost.LineItem{Date: day, CloudProvider: cost.ProviderAWS, Service: service, Model: model, ModelFamily: "claude",
		TokenType: tokenType, PricingTier: "standard", UsageAmount: tokens, CostUSD: usd, Cost: usd, Currency: "USD",
		CustomerID: customer, AccountID: "111", Region: "us-east-1", Source: "aws-cur", SourcePartition: billPart,
		CostSource: cost.SourceBillingExport, DataStatus: cost.StatusFinal, ChargeCategory: "Usage"}
	if tokenType == "" {
		l.UsageUnit, l.PricingTier = "hours", "provisioned"
	} else {
		l.UsageUnit = "tokens"
	}
	return l
}

// bill replaces the billing partition with lines.
func (e *env) bill(lines ...cost.LineItem) {
	e.t.Helper()
	b := &cost.Batch{Replace: []cost.Partition{{Source: "aws-cur", Key: billPart}}, Lines: lines}
	if _, err := e.db.Apply(e.t.Context(), b); err != nil {
		e.t.Fatal(err)
	}
}

// usage is one event's input tokens on the model-day.
func usage(id, mdl, customer string, tokens int64, usd float64) cost.EventUsage {
	return cost.EventUsage{EventID: id, Time: day.Add(10 * time.Hour), Provider: cost.ProviderAWS, Service: service,
		Model: mdl, ModelFamily: cost.ModelFamily(mdl), CustomerID: customer, PricingTier: "standard",
		TokenType: cost.TokenInput, Tokens: tokens, CostUSD: usd, CostSource: cost.SourceEventEstimate, First: true}
}

// gateway writes the standard events: A 600k, B 300k and 100k without a
// customer on the model, and 1000 tokens of another model for A.
func (e *env) gateway() {
	e.t.Helper()
	b := &cost.Batch{EventBatch: "gw-1", Events: []cost.EventUsage{
		usage("e1", model, "cust_a", 600_000, 1.8),
		usage("e2", model, "cust_b", 300_000, 0.9),
		usage("e3", model, "", 100_000, 0.3),
		usage("e4", "llama-3-70b", "cust_a", 1000, 2),
	}}
	if _, err := e.db.Apply(e.t.Context(), b); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) run() *allocation.Result {
	e.t.Helper()
	r, err := e.alloc.Run(e.t.Context(), day, day)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// sums returns a metric summed by one dimension over October.
func (e *env) sums(m cost.Metric, by cost.Dimension) map[string]float64 {
	e.t.Helper()
	f, err := e.db.Aggregate(e.t.Context(), &cost.AggregateQuery{Metrics: []cost.Metric{m}, GroupBy: []cost.Dimension{by},
		From: month.From, To: month.To})
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]float64{}
	for _, row := range f.Rows {
		k, _ := row[0].(string)
		out[k] += row[1].(float64)
	}
	return out
}

func assertSums(t *testing.T, what string, got, want map[string]float64) {
	t.Helper()
	for k, w := range want {
		if math.Abs(got[k]-w) > 1e-9 {
			t.Errorf("%s[%q] = %v, want %v", what, k, got[k], w)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok && math.Abs(g) > 1e-9 {
			t.Errorf("%s[%q] = %v, want nothing", what, k, g)
		}
	}
}

// TestRun_SplitsByEventTokens: $10 of unattributed input tokens (1M) goes
// 600k/1M to A and 300k/1M to B; the 100k without a customer keep $1; the $5
// tagged to C stay; the estimates of the model-day stop counting.
func TestRun_SplitsByEventTokens(t *testing.T) {
	e := newEnv(t)
	e.bill(billed(cost.TokenInput, "", 1_000_000, 10), billed(cost.TokenInput, "cust_c", 500_000, 5))
	e.gateway()
	got := e.run()
	want := &allocation.Result{From: month.From, To: month.To, Months: 1, ModelDays: 1, MovedUSD: 9,
		SupersededUSD: 3, LinesWritten: 6} // A, B, −(A+B); three estimate offsets.
	if math.Abs(got.SupersededUSD-3) < 1e-9 {
		got.SupersededUSD = 3
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("result %+v, want %+v", got, want)
	}
	// A: $6 allocated + the other model's $2 estimate.
	assertSums(t, "cost by customer", e.sums(cost.MetricCost, cost.DimCustomer),
		map[string]float64{"cust_a": 8, "cust_b": 3, "cust_c": 5, "": 1})
	assertSums(t, "cost by model", e.sums(cost.MetricCost, cost.DimModel),
		map[string]float64{model: 15, "llama-3-70b": 2})
	assertSums(t, "cost by source", e.sums(cost.MetricCost, cost.DimCostSource), map[string]float64{
		cost.SourceBillingExport: 15, cost.SourceEventEstimate: 5, cost.SourceSupersededEstimate: -3, cost.SourceAllocation: 0})
	assertSums(t, "tokens by customer", e.sums(cost.MetricTokens, cost.DimCustomer),
		map[string]float64{"cust_a": 601_000, "cust_b": 300_000, "cust_c": 500_000, "": 100_000})
	assertSums(t, "requests", e.sums(cost.MetricRequests, cost.DimCloudProvider), map[string]float64{"AWS": 4})
}

// TestRun_ResidualOfUnseenTokens: 2M billed tokens for $20, of which the
// gateway saw 1M: A and B get 600k/2M and 300k/2M; the rest stays
// unattributed. $12 of provisioned hours split over all event tokens.
func TestRun_ResidualOfUnseenTokens(t *testing.T) {
	e := newEnv(t)
	e.bill(billed(cost.TokenInput, "", 2_000_000, 20), billed("", "", 10, 12))
	e.gateway()
	e.run()
	// A: 20·0.3 + 12·0.6 = 13.2; B: 20·0.15 + 12·0.3 = 6.6; "": 32 − 19.8 = 12.2.
	assertSums(t, "cost by customer", e.sums(cost.MetricCost, cost.DimCustomer),
		map[string]float64{"cust_a": 13.2 + 2, "cust_b": 6.6, "": 12.2})
	assertSums(t, "tokens by customer", e.sums(cost.MetricTokens, cost.DimCustomer),
		map[string]float64{"cust_a": 601_000, "cust_b": 300_000, "": 1_100_000})
	assertSums(t, "cost by token type", e.sums(cost.MetricCost, cost.DimTokenType),
		map[string]float64{cost.TokenInput: 22, "": 12})
}

// TestRun_Idempotent: a second run leaves the same lines; after the bill is
// restated, a run allocates the new figures.
func TestRun_Idempotent(t *testing.T) {
	e := newEnv(t)
	e.bill(billed(cost.TokenInput, "", 1_000_000, 10))
	e.gateway()
	first := e.run()
	before := e.lines()
	second := e.run()
	if second.LinesDeleted != first.LinesWritten || second.LinesWritten != first.LinesWritten {
		t.Errorf("second run wrote %d and replaced %d lines; the first wrote %d",
			second.LinesWritten, second.LinesDeleted, first.LinesWritten)
	}
	if after := e.lines(); !reflect.DeepEqual(after, before) {
		t.Errorf("second run changed the lines:\n%v\n%v", before, after)
	}
	e.bill(billed(cost.TokenInput, "", 1_000_000, 20))
	e.run()
	assertSums(t, "cost by customer", e.sums(cost.MetricCost, cost.DimCustomer),
		map[string]float64{"cust_a": 12 + 2, "cust_b": 6, "": 2})
}

// TestClear removes every allocation line: totals are the raw ones again.
func TestClear(t *testing.T) {
	e := newEnv(t)
	e.bill(billed(cost.TokenInput, "", 1_000_000, 10))
	e.gateway()
	run := e.run()
	got, err := e.alloc.Clear(t.Context(), month.From, month.To)
	if err != nil {
		t.Fatal(err)
	}
	if got.LinesDeleted != run.LinesWritten || got.LinesWritten != 0 {
		t.Errorf("clear wrote %d and deleted %d lines, want 0 and %d", got.LinesWritten, got.LinesDeleted, run.LinesWritten)
	}
	assertSums(t, "cost by source", e.sums(cost.MetricCost, cost.DimCostSource),
		map[string]float64{cost.SourceBillingExport: 10, cost.SourceEventEstimate: 5})
}

// TestRun_NothingToAllocate: billed lines without events, and events without
// billed lines, write nothing.
func TestRun_NothingToAllocate(t *testing.T) {
	e := newEnv(t)
	other := billed(cost.TokenInput, "", 1000, 4)
	other.Model = "gpt-4o"
	e.bill(other)
	e.gateway()
	if got := e.run(); got.LinesWritten != 0 || got.ModelDays != 0 {
		t.Errorf("got %+v, want nothing written", got)
	}
}

func TestRun_BadRange(t *testing.T) {
	e := newEnv(t)
	if _, err := e.alloc.Run(context.Background(), day, day.AddDate(0, 0, -1)); cost.ErrorCode(err) != cost.CodeInvalid {
		t.Errorf("to before from: got %v, want invalid", err)
	}
	if _, err := e.alloc.Run(context.Background(), time.Time{}, day); cost.ErrorCode(err) != cost.CodeInvalid {
		t.Errorf("no from: got %v, want invalid", err)
	}
	r, err := e.alloc.Run(context.Background(), day, time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC); r.Months != 3 || !r.From.Equal(month.From) || !r.To.Equal(want) {
		t.Errorf("range %s..%s (%d months), want 2026-10-01..2026-12-31 (3)", r.From, r.To, r.Months)
	}
}

// lines returns every stored line.
func (e *env) lines() []cost.LineItem {
	e.t.Helper()
	var out []cost.LineItem
	err := e.db.Lines(e.t.Context(), cost.LineFilter{}, func(l *cost.LineItem) error {
		out = append(out, *l)
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	slices.SortFunc(out, func(a, b cost.LineItem) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
	return out
}

// TestRun_UnpricedEstimates: an unpriced event of an allocated model-day is
// superseded too, on an unpriced line, so unpriced tokens net to zero.
func TestRun_UnpricedEstimates(t *testing.T) {
	e := newEnv(t)
	e.bill(billed(cost.TokenInput, "", 1_000_000, 10), billed(cost.TokenOutput, "", 100_000, 1.5))
	e.gateway()
	u := usage("e5", model, "cust_b", 50_000, 0)
	u.TokenType, u.Unpriced = cost.TokenOutput, true
	if _, err := e.db.Apply(t.Context(), &cost.Batch{EventBatch: "gw-2", Events: []cost.EventUsage{u}}); err != nil {
		t.Fatal(err)
	}
	e.run()
	assertSums(t, "unpriced tokens", e.sums(cost.MetricUnpricedTokens, cost.DimCustomer), map[string]float64{})
	// Output: B saw 50k of the 100k billed, so gets half of $1.5 and 50k tokens;
	// the other half stays unattributed. Input as in TestRun_SplitsByEventTokens.
	assertSums(t, "tokens by customer", e.sums(cost.MetricTokens, cost.DimCustomer),
		map[string]float64{"cust_a": 601_000, "cust_b": 350_000, "": 150_000})
	assertSums(t, "cost by customer", e.sums(cost.MetricCost, cost.DimCustomer),
		map[string]float64{"cust_a": 8, "cust_b": 3.75, "": 1.75})
}

// TestRun_KeepsEstimatesTheBillDoesNotCover: a bill of provisioned hours alone
// is split over the event tokens, and the token estimates keep counting; a bill
// of input tokens supersedes input estimates only.
func TestRun_KeepsEstimatesTheBillDoesNotCover(t *testing.T) {
	e := newEnv(t)
	e.bill(billed("", "", 10, 12))
	e.gateway()
	got := e.run()
	if got.SupersededUSD != 0 || got.LinesWritten != 3 { // A, B, −(A+B).
		t.Errorf("result %+v, want 3 lines and nothing superseded", got)
	}
	// Hours: A 12·0.6, B 12·0.3, 12·0.1 unattributed; plus every estimate.
	assertSums(t, "cost by customer", e.sums(cost.MetricCost, cost.DimCustomer),
		map[string]float64{"cust_a": 7.2 + 1.8 + 2, "cust_b": 3.6 + 0.9, "": 1.2 + 0.3})

	out := usage("e6", model, "cust_b", 40_000, 0.6)
	out.TokenType = cost.TokenReasoning
	if _, err := e.db.Apply(t.Context(), &cost.Batch{EventBatch: "gw-3", Events: []cost.EventUsage{out}}); err != nil {
		t.Fatal(err)
	}
	e.bill(billed(cost.TokenInput, "", 1_000_000, 10))
	e.run()
	// Input superseded and split as in TestRun_SplitsByEventTokens; B's
	// reasoning estimate stays, the bill having no output-side tokens.
	assertSums(t, "cost by customer", e.sums(cost.MetricCost, cost.DimCustomer),
		map[string]float64{"cust_a": 8, "cust_b": 3 + 0.6, "": 1})
	assertSums(t, "cost by source", e.sums(cost.MetricCost, cost.DimCostSource), map[string]float64{
		cost.SourceBillingExport: 10, cost.SourceEventEstimate: 5.6, cost.SourceSupersededEstimate: -3, cost.SourceAllocation: 0})
}
