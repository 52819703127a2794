package ingest_test

import (
	"context"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/llmcost/llmcost/internal/billing"
	"github.com/llmcost/llmcost/internal/pricing"
)

// eaCAD is the shared Azure EA sample billed in CAD without a CostInUsd column;
// its costs add up to CAD 1.26136926505726 (summed with a separate CSV tool).
const (
	eaCAD      = "../../../shared/data/focus-converters-fixtures/sample-anonymous-ea-export-dataset.csv"
	eaCADTotal = 1.26136926505726
)

// Costs a file gives only in its billing currency are converted at the
// configured rate of their month; without a rate they stay at 0, with a warning.
func TestIngestConvertsWithExchangeRates(t *testing.T) {
	tests := []struct {
		name    string
		rates   string
		wantUSD float64
		warning string
	}{
		{"MonthRate", "currency,usd_per_unit,month\nCAD,0.74,2023-09\nCAD,0.5,\n", eaCADTotal * 0.74, ""},
		{"EveryMonthRate", "currency,usd_per_unit\nCAD,0.5\n", eaCADTotal * 0.5, ""},
		{"OtherMonthOnly", "currency,usd_per_unit,month\nCAD,0.74,2023-10\n", 0, "no CAD rate for 2023-09"},
		{"NoRates", "", 0, "no CAD rate for 2023-09"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, db := newIngester(t)
			if tt.rates != "" {
				rs, err := pricing.ReadRates("fx.csv", strings.NewReader(tt.rates))
				if err != nil {
					t.Fatal(err)
				}
				in.Rates = rs
			}
			f, err := os.Open(eaCAD)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			sum, err := in.Ingest(context.Background(), "azure-cost", "ea.csv", f)
			if err != nil {
				t.Fatal(err)
			}
			var usd, billed float64
			if err := db.SQL().QueryRow("SELECT sum(cost_usd), sum(cost) FROM cost_lines").Scan(&usd, &billed); err != nil {
				t.Fatal(err)
			}
			if math.Abs(usd-tt.wantUSD) > 1e-9 || math.Abs(billed-eaCADTotal) > 1e-9 || math.Abs(sum.CostUSD-tt.wantUSD) > 1e-9 {
				t.Errorf("cost_usd %v (summary %v), cost %v; want %v and %v", usd, sum.CostUSD, billed, tt.wantUSD, eaCADTotal)
			}
			warned := strings.Join(sum.Warnings, "\n")
			if tt.warning == "" && warned != "" || tt.warning != "" && !strings.Contains(warned, tt.warning) {
				t.Errorf("warnings %q, want %q", warned, tt.warning)
			}
		})
	}
}

// A line whose file gives its USD figure keeps it; a rate converts only the
// line without one.
func TestIngestRatesKeepFileUSD(t *testing.T) {
	in, db := newIngester(t)
	rs, err := pricing.ReadRates("fx.csv", strings.NewReader("currency,usd_per_unit\nEUR,1.1\n"))
	if err != nil {
		t.Fatal(err)
	}
	in.Rates = rs
	f, err := os.Open(billingTestdata + "focus_eur.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := in.Ingest(context.Background(), "focus", "focus_eur.csv", f); err != nil {
		t.Fatal(err)
	}
	// EUR 10 with x_BilledCostInUsd 11.5 keeps 11.5; EUR 20 without becomes 20 × 1.1.
	assertTotals(t, totals(t, db, "cost::VARCHAR", ""), map[string]float64{"10.0": 11.5, "20.0": 22})
}

// A FOCUS line that no tag attributes takes the mapping file's customer rule
// for its account: here the Azure subscription of focus_eur.csv's billing
// account "acct" (no SubAccountId, so the account is the billing account).
func TestIngestFOCUSMappingCustomers(t *testing.T) {
	in, db := newIngester(t)
	m, err := billing.ParseMapping("mapping.json", strings.NewReader(
		`{"customers": [{"kind": "subscription", "value": "acct", "customer": "contoso"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	in.Mapping = m
	f, err := os.Open(billingTestdata + "focus_eur.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := in.Ingest(context.Background(), "focus", "focus_eur.csv", f); err != nil {
		t.Fatal(err)
	}
	// Both lines: EUR 10 with 11.5 USD, EUR 20 without a USD figure (0).
	assertTotals(t, totals(t, db, "customer_id", ""), map[string]float64{"contoso": 11.5})
}
