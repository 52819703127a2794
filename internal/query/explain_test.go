package query_test

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/query"
)

// manyValuesLines are 40 days of lines over more customers and models than an
// explanation lists, so ranking and cutting happen in the engine.
func manyValuesLines() []cost.LineItem {
	rng := rand.New(rand.NewPCG(3, 5))
	providers := []string{"AWS", "GCP", "Azure"}
	types := []string{cost.TokenInput, cost.TokenOutput, cost.TokenCacheRead, ""}
	var lines []cost.LineItem
	for day := testToday.AddDate(0, 0, -40); !day.After(testToday); day = day.AddDate(0, 0, 1) {
		for range 120 {
			c, m := rng.IntN(31), rng.IntN(14)
			l := cost.LineItem{Date: day, CloudProvider: providers[m%3], Service: "svc", Model: fmt.Sprintf("model-%02d", m),
				TokenType: types[rng.IntN(4)], UsageAmount: 1000, UsageUnit: "tokens", CostUSD: float64(rng.IntN(5000)) / 100,
				Source: "test", SourcePartition: "p1", Currency: "USD", CostSource: cost.SourceBillingExport}
			if c < 30 {
				l.CustomerID = fmt.Sprintf("cust_%02d", c)
			}
			lines = append(lines, l)
		}
	}
	return lines
}

// TestExplainRanksInEngine compares explanations with one computed from the
// lines in Go: every value of every dimension attributed, ranked by |delta|,
// each dimension cut to its leading ExplainTop, and the leading customer × model
// among all pairs.
func TestExplainRanksInEngine(t *testing.T) {
	db, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	lines := manyValuesLines()
	ctx := context.Background()
	if _, err := db.Apply(ctx, &cost.Batch{Replace: []cost.Partition{{Source: "test", Key: "p1"}}, Lines: lines}); err != nil {
		t.Fatal(err)
	}
	svc := query.NewService(db, func() time.Time { return testNow })
	aws := []cost.Filter{{Dimension: cost.DimCloudProvider, Op: cost.OpIn, Values: []string{"AWS", "GCP"}}}
	for _, tc := range []struct {
		name string
		req  cost.ExplainRequest
		p    cost.Principal
	}{
		{"yesterday", cost.ExplainRequest{}, admin},
		{"a week against the week before", cost.ExplainRequest{Range: rng("2026-11-10", "2026-11-16"), BaselineDays: 7}, admin},
		{"two providers", cost.ExplainRequest{Range: rng("2026-11-12", "2026-11-12"), Filters: aws, BaselineDays: 10}, admin},
		{"one customer", cost.ExplainRequest{Range: rng("2026-11-18", "2026-11-18")}, cost.CustomerPrincipal("cust_07")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := svc.Explain(ctx, tc.p, tc.req)
			if err != nil {
				t.Fatal(err)
			}
			keep := func(l *cost.LineItem) bool {
				if tc.p.CustomerID != "" && l.CustomerID != tc.p.CustomerID {
					return false
				}
				return len(tc.req.Filters) == 0 || slices.Contains(tc.req.Filters[0].Values, l.CloudProvider)
			}
			want := explainOracle(lines, got.Range, got.BaselineRange, keep)
			compareExplanations(t, *got, want)
		})
	}
}

// explainOracle explains r against base from the lines kept by keep.
func explainOracle(lines []cost.LineItem, r, base cost.DateRange, keep func(*cost.LineItem) bool) cost.Explanation {
	scale := float64(r.Days()) / float64(base.Days())
	e := cost.Explanation{Range: r, BaselineRange: base}
	type side struct{ cur, base float64 }
	by := map[cost.Dimension]map[string]*side{}
	pairs := map[[2]string]*side{}
	add := func(m map[string]*side, k string, cur bool, v float64) {
		if m[k] == nil {
			m[k] = &side{}
		}
		if cur {
			m[k].cur += v
		} else {
			m[k].base += v
		}
	}
	for i := range lines {
		l := &lines[i]
		cur := r.Contains(l.Date)
		if !keep(l) || (!cur && !base.Contains(l.Date)) {
			continue
		}
		if cur {
			e.Total += l.CostUSD
		} else {
			e.Baseline += l.CostUSD
		}
		for d, v := range map[cost.Dimension]string{cost.DimCustomer: l.CustomerID, cost.DimModel: l.Model,
			cost.DimCloudProvider: l.CloudProvider, cost.DimTokenType: l.TokenType} {
			if by[d] == nil {
				by[d] = map[string]*side{}
			}
			add(by[d], v, cur, l.CostUSD)
		}
		k := [2]string{l.CustomerID, l.Model}
		if pairs[k] == nil {
			pairs[k] = &side{}
		}
		if cur {
			pairs[k].cur += l.CostUSD
		} else {
			pairs[k].base += l.CostUSD
		}
	}
	e.Baseline *= scale
	e.Delta = e.Total - e.Baseline
	for d, m := range by {
		var cs []cost.Contribution
		for v, s := range m {
			c := cost.Contribution{Dimension: d, Value: v, Current: s.cur, Baseline: s.base * scale, Delta: s.cur - s.base*scale}
			c.Share = c.Delta / e.Delta
			cs = append(cs, c)
		}
		slices.SortFunc(cs, func(a, b cost.Contribution) int {
			return cmp.Or(cmp.Compare(math.Abs(b.Delta), math.Abs(a.Delta)), cmp.Compare(a.Value, b.Value))
		})
		e.Contributions = append(e.Contributions, cs[:min(len(cs), query.ExplainTop)]...)
	}
	slices.SortFunc(e.Contributions, func(a, b cost.Contribution) int {
		return cmp.Or(cmp.Compare(math.Abs(b.Delta), math.Abs(a.Delta)), cmp.Compare(a.Dimension, b.Dimension),
			cmp.Compare(a.Value, b.Value))
	})
	var best [2]string
	bestShare := math.Inf(-1)
	for k, s := range pairs {
		sh := (s.cur - s.base*scale) / e.Delta
		if sh > bestShare || (sh == bestShare && (k[0] < best[0] || k[0] == best[0] && k[1] < best[1])) {
			best, bestShare = k, sh
		}
	}
	if bestShare >= 0.5 {
		s := pairs[best]
		c := cost.Contribution{Current: s.cur, Baseline: s.base * scale, Delta: s.cur - s.base*scale, Share: bestShare}
		a, b := c, c
		a.Dimension, a.Value, b.Dimension, b.Value = cost.DimCustomer, best[0], cost.DimModel, best[1]
		e.Top = []cost.Contribution{a, b}
	}
	return e
}

func compareExplanations(t *testing.T, got, want cost.Explanation) {
	t.Helper()
	if !near(got.Total, want.Total) || !near(got.Baseline, want.Baseline) || !near(got.Delta, want.Delta) {
		t.Errorf("total %v baseline %v delta %v, want %v %v %v", got.Total, got.Baseline, got.Delta,
			want.Total, want.Baseline, want.Delta)
	}
	if len(got.Contributions) != len(want.Contributions) {
		t.Fatalf("%d contributions, want %d:\n got %+v\nwant %+v", len(got.Contributions), len(want.Contributions),
			got.Contributions, want.Contributions)
	}
	for i, g := range got.Contributions {
		if !sameContribution(g, want.Contributions[i]) {
			t.Errorf("contribution %d = %+v, want %+v", i, g, want.Contributions[i])
		}
	}
	if len(got.Top) != len(want.Top) {
		t.Fatalf("top = %+v, want %+v", got.Top, want.Top)
	}
	for i, g := range got.Top {
		if !sameContribution(g, want.Top[i]) {
			t.Errorf("top %d = %+v, want %+v", i, g, want.Top[i])
		}
	}
}

func sameContribution(a, b cost.Contribution) bool {
	return a.Dimension == b.Dimension && a.Value == b.Value && near(a.Current, b.Current) &&
		near(a.Baseline, b.Baseline) && near(a.Delta, b.Delta) && near(a.Share, b.Share)
}
