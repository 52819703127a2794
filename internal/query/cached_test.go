package query_test

import (
	"context"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/allocation"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/query"
)

// cachedWorld is the test world behind a result cache, with a movable clock.
type cachedWorld struct {
	*world
	now    time.Time
	cached *query.Cached
	plain  *query.Service // The same store without a cache: the reference.
}

func newCachedWorld(t *testing.T) *cachedWorld {
	cw := &cachedWorld{world: newWorld(t), now: testNow}
	clock := func() time.Time { return cw.now }
	cw.cached = query.NewCached(query.NewService(cw.db, clock), 0, nil)
	cw.plain = query.NewService(cw.db, clock)
	return cw
}

// customerCost asks both services for a customer's spend over the last 30 days.
func (cw *cachedWorld) customerCost(t *testing.T, p cost.Principal, id string) (cached, plain float64) {
	t.Helper()
	q := cost.Query{Metrics: []cost.Metric{cost.MetricCost}, Period: cost.Period{Name: "last_30_days"},
		Filters: []cost.Filter{{Dimension: cost.DimCustomer, Op: cost.OpEq, Values: []string{id}}}}
	ctx := context.Background()
	a, err := cw.cached.Query(ctx, p, q)
	if err != nil {
		t.Fatal(err)
	}
	b, err := cw.plain.Query(ctx, p, q)
	if err != nil {
		t.Fatal(err)
	}
	return num(t, a.Rows[0][0]), num(t, b.Rows[0][0])
}

func (cw *cachedWorld) apply(t *testing.T, b *cost.Batch) {
	t.Helper()
	if _, err := cw.db.Apply(context.Background(), b); err != nil {
		t.Fatal(err)
	}
}

func TestCacheServesRepeatsFromMemory(t *testing.T) {
	cw := newCachedWorld(t)
	admin := cost.AdminPrincipal()
	req := cost.PanelRequest{Dashboard: "overview", Panel: "cost-by-provider"}
	ctx := context.Background()
	first, err := cw.cached.Panel(ctx, admin, req)
	if err != nil {
		t.Fatal(err)
	}
	first.Rows[0][1] = -1.0 // A caller's change must not reach the cache.
	second, err := cw.cached.Panel(ctx, admin, req)
	if err != nil {
		t.Fatal(err)
	}
	st := cw.cached.CacheStats()
	if st.Hits != 1 || st.Misses != 1 || st.Entries != 1 || st.Bytes <= 0 {
		t.Errorf("stats = %+v, want 1 hit, 1 miss, 1 entry", st)
	}
	want := cw.cost(between(testToday.AddDate(0, 0, -30), testToday), provider(second.Rows[0][0].(string)))
	if got := num(t, second.Rows[0][1]); !near(got, want) {
		t.Errorf("cached %s cost = %v, want %v", second.Rows[0][0], got, want)
	}
}

func TestCacheSeesIngestAndRestatement(t *testing.T) {
	cw := newCachedWorld(t)
	admin := cost.AdminPrincipal()
	before, _ := cw.customerCost(t, admin, "cust_a")
	line := cost.LineItem{Date: testToday, CloudProvider: "AWS", Service: "Amazon Bedrock", Model: "claude-3-5-sonnet",
		TokenType: cost.TokenInput, UsageAmount: 1000, UsageUnit: "tokens", CostUSD: 40, Currency: "USD",
		CustomerID: "cust_a", CostSource: cost.SourceBillingExport, Source: "late", SourcePartition: "p2"}
	part := []cost.Partition{{Source: "late", Key: "p2"}}
	cw.apply(t, &cost.Batch{Replace: part, Lines: []cost.LineItem{line}})
	got, plain := cw.customerCost(t, admin, "cust_a")
	if !near(got, before+40) || !near(got, plain) {
		t.Errorf("after ingest: cached %v, uncached %v, want %v", got, plain, before+40)
	}
	line.CostUSD = 15 // The provider restates the partition.
	cw.apply(t, &cost.Batch{Replace: part, Lines: []cost.LineItem{line}})
	if got, _ := cw.customerCost(t, admin, "cust_a"); !near(got, before+15) {
		t.Errorf("after restatement: cached %v, want %v", got, before+15)
	}
}

func TestCacheSeesAllocation(t *testing.T) {
	cw := newCachedWorld(t)
	admin := cost.AdminPrincipal()
	// Gateway events of cust_a on the day of the unattributed Vertex AI charge.
	day := testToday.AddDate(0, 0, -2)
	ev := cost.LineItem{Date: day, CloudProvider: "GCP", Service: "Vertex AI", Model: "gemini-1.5-pro",
		TokenType: cost.TokenInput, UsageAmount: 5000, UsageUnit: "tokens", CostUSD: 0.01, Currency: "USD",
		CustomerID: "cust_a", CostSource: cost.SourceEventEstimate, Source: "gateway", SourcePartition: "g1"}
	cw.apply(t, &cost.Batch{Replace: []cost.Partition{{Source: "gateway", Key: "g1"}}, Lines: []cost.LineItem{ev}})
	before, _ := cw.customerCost(t, admin, "cust_a")
	a := &allocation.Allocator{Store: cw.db}
	if _, err := a.Run(context.Background(), day, day); err != nil {
		t.Fatal(err)
	}
	got, plain := cw.customerCost(t, admin, "cust_a")
	if near(got, before) || !near(got, plain) {
		t.Errorf("after allocation: cached %v, uncached %v, before %v; want the uncached figure, changed", got, plain, before)
	}
}

func TestCacheSeesBudgetChange(t *testing.T) {
	cw := newCachedWorld(t)
	ctx := context.Background()
	p := cost.CustomerPrincipal("cust_b")
	budget := func() *float64 {
		t.Helper()
		qs, err := cw.cached.QuickStats(ctx, p, "")
		if err != nil {
			t.Fatal(err)
		}
		return qs.Budget
	}
	if b := budget(); b == nil || *b != 150 {
		t.Fatalf("budget = %v, want 150", b)
	}
	if err := cw.db.SetBudget(ctx, cost.Budget{CustomerID: "cust_b", MonthlyUSD: 900}); err != nil {
		t.Fatal(err)
	}
	if b := budget(); b == nil || *b != 900 {
		t.Errorf("after a budget change: budget = %v, want 900", b)
	}
	if err := cw.db.DeleteBudget(ctx, "cust_b"); err != nil {
		t.Fatal(err)
	}
	if b := budget(); b != nil {
		t.Errorf("after deleting the budget: budget = %v, want none", *b)
	}
}

func TestCacheKeepsCustomersApart(t *testing.T) {
	cw := newCachedWorld(t)
	ctx := context.Background()
	last7 := between(testToday.AddDate(0, 0, -7), testToday)
	req := cost.PanelRequest{Dashboard: "overview", Panel: "cost-by-provider"}
	for range 2 { // The second round is served from the cache.
		for _, id := range []string{"cust_a", "cust_c"} {
			qs, err := cw.cached.QuickStats(ctx, cost.CustomerPrincipal(id), "")
			if err != nil {
				t.Fatal(err)
			}
			if want := cw.cost(last7, customer(id)); qs.CustomerID != id || !near(qs.Last7Days, want) {
				t.Errorf("%s quick stats: customer %q, last 7 days %v; want %q, %v", id, qs.CustomerID, qs.Last7Days, id, want)
			}
			res, err := cw.cached.Panel(ctx, cost.CustomerPrincipal(id), req)
			if err != nil {
				t.Fatal(err)
			}
			var got float64
			for _, row := range res.Rows {
				got += num(t, row[1])
			}
			if want := cw.cost(between(testToday.AddDate(0, 0, -30), testToday), customer(id)); !near(got, want) {
				t.Errorf("%s cost by provider sums to %v, want %v", id, got, want)
			}
		}
	}
	if st := cw.cached.CacheStats(); st.Hits != 4 || st.Misses != 4 {
		t.Errorf("stats = %+v, want 4 hits and 4 misses", st)
	}
}

func TestCacheFollowsTheClock(t *testing.T) {
	cw := newCachedWorld(t)
	ctx := context.Background()
	admin := cost.AdminPrincipal()
	req := cost.PanelRequest{Dashboard: "overview", Panel: "cost-by-provider"}
	if _, err := cw.cached.Panel(ctx, admin, req); err != nil {
		t.Fatal(err)
	}
	cw.now = testNow.AddDate(0, 0, -1)
	res, err := cw.cached.Panel(ctx, admin, req)
	if err != nil {
		t.Fatal(err)
	}
	if want := rng("2026-10-20", "2026-11-19"); res.Period != want {
		t.Errorf("a day earlier the panel covers %v, want %v", res.Period, want)
	}
}

func TestCacheSeesCustomerNames(t *testing.T) {
	cw := newCachedWorld(t)
	ctx := context.Background()
	name := func() string {
		cs, err := cw.cached.Customers(ctx, cost.AdminPrincipal())
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if c.ID == "cust_a" {
				return c.Name
			}
		}
		return ""
	}
	if got := name(); got != "Acme Inc" {
		t.Fatalf("name = %q", got)
	}
	if err := cw.db.SetCustomer(ctx, cost.Customer{ID: "cust_a", Name: "Acme Corp"}); err != nil {
		t.Fatal(err)
	}
	if got := name(); got != "Acme Corp" {
		t.Errorf("after a rename: name = %q, want Acme Corp", got)
	}
}

func TestCacheUnderConcurrentIngest(t *testing.T) {
	cw := newCachedWorld(t)
	admin := cost.AdminPrincipal()
	ctx := context.Background()
	req := cost.PanelRequest{Dashboard: "overview", Panel: "top-customers"}
	done := make(chan struct{})
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			for {
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
				if _, err := cw.cached.Panel(ctx, admin, req); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for i := range 5 {
		line := cost.LineItem{Date: testToday, CloudProvider: "AWS", Service: "Amazon Bedrock", Model: "claude-3-5-sonnet",
			TokenType: cost.TokenInput, UsageAmount: 10, UsageUnit: "tokens", CostUSD: float64(100 * (i + 1)), Currency: "USD",
			CustomerID: "cust_d", CostSource: cost.SourceBillingExport, Source: "late", SourcePartition: "p2"}
		cw.apply(t, &cost.Batch{Replace: []cost.Partition{{Source: "late", Key: "p2"}}, Lines: []cost.LineItem{line}})
	}
	close(done)
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	got, err := cw.cached.Panel(ctx, admin, req)
	if err != nil {
		t.Fatal(err)
	}
	want, err := cw.plain.Panel(ctx, admin, req)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Rows) != len(want.Rows) || got.Rows[0][0] != want.Rows[0][0] || !near(num(t, got.Rows[0][1]), num(t, want.Rows[0][1])) {
		t.Errorf("after concurrent ingests the cached top customers are %v, want %v", got.Rows, want.Rows)
	}
}
