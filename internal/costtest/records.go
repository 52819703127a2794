package costtest

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
)

// lineKey identifies a generated line.
func lineKey(l *cost.LineItem) string {
	return l.Date.Format(cost.DateLayout) + "|" + l.CloudProvider + "|" + l.Model + "|" + l.TokenType + "|" + l.CustomerID
}

func testLines(t *testing.T, s cost.Store) {
	lines := Lines(7)
	MustApply(t, s, BatchOf(lines))
	byKey := map[string]cost.LineItem{}
	for _, l := range lines {
		byKey[lineKey(&l)] = l
	}
	customer := "cust_o'brien"
	from, to := Start.AddDate(0, 0, 2), Start.AddDate(0, 0, 5)
	filters := []struct {
		name string
		f    cost.LineFilter
		keep func(l *cost.LineItem) bool
	}{
		{"All", cost.LineFilter{}, func(*cost.LineItem) bool { return true }},
		{"Range", cost.LineFilter{From: from, To: to}, func(l *cost.LineItem) bool {
			return !l.Date.Before(from) && !l.Date.After(to)
		}},
		{"Customer", cost.LineFilter{CustomerID: &customer}, func(l *cost.LineItem) bool { return l.CustomerID == customer }},
	}
	for _, tt := range filters {
		t.Run(tt.name, func(t *testing.T) {
			var got []cost.LineItem
			if err := s.Lines(context.Background(), tt.f, func(l *cost.LineItem) error {
				got = append(got, *l)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			want := 0
			for _, l := range lines {
				if tt.keep(&l) {
					want++
				}
			}
			if len(got) != want {
				t.Fatalf("%d lines, want %d", len(got), want)
			}
			for i, l := range got {
				if w, ok := byKey[lineKey(&l)]; !ok || !reflect.DeepEqual(l, w) {
					t.Fatalf("line %d = %+v, want %+v", i, l, w)
				}
				if i > 0 && (l.Date.Before(got[i-1].Date) ||
					l.Date.Equal(got[i-1].Date) && l.CloudProvider < got[i-1].CloudProvider) {
					t.Fatalf("line %d out of date/provider order", i)
				}
			}
		})
	}
	t.Run("StopsOnError", func(t *testing.T) {
		stop := cost.Errorf(cost.CodeInvalid, "stop")
		n := 0
		err := s.Lines(context.Background(), cost.LineFilter{}, func(*cost.LineItem) error { n++; return stop })
		if err != stop || n != 1 {
			t.Errorf("err=%v after %d lines, want the callback's error after 1", err, n)
		}
	})
}

func testLatestData(t *testing.T, s cost.Store) {
	ctx := context.Background()
	if got, err := s.LatestData(ctx); err != nil || len(got) != 0 {
		t.Fatalf("empty store: %v, %v", got, err)
	}
	lines := Lines(8)
	MustApply(t, s, BatchOf(lines))
	// Derived lines (here later, and for another provider) do not count.
	later := Start.AddDate(0, 0, Days+5)
	MustApply(t, s, BatchOf([]cost.LineItem{
		{Date: later, CloudProvider: "AWS", CostUSD: 1, CostSource: cost.SourceAllocation, Source: "allocation", SourcePartition: "m"},
		{Date: later, CloudProvider: "OpenAI", CostUSD: -1, CostSource: cost.SourceSupersededEstimate, Source: "allocation", SourcePartition: "m"},
	}))
	got, err := s.LatestData(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var providers []string
	for _, f := range got {
		providers = append(providers, f.CloudProvider)
		if want := Start.AddDate(0, 0, Days-1); !f.LatestDate.Equal(want) {
			t.Errorf("%s latest=%v, want %v", f.CloudProvider, f.LatestDate, want)
		}
		if f.IngestedAt.IsZero() {
			t.Errorf("%s has no ingestion time", f.CloudProvider)
		}
	}
	if want := []string{"AWS", "Azure", "GCP"}; !slices.Equal(providers, want) {
		t.Errorf("providers=%v, want %v", providers, want)
	}
}

func testBudgets(t *testing.T, s cost.MetaStore) {
	ctx := context.Background()
	if _, err := s.Budget(ctx, "cust_a"); cost.ErrorCode(err) != cost.CodeNotFound {
		t.Fatalf("Budget of unknown: err=%v, want not_found", err)
	}
	if err := s.DeleteBudget(ctx, "cust_a"); cost.ErrorCode(err) != cost.CodeNotFound {
		t.Fatalf("DeleteBudget of unknown: err=%v, want not_found", err)
	}
	if err := s.SetBudget(ctx, cost.Budget{CustomerID: "cust_a", MonthlyUSD: -1}); cost.ErrorCode(err) != cost.CodeInvalid {
		t.Fatalf("negative budget: err=%v, want invalid", err)
	}
	for _, b := range []cost.Budget{{CustomerID: "cust_b", MonthlyUSD: 200}, {MonthlyUSD: 10000}, {CustomerID: "cust_a", MonthlyUSD: 100}, {CustomerID: "cust_a", MonthlyUSD: 150}} {
		if err := s.SetBudget(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	b, err := s.Budget(ctx, "cust_a")
	if err != nil {
		t.Fatal(err)
	}
	if b.MonthlyUSD != 150 || b.CustomerID != "cust_a" || b.UpdatedAt.IsZero() {
		t.Errorf("Budget=%+v, want cust_a at 150 with a time", *b)
	}
	if err := s.DeleteBudget(ctx, "cust_b"); err != nil {
		t.Fatal(err)
	}
	all, err := s.Budgets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []cost.Budget
	for _, b := range all {
		got = append(got, cost.Budget{CustomerID: b.CustomerID, MonthlyUSD: b.MonthlyUSD})
	}
	if want := []cost.Budget{{MonthlyUSD: 10000}, {CustomerID: "cust_a", MonthlyUSD: 150}}; !reflect.DeepEqual(got, want) {
		t.Errorf("Budgets=%v, want %v", got, want)
	}
}

func testSettings(t *testing.T, s cost.MetaStore) {
	ctx := context.Background()
	if _, err := s.Setting(ctx, "theme"); cost.ErrorCode(err) != cost.CodeNotFound {
		t.Fatalf("unset setting: err=%v, want not_found", err)
	}
	for _, v := range []string{"dark", "light'); DROP TABLE settings; --"} {
		if err := s.SetSetting(ctx, "theme", v); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Setting(ctx, "theme"); err != nil || got != v {
			t.Errorf("Setting=%q, %v; want %q", got, err, v)
		}
	}
}

func testAlertRules(t *testing.T, s cost.MetaStore) {
	ctx := context.Background()
	org := &cost.AlertRule{Name: "Daily spend", Kind: "threshold", Window: "day", Threshold: 500,
		Filters:  []cost.Filter{{Dimension: cost.DimCloudProvider, Op: cost.OpIn, Values: []string{"AWS"}}},
		Channels: []string{"slack"}, Enabled: true}
	mine := &cost.AlertRule{Name: "My budget", Kind: "budget", CustomerID: "cust_a", Threshold: 80, Enabled: true}
	for _, r := range []*cost.AlertRule{org, mine} {
		if err := s.SaveAlertRule(ctx, r); err != nil {
			t.Fatal(err)
		}
		if r.ID == "" || r.CreatedAt.IsZero() || r.UpdatedAt.IsZero() {
			t.Fatalf("saved rule %+v lacks id or timestamps", *r)
		}
	}
	if org.ID == mine.ID {
		t.Fatalf("two rules share id %q", org.ID)
	}
	org.Threshold, org.Enabled = 750, false
	if err := s.SaveAlertRule(ctx, org); err != nil {
		t.Fatal(err)
	}
	all, err := s.AlertRules(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 {
		t.Fatalf("%d rules, want 2", len(all))
	}
	for _, r := range all {
		if r.ID == org.ID && (r.Threshold != 750 || r.Enabled || len(r.Filters) != 1 || r.Filters[0].Values[0] != "AWS") {
			t.Errorf("updated rule = %+v", r)
		}
	}
	cust, err := s.AlertRules(ctx, "cust_a")
	if err != nil {
		t.Fatal(err)
	}
	if len(cust) != 1 || cust[0].ID != mine.ID || cust[0].Name != "My budget" {
		t.Errorf("cust_a rules = %+v, want only %q", cust, mine.ID)
	}
	if err := s.DeleteAlertRule(ctx, mine.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteAlertRule(ctx, mine.ID); cost.ErrorCode(err) != cost.CodeNotFound {
		t.Errorf("second delete: err=%v, want not_found", err)
	}
	if cust, _ := s.AlertRules(ctx, "cust_a"); len(cust) != 0 {
		t.Errorf("deleted rule still listed: %+v", cust)
	}
}

func testCustomers(t *testing.T, s cost.MetaStore) {
	ctx := context.Background()
	if got, err := s.Customers(ctx); err != nil || len(got) != 0 {
		t.Fatalf("empty store: %v, %v", got, err)
	}
	for _, c := range []cost.Customer{{ID: "cust_b", Name: "Beta"}, {ID: "cust_a", Name: "Acme"}, {ID: "cust_b", Name: "Beta Corp"}} {
		if err := s.SetCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Customers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []cost.Customer{{ID: "cust_a", Name: "Acme"}, {ID: "cust_b", Name: "Beta Corp"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("Customers=%v, want %v", got, want)
	}
}
