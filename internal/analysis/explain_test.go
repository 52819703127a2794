package analysis_test

import (
	"testing"

	"github.com/llmcost/llmcost/internal/analysis"
	"github.com/llmcost/llmcost/internal/cost"
)

func TestExplainSpike(t *testing.T) {
	// Baseline: 30 days of cust_a/gpt-4 at 100 and cust_b/claude at 200 a day.
	// The day: cust_a/gpt-4 at 1,000 and cust_b/claude at 210.
	in := analysis.ExplainInput{
		Range:         cost.DateRange{From: day("2026-11-20"), To: day("2026-11-20")},
		BaselineRange: cost.DateRange{From: day("2026-10-21"), To: day("2026-11-19")},
		Total:         1210,
		BaselineTotal: 9000,
		Breakdowns: []analysis.Breakdown{
			{Dimension: cost.DimCustomer, Current: map[string]float64{"cust_a": 1000, "cust_b": 210},
				Baseline: map[string]float64{"cust_a": 3000, "cust_b": 6000}},
			{Dimension: cost.DimModel, Current: map[string]float64{"gpt-4": 1000, "claude": 210},
				Baseline: map[string]float64{"gpt-4": 3000, "claude": 6000}},
		},
		Combo: &analysis.Combo{Dimensions: [2]cost.Dimension{cost.DimCustomer, cost.DimModel},
			Current:  map[[2]string]float64{{"cust_a", "gpt-4"}: 1000, {"cust_b", "claude"}: 210},
			Baseline: map[[2]string]float64{{"cust_a", "gpt-4"}: 3000, {"cust_b", "claude"}: 6000}},
	}
	e := analysis.Explain(in)
	if !near(e.Baseline, 300) || !near(e.Delta, 910) || !near(e.Ratio, 1210.0/300) {
		t.Errorf("baseline, delta, ratio = %v, %v, %v; want 300, 910, %v", e.Baseline, e.Delta, e.Ratio, 1210.0/300)
	}
	if len(e.Contributions) != 4 {
		t.Fatalf("contributions = %+v, want 4", e.Contributions)
	}
	// Ties on |delta| 900 are broken by dimension name: customer_id before model.
	want := []cost.Contribution{
		{Dimension: cost.DimCustomer, Value: "cust_a", Current: 1000, Baseline: 100, Delta: 900, Share: 900.0 / 910},
		{Dimension: cost.DimModel, Value: "gpt-4", Current: 1000, Baseline: 100, Delta: 900, Share: 900.0 / 910},
		{Dimension: cost.DimModel, Value: "claude", Current: 210, Baseline: 200, Delta: 10, Share: 10.0 / 910},
		{Dimension: cost.DimCustomer, Value: "cust_b", Current: 210, Baseline: 200, Delta: 10, Share: 10.0 / 910},
	}
	// The last two tie on |delta| 10 too, so order them by dimension name as well.
	want[2], want[3] = want[3], want[2]
	for i, w := range want {
		g := e.Contributions[i]
		if g.Dimension != w.Dimension || g.Value != w.Value || !near(g.Current, w.Current) ||
			!near(g.Baseline, w.Baseline) || !near(g.Delta, w.Delta) || !near(g.Share, w.Share) {
			t.Errorf("contribution %d = %+v, want %+v", i, g, w)
		}
	}
	if len(e.Top) != 2 || e.Top[0].Value != "cust_a" || e.Top[1].Value != "gpt-4" || !near(e.Top[0].Share, 900.0/910) {
		t.Errorf("top = %+v, want cust_a × gpt-4 with share 900/910", e.Top)
	}
	wantSummary := "+$910.00 vs the 30-day average of $300.00 (4.0×); 99% from cust_a on gpt-4"
	if e.Summary != wantSummary {
		t.Errorf("summary = %q, want %q", e.Summary, wantSummary)
	}
}

func TestExplainNoDominantCombo(t *testing.T) {
	in := analysis.ExplainInput{
		Range:         cost.DateRange{From: day("2026-11-20"), To: day("2026-11-21")},
		BaselineRange: cost.DateRange{From: day("2026-11-10"), To: day("2026-11-19")},
		Total:         300,
		BaselineTotal: 500, // 50 a day → 100 over two days.
		Breakdowns: []analysis.Breakdown{{Dimension: cost.DimCloudProvider,
			Current:  map[string]float64{"AWS": 180, "GCP": 120},
			Baseline: map[string]float64{"AWS": 250, "GCP": 250}}},
		Combo: &analysis.Combo{Dimensions: [2]cost.Dimension{cost.DimCustomer, cost.DimModel},
			Current:  map[[2]string]float64{{"a", "m1"}: 100, {"b", "m2"}: 100, {"c", "m3"}: 100},
			Baseline: map[[2]string]float64{{"a", "m1"}: 170, {"b", "m2"}: 165, {"c", "m3"}: 165}},
	}
	e := analysis.Explain(in)
	if !near(e.Baseline, 100) || !near(e.Delta, 200) {
		t.Errorf("baseline, delta = %v, %v; want 100, 200", e.Baseline, e.Delta)
	}
	if e.Top != nil {
		t.Errorf("top = %+v, want none (no combination carries half)", e.Top)
	}
	if c := e.Contributions[0]; c.Value != "AWS" || !near(c.Delta, 130) || !near(c.Share, 0.65) {
		t.Errorf("first contribution = %+v, want AWS +130 (65%%)", c)
	}
	want := "+$200.00 vs the 10-day average of $100.00 (3.0×); 65% from provider AWS"
	if e.Summary != want {
		t.Errorf("summary = %q, want %q", e.Summary, want)
	}
}

func TestExplainNoBaseline(t *testing.T) {
	e := analysis.Explain(analysis.ExplainInput{
		Range:         cost.DateRange{From: day("2026-11-20"), To: day("2026-11-20")},
		BaselineRange: cost.DateRange{From: day("2026-10-21"), To: day("2026-11-19")},
		Total:         42,
	})
	if e.Ratio != 0 || e.Delta != 42 {
		t.Errorf("ratio, delta = %v, %v; want 0, 42", e.Ratio, e.Delta)
	}
	if want := "+$42.00 vs no spend in the previous 30 days"; e.Summary != want {
		t.Errorf("summary = %q, want %q", e.Summary, want)
	}
}
