package demo_test

import (
	"bytes"
	"math"
	"reflect"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/demo"
)

// end is "today" in the tests: a Sunday, late in a 30-day month.
var end = time.Date(2026, 11, 29, 13, 45, 0, 0, time.UTC)

// shared is the dataset most tests read; none of them modifies it.
var shared = sync.OnceValue(func() *demo.Dataset { return demo.Generate(demo.Options{Seed: 42, End: end}) })

func generate(t *testing.T) *demo.Dataset {
	t.Helper()
	return shared()
}

func TestGenerateDeterministic(t *testing.T) {
	t.Parallel()
	a := demo.Generate(demo.Options{Seed: 7, End: end})
	b := demo.Generate(demo.Options{Seed: 7, End: end.Add(5 * time.Hour)}) // Same UTC day.
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two datasets from the same seed and day differ")
	}
	for _, f := range demo.Formats {
		var wa, wb bytes.Buffer
		if err := demo.WriteFile(&wa, f, a); err != nil {
			t.Fatal(err)
		}
		if err := demo.WriteFile(&wb, f, b); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(wa.Bytes(), wb.Bytes()) {
			t.Errorf("%s files from the same seed differ", f)
		}
	}
	c := demo.Generate(demo.Options{Seed: 8, End: end})
	if reflect.DeepEqual(a.Lines, c.Lines) {
		t.Error("seeds 7 and 8 gave the same lines")
	}
}

func TestGenerateDefaults(t *testing.T) {
	t.Parallel()
	d := demo.Generate(demo.Options{Seed: 42, End: end})
	explicit := demo.Generate(demo.Options{Seed: 42, End: end, Days: 180, Customers: 24})
	if !reflect.DeepEqual(d, explicit) {
		t.Error("zero Days/Customers do not mean 180 days and 24 customers")
	}
	wantFrom, wantTo := time.Date(2026, 6, 2, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	if r := d.Range(); !r.From.Equal(wantFrom) || !r.To.Equal(wantTo) {
		t.Errorf("Range() = %v, want 2026-06-02..2026-11-28", r)
	}
	days := map[time.Time]bool{}
	for _, l := range d.Lines {
		days[l.Date] = true
	}
	if len(days) != 180 {
		t.Errorf("lines cover %d days, want 180", len(days))
	}
	if n := len(d.Lines); n < 10_000 || n > 150_000 {
		t.Errorf("%d lines, want between 10k and 150k", n)
	}
	if len(d.Customers) != 24 || d.Customers[0] != (cost.Customer{ID: "cust_acme", Name: "Acme Inc"}) {
		t.Errorf("customers = %d starting %v, want 24 starting with cust_acme/Acme Inc", len(d.Customers), d.Customers[0])
	}
}

func TestGenerateCoverage(t *testing.T) {
	t.Parallel()
	d := generate(t)
	providers, modelSet, customers, tokenTypes := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	var unattributed, total float64
	var hours int
	for _, l := range d.Lines {
		providers[l.CloudProvider+"/"+l.Service] = true
		modelSet[l.Model] = true
		tokenTypes[l.TokenType] = true
		total += l.CostUSD
		if l.CustomerID == "" {
			unattributed += l.CostUSD
		} else {
			customers[l.CustomerID] = true
		}
		if l.TokenType == "" && l.UsageUnit == "hours" {
			hours++
		}
	}
	want := []string{"AWS/Amazon Bedrock", "Azure/Azure OpenAI", "GCP/Vertex AI"}
	if got := sortedKeys(providers); !slices.Equal(got, want) {
		t.Errorf("providers = %v, want %v", got, want)
	}
	if len(modelSet) < 8 {
		t.Errorf("%d models, want at least 8", len(modelSet))
	}
	if len(customers) < 20 {
		t.Errorf("%d attributed customers, want at least 20", len(customers))
	}
	if got := sortedKeys(tokenTypes); !slices.Equal(got, []string{"", "cache_read", "cache_write", "input", "output", "reasoning"}) {
		t.Errorf("token types = %q", got)
	}
	if share := unattributed / total; share <= 0 || share > 0.3 {
		t.Errorf("unattributed share = %.3f, want in (0, 0.3]", share)
	}
	if hours == 0 {
		t.Error("no non-token lines billed in hours")
	}
}

// TestGenerateLines checks every line's fields against the dataset's contract.
func TestGenerateLines(t *testing.T) {
	t.Parallel()
	d := generate(t)
	monthStart := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i, l := range d.Lines {
		wantStatus := cost.StatusFinal
		if !l.Date.Before(monthStart) {
			wantStatus = cost.StatusProvisional
		}
		wantPartition := map[string]string{"AWS": "aws/", "Azure": "azure/", "GCP": "gcp/"}[l.CloudProvider] + l.Date.Format("2006-01")
		switch {
		case l.DataStatus != wantStatus:
			t.Fatalf("line %d: data_status %q, want %q", i, l.DataStatus, wantStatus)
		case l.Source != "demo" || l.SourcePartition != wantPartition:
			t.Fatalf("line %d: source %q/%q, want demo/%s", i, l.Source, l.SourcePartition, wantPartition)
		case l.ModelFamily != cost.ModelFamily(l.Model) || l.ModelFamily == "other":
			t.Fatalf("line %d: model_family %q for %q", i, l.ModelFamily, l.Model)
		case l.AccountID == "" || l.Project == "" || l.Region == "":
			t.Fatalf("line %d: account/project/region missing: %+v", i, l)
		case l.CostUSD <= 0 || l.UsageAmount <= 0 || l.UsageAmount != math.Trunc(l.UsageAmount):
			t.Fatalf("line %d: cost %v usage %v", i, l.CostUSD, l.UsageAmount)
		case l.TokenType == cost.TokenInput && l.Requests <= 0:
			t.Fatalf("line %d: input line with %d requests", i, l.Requests)
		case l.IsTokenLine() && l.UsageUnit != "tokens":
			t.Fatalf("line %d: token line in %q", i, l.UsageUnit)
		case !d.Range().Contains(l.Date):
			t.Fatalf("line %d: date %v outside %v", i, l.Date, d.Range())
		case l.CostSource != cost.SourceBillingExport:
			t.Fatalf("line %d: cost_source %q, want billing_export: Lines are the bills", i, l.CostSource)
		}
	}
}

// TestGeneratePrices checks that every token line costs its tokens times the
// model's per-token price.
func TestGeneratePrices(t *testing.T) {
	t.Parallel()
	tests := []struct {
		model, tokenType string
		usdPerMillion    float64
	}{
		{"gpt-4o", "input", 2.50},
		{"gpt-4o", "output", 10},
		{"gpt-4", "input", 30},
		{"gpt-4o-mini", "output", 0.60},
		{"claude-3-5-sonnet", "input", 3},
		{"claude-3-5-sonnet", "output", 15},
		{"claude-3-5-sonnet", "cache_read", 0.30},
		{"claude-3-5-sonnet", "cache_write", 3.75},
		{"claude-3-haiku", "input", 0.25},
		{"gemini-2.5-pro", "reasoning", 10},
		{"gemini-2.5-flash", "cache_read", 0.075},
		{"llama-3.1-70b", "output", 0.72},
		{"mistral-large", "output", 6},
	}
	d := generate(t)
	for _, tt := range tests {
		n := 0
		for _, l := range d.Lines {
			if l.Model != tt.model || l.TokenType != tt.tokenType {
				continue
			}
			n++
			if want := l.UsageAmount * tt.usdPerMillion / 1e6; math.Abs(l.CostUSD-want) > 1e-9*want {
				t.Fatalf("%s %s on %v: cost %v for %v tokens, want %v", tt.model, tt.tokenType, l.Date, l.CostUSD, l.UsageAmount, want)
			}
		}
		if n == 0 {
			t.Errorf("no %s %s lines", tt.model, tt.tokenType)
		}
	}
}

func TestGenerateSeasonality(t *testing.T) {
	t.Parallel()
	d := generate(t)
	totals := dailyTotals(d.Lines)
	var weekend, weekday []float64
	for day, v := range totals {
		if day.Equal(d.SpikeDate) {
			continue
		}
		if day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
			weekend = append(weekend, v)
		} else {
			weekday = append(weekday, v)
		}
	}
	if we, wd := mean(weekend), mean(weekday); we >= 0.8*wd {
		t.Errorf("weekend mean %.0f, weekday mean %.0f: want weekends clearly lower", we, wd)
	}
}

func TestGenerateSpike(t *testing.T) {
	t.Parallel()
	d := generate(t)
	if want := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC); !d.SpikeDate.Equal(want) {
		t.Errorf("SpikeDate = %v, want %v", d.SpikeDate, want)
	}
	if d.SpikeCustomer != "cust_hooli" || d.SpikeModel != "gpt-4" {
		t.Errorf("spike = %s on %s, want cust_hooli on gpt-4", d.SpikeCustomer, d.SpikeModel)
	}
	totals := dailyTotals(d.Lines)
	var all []float64
	for _, v := range totals {
		all = append(all, v)
	}
	if got, med := totals[d.SpikeDate], median(all); got < 2.5*med {
		t.Errorf("spike day total %.0f, median day %.0f: want at least 2.5×", got, med)
	}
	// The spike customer's use of the spike model is most of the day's excess.
	var spike []float64
	for _, l := range d.Lines {
		if l.CustomerID == d.SpikeCustomer && l.Model == d.SpikeModel && l.Date.Equal(d.SpikeDate) {
			spike = append(spike, l.CostUSD)
		}
	}
	excess := totals[d.SpikeDate] - median(all)
	if s := sum(spike); s < 0.8*excess {
		t.Errorf("%s on %s cost %.0f on the spike day, want most of the excess %.0f", d.SpikeCustomer, d.SpikeModel, s, excess)
	}
}

func TestGenerateDrift(t *testing.T) {
	t.Parallel()
	d := generate(t)
	if d.DriftCustomer != "cust_initech" {
		t.Fatalf("DriftCustomer = %q", d.DriftCustomer)
	}
	last := d.Range().To
	week := func(endDay time.Time) float64 { // The customer's cost over the 7 days ending endDay.
		var s float64
		for _, l := range d.Lines {
			if l.CustomerID == d.DriftCustomer && !l.Date.After(endDay) && endDay.Sub(l.Date) < 7*24*time.Hour {
				s += l.CostUSD
			}
		}
		return s
	}
	// 2% a day compounds to about 1.02^27 ≈ 1.7 between these two weeks.
	if before, after := week(last.AddDate(0, 0, -30)), week(last); after < 1.45*before {
		t.Errorf("drift customer's last week %.0f vs the week before the drift %.0f: want ≥ 1.45×", after, before)
	}
}

func TestGenerateBudgets(t *testing.T) {
	t.Parallel()
	d := generate(t)
	monthStart := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	mtd := map[string]float64{}
	var last90 float64
	for _, l := range d.Lines {
		if !l.Date.Before(monthStart) {
			mtd[l.CustomerID] += l.CostUSD
		}
		if !l.Date.Before(end.AddDate(0, 0, -90).Truncate(24 * time.Hour)) {
			last90 += l.CostUSD
		}
	}
	if len(d.Budgets) < 9 || d.Budgets[0].CustomerID != "" {
		t.Fatalf("budgets = %v, want the organisation's first and at least 8 customers'", d.Budgets)
	}
	if got, typical := d.Budgets[0].MonthlyUSD, last90/3; got < 1.0*typical || got > 1.2*typical {
		t.Errorf("organisation budget %.0f, typical month %.0f: want about 1.1×", got, typical)
	}
	var over []string
	for _, b := range d.Budgets[1:] {
		if b.MonthlyUSD <= 0 {
			t.Errorf("budget %s = %v", b.CustomerID, b.MonthlyUSD)
		}
		if mtd[b.CustomerID] > b.MonthlyUSD {
			over = append(over, b.CustomerID)
		}
	}
	if want := []string{"cust_hooli", "cust_initech"}; !slices.Equal(over, want) || !slices.Equal(d.OverBudget, want) {
		t.Errorf("over budget = %v (OverBudget %v), want %v", over, d.OverBudget, want)
	}
}

func TestGenerateSmall(t *testing.T) {
	t.Parallel()
	d := demo.Generate(demo.Options{Seed: 1, End: end, Days: 5, Customers: 1})
	if got := d.Range().Days(); got != demo.MinDays {
		t.Errorf("Days 5 gave %d days, want the minimum %d", got, demo.MinDays)
	}
	if len(d.Customers) != demo.MinCustomers {
		t.Errorf("Customers 1 gave %d, want the minimum %d", len(d.Customers), demo.MinCustomers)
	}
	totals := dailyTotals(d.Lines)
	var all []float64
	for _, v := range totals {
		all = append(all, v)
	}
	if totals[d.SpikeDate] < 2.5*median(all) {
		t.Error("no spike in a small dataset")
	}
}

func dailyTotals(ls []cost.LineItem) map[time.Time]float64 {
	m := map[time.Time]float64{}
	for _, l := range ls {
		m[l.Date] += l.CostUSD
	}
	return m
}

func sortedKeys(m map[string]bool) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func sum(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s
}

func mean(xs []float64) float64 { return sum(xs) / float64(len(xs)) }

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// TestBudgetsPlausibleEarlyInMonth: on the 3rd of a month every budget is still
// a month of the customer's run rate, not a fraction of two days' spend.
func TestBudgetsPlausibleEarlyInMonth(t *testing.T) {
	t.Parallel()
	early := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	d := demo.Generate(demo.Options{Seed: 1, End: early})
	last30 := map[string]float64{}
	for _, l := range d.Lines {
		if !l.Date.Before(early.AddDate(0, 0, -30).Truncate(24 * time.Hour)) {
			last30[l.CustomerID] += l.CostUSD
		}
	}
	for _, b := range d.Budgets[1:] {
		runRate := last30[b.CustomerID] / 30 * 31
		if b.MonthlyUSD < 0.8*runRate || b.MonthlyUSD > 2*runRate {
			t.Errorf("budget %s = %.0f, run rate %.0f a month: want 0.8× to 2×", b.CustomerID, b.MonthlyUSD, runRate)
		}
	}
	if len(d.OverBudget) != 0 {
		t.Errorf("over budget on the 3rd: %v, want none", d.OverBudget)
	}
}
