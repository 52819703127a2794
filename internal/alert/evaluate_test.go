package alert_test

import (
	"strings"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/alert"
	"github.com/llmcost/llmcost/internal/cost"
)

func day(s string) time.Time { d, _ := cost.ParseDate(s); return d }

func TestThreshold(t *testing.T) {
	rg := cost.DateRange{From: day("2026-11-27"), To: day("2026-11-27")}
	r := cost.AlertRule{Kind: cost.AlertThreshold, Window: cost.AlertWindowDay, Threshold: 1000}
	tests := []struct {
		value float64
		fire  bool
	}{{999.99, false}, {1000, false}, {1000.01, true}, {0, false}}
	for _, tt := range tests {
		got := alert.Threshold(r, tt.value, rg)
		if (len(got) == 1) != tt.fire {
			t.Errorf("Threshold(%v) = %+v, want firing %v", tt.value, got, tt.fire)
		}
	}
	got := alert.Threshold(r, 1186.52, rg)
	want := "Daily spend $1,186.52 on 2026-11-27 is over the $1,000.00 threshold"
	if got[0].Message != want || got[0].Key != "" {
		t.Errorf("message = %q, key %q; want %q", got[0].Message, got[0].Key, want)
	}
}

func TestBudget(t *testing.T) {
	st := cost.BudgetStatus{CustomerID: "cust_a", Month: "2026-11", HasBudget: true, Budget: 1000,
		Spent: 800, PercentUsed: 80, Projected: 1150, DaysRemaining: 3}
	tests := []struct {
		name      string
		window    string
		threshold float64
		st        cost.BudgetStatus
		want      float64 // -1 = no sample
	}{
		{"at 80% fires", cost.AlertWindowMonthToDate, 80, st, 80},
		{"below 90% quiet", cost.AlertWindowMonthToDate, 90, st, -1},
		{"forecast 115% over 100%", cost.AlertWindowForecast, 100, st, 115},
		{"forecast below 120%", cost.AlertWindowForecast, 120, st, -1},
		{"no budget", cost.AlertWindowMonthToDate, 1, cost.BudgetStatus{Spent: 5}, -1},
	}
	for _, tt := range tests {
		r := cost.AlertRule{Kind: cost.AlertBudget, Window: tt.window, Threshold: tt.threshold}
		got := alert.Budget(r, tt.st)
		if tt.want < 0 {
			if len(got) != 0 {
				t.Errorf("%s: got %+v, want none", tt.name, got)
			}
			continue
		}
		if len(got) != 1 || got[0].Value != tt.want {
			t.Errorf("%s: got %+v, want value %v", tt.name, got, tt.want)
		}
	}
	msg := alert.Budget(cost.AlertRule{Threshold: 80}, st)[0].Message
	if want := "cust_a has used 80% of its $1,000.00 monthly budget: $800.00 spent in 2026-11, with 3 days left"; msg != want {
		t.Errorf("message = %q, want %q", msg, want)
	}
}

func TestAnomalies(t *testing.T) {
	d := day("2026-11-27")
	rep := &cost.AnomalyReport{Anomalies: []cost.Anomaly{
		{Date: d, Key: "cust_a", Value: 300, Expected: 100, Upper: 150, Score: 4, Direction: "high", Detector: cost.DetectorRolling},
		{Date: d, Key: "cust_a", Value: 300, Expected: 120, Upper: 160, Score: 6, Direction: "high", Detector: cost.DetectorWeekday},
		{Date: d, Key: "cust_b", Value: 10, Expected: 100, Score: 5, Direction: "low"},
		{Date: d.AddDate(0, 0, -1), Key: "cust_c", Value: 900, Expected: 100, Score: 9, Direction: "high"},
	}}
	r := cost.AlertRule{Kind: cost.AlertAnomaly, GroupBy: "customer_id"}
	got := alert.Anomalies(r, rep, d)
	if len(got) != 1 || got[0].Key != "customer_id=cust_a" {
		t.Fatalf("got %+v, want only cust_a", got)
	}
	// The weekday detector scores higher, so its expectation is quoted.
	want := "Daily spend for cust_a $300.00 on 2026-11-27 is unusually high, 2.5× the expected $120.00 (upper band $160.00)"
	if got[0].Message != want {
		t.Errorf("message = %q, want %q", got[0].Message, want)
	}
}

func TestUnpricedAndFreshness(t *testing.T) {
	rg := cost.DateRange{From: day("2026-11-27"), To: day("2026-11-27")}
	got := alert.Unpriced(cost.AlertRule{}, map[string]float64{"new-model": 1234567, "gpt-4": 0}, rg)
	if len(got) != 1 || got[0].Key != "model=new-model" || !strings.HasPrefix(got[0].Message, "1,234,567 unpriced tokens of model new-model") {
		t.Errorf("unpriced = %+v", got)
	}
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	fs := []cost.Freshness{
		{CloudProvider: "aws", LatestDate: day("2026-11-26"), IngestedAt: now.Add(-48 * time.Hour)},
		{CloudProvider: "gcp", LatestDate: day("2026-11-27"), IngestedAt: now.Add(-24 * time.Hour)},
		{CloudProvider: "azure", LatestDate: day("2026-11-27"), IngestedAt: now.Add(-23*time.Hour - 59*time.Minute)},
	}
	r := cost.AlertRule{Kind: cost.AlertFreshness, Threshold: 24}
	var keys []string
	for _, s := range alert.Freshness(r, fs, now) {
		keys = append(keys, s.Key)
	}
	if strings.Join(keys, " ") != "cloud_provider=aws cloud_provider=gcp" {
		t.Errorf("stale = %v, want aws and gcp (24h is the edge)", keys)
	}
	r.Filters = []cost.Filter{{Dimension: cost.DimCloudProvider, Op: cost.OpEq, Values: []string{"gcp"}}}
	if got := alert.Freshness(r, fs, now); len(got) != 1 || got[0].Value != 24 {
		t.Errorf("filtered = %+v, want gcp at 24 hours", got)
	}
}

func TestDriver(t *testing.T) {
	x := &cost.Explanation{Total: 1186.52, Baseline: 409.15, Delta: 777.37,
		BaselineRange: cost.DateRange{From: day("2026-10-28"), To: day("2026-11-26")},
		Top:           []cost.Contribution{{Dimension: cost.DimCustomer, Value: "cust_hooli", Share: 0.77}, {Dimension: cost.DimModel, Value: "gpt-4", Share: 0.77}}}
	if got, want := alert.Driver(x, true), ", 2.9× the 30-day average; 77% from cust_hooli on gpt-4"; got != want {
		t.Errorf("Driver = %q, want %q", got, want)
	}
	x.Top = nil
	x.Contributions = []cost.Contribution{{Dimension: cost.DimModel, Value: "gpt-4", Share: 0.6}}
	if got, want := alert.Driver(x, false), "; 60% from model gpt-4"; got != want {
		t.Errorf("Driver = %q, want %q", got, want)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name  string
		rule  cost.AlertRule
		field string // "" = valid
	}{
		{"threshold ok", cost.AlertRule{Name: "n", Kind: "threshold", Threshold: 10}, ""},
		{"threshold needs amount", cost.AlertRule{Name: "n", Kind: "threshold"}, "threshold"},
		{"bad window", cost.AlertRule{Name: "n", Kind: "threshold", Threshold: 1, Window: "year"}, "window"},
		{"budget defaults to 100%", cost.AlertRule{Name: "n", Kind: "budget"}, ""},
		{"budget forecast", cost.AlertRule{Name: "n", Kind: "budget", Window: "forecast", Threshold: 100}, ""},
		{"unknown kind", cost.AlertRule{Name: "n", Kind: "magic"}, "kind"},
		{"no name", cost.AlertRule{Kind: "anomaly"}, "name"},
		{"anomaly group", cost.AlertRule{Name: "n", Kind: "anomaly", GroupBy: "region"}, "group_by"},
		{"bad for", cost.AlertRule{Name: "n", Kind: "anomaly", For: "soon"}, "for"},
		{"customer freshness", cost.AlertRule{Name: "n", Kind: "freshness", Threshold: 24, CustomerID: "c"}, "customer_id"},
		{"bad filter", cost.AlertRule{Name: "n", Kind: "anomaly", Filters: []cost.Filter{{Dimension: "nope", Op: "eq", Values: []string{"x"}}}}, "filters[0]"},
	}
	for _, tt := range tests {
		err := alert.Validate(&tt.rule)
		if got := cost.ErrorField(err); got != tt.field || (tt.field == "") != (err == nil) {
			t.Errorf("%s: error %v (field %q), want field %q", tt.name, err, got, tt.field)
		}
	}
}
