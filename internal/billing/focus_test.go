package billing_test

import (
	"encoding/csv"
	"errors"
	"math"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/llmcost/llmcost/internal/billing"
	"github.com/llmcost/llmcost/internal/cost"
)

const focusSample = "../../../shared/data/focus-sample-data/focus_sample.csv"

// sampleTotals sums BilledCost by normalised provider and charge day straight
// from the CSV, independently of the reader under test.
func sampleTotals(t *testing.T, path string) (map[string]float64, int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	names := map[string]string{"AWS": "AWS", "Microsoft": "Azure", "Oracle": "Oracle"}
	totals := map[string]float64{}
	for _, r := range recs[1:] {
		c, err := strconv.ParseFloat(r[col["BilledCost"]], 64)
		if err != nil {
			t.Fatal(err)
		}
		totals[names[r[col["ProviderName"]]]+" "+r[col["ChargePeriodStart"]][:10]] += c
	}
	return totals, len(recs) - 1
}

func TestReadFOCUSSample(t *testing.T) {
	want, rows := sampleTotals(t, focusSample)
	f, err := os.Open(focusSample)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var warnings []string
	lines := collect(t, func(fn billing.LineFunc) error {
		return billing.ReadFOCUS("focus_sample.csv", f, fn, func(m string) { warnings = append(warnings, m) })
	})
	if len(lines) != rows {
		t.Fatalf("lines = %d, want %d", len(lines), rows)
	}
	got := map[string]float64{}
	partitions := map[string]int{}
	negative := 0
	for _, l := range lines {
		got[l.CloudProvider+" "+l.Date.Format(cost.DateLayout)] += l.CostUSD
		partitions[l.SourcePartition]++
		if l.UsageAmount < 0 {
			negative++
		}
		if l.TokenType != "" {
			t.Errorf("line %+v taken as a token line", l)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d provider-days, want %d", len(got), len(want))
	}
	for k, w := range want {
		if math.Abs(got[k]-w) > 1e-9 {
			t.Errorf("%s: cost %.11f, want %.11f", k, got[k], w)
		}
	}
	wantParts := map[string]int{
		"AWS/1234567890123/2024-09": 942,
		// Microsoft lines are partitioned per subscription (SubAccountId) too.
		"Azure//providers/Microsoft.Billing/billingAccounts/8611537//subscriptions/64e355d7-997c-491d-b0c1-8414dccfcf42/2024-09": 45,
		"Azure//providers/Microsoft.Billing/billingAccounts/8611537//subscriptions/ed570627-0265-4620-bb42-bae06bcfa914/2024-09": 2,
		"Azure//providers/Microsoft.Billing/billingAccounts/8611537//subscriptions/73c0021f-a37d-433f-8baa-7450cb54eea6/2024-09": 2,
		"Azure//providers/Microsoft.Billing/billingAccounts/8611537//subscriptions/9ec51cfd-5ca7-4d76-8101-dd0a4abc5674/2024-09": 2,
		"Oracle/20209880/2024-09": 6, "Oracle/20209880/2024-10": 1,
	}
	if !reflect.DeepEqual(partitions, wantParts) {
		t.Errorf("partitions = %v, want %v", partitions, wantParts)
	}
	if negative == 0 {
		t.Error("negative usage rows were lost")
	}
	if len(warnings) != 0 {
		t.Errorf("warnings = %v", warnings)
	}
	l := lines[1] // The second data row: tags and a NULL region-free line.
	if l.Tags["application"] != "BrightLensMatrix" || l.Service != "Elastic Load Balancing" ||
		l.AccountID != "43883916739" || l.Region != "us-west-2" || l.UsageUnit != "LCU-Hours" ||
		l.ChargePeriodStart.Format("2006-01-02 15:04") != "2024-09-30 22:00" || l.Source != "focus" {
		t.Errorf("second line mapped as %+v", l)
	}
}

func TestReadFOCUS12TokenLines(t *testing.T) {
	f, err := os.Open("testdata/focus12.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lines := collect(t, func(fn billing.LineFunc) error {
		return billing.ReadFOCUS("focus12.csv", f, fn, func(string) {})
	})
	type row struct {
		provider, service, model, tokenType, tier, unit, partition string
		usage, costUSD                                             float64
	}
	var got []row
	for _, l := range lines {
		got = append(got, row{l.CloudProvider, l.Service, l.Model, l.TokenType, l.PricingTier, l.UsageUnit,
			l.SourcePartition, l.UsageAmount, l.CostUSD})
	}
	want := []row{
		{"Azure", "Azure OpenAI", "gpt-4o-mini", "input", "standard", "tokens", "Azure/sub-billing/sub-1/2026-10", 1e6, 1.5},
		{"Azure", "Azure OpenAI", "gpt-4o-mini", "output", "standard", "tokens", "Azure/sub-billing/sub-1/2026-10", 4e6, 2.4},
		{"AWS", "Amazon Bedrock", "claude-3-5-sonnet", "output", "standard", "tokens", "AWS/111122223333/2026-10", 4e5, 6},
		{"GCP", "Vertex AI", "gemini-1.5-pro", "input", "standard", "tokens", "GCP/billing-gcp/2026-10", 2.8e6, 3.5},
		{"AWS", "Amazon Simple Storage Service", "", "", "", "GB-Mo", "AWS/111122223333/2026-10", 10, 0.23},
		{"AWS", "Amazon Bedrock", "", "", "", "", "AWS/111122223333/2026-10", 0, -0.1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
	if lines[0].Tags["customer_id"] != "cust_acme" || lines[2].Tags["tenant"] != "cust_beta" || lines[0].ModelFamily != "gpt" {
		t.Errorf("tags or family lost: %+v / %+v", lines[0], lines[2])
	}
}

func TestReadFOCUSCurrency(t *testing.T) {
	f, err := os.Open("testdata/focus_eur.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var warnings []string
	lines := collect(t, func(fn billing.LineFunc) error {
		return billing.ReadFOCUS("focus_eur.csv", f, fn, func(m string) { warnings = append(warnings, m) })
	})
	if lines[0].Cost != 10 || lines[0].Currency != "EUR" || lines[0].CostUSD != 11.5 {
		t.Errorf("converted line = %+v", lines[0])
	}
	// No USD figure: left at 0 for the ingester to convert (or warn about).
	if lines[1].Cost != 20 || lines[1].CostUSD != 0 || len(warnings) != 0 {
		t.Errorf("unconverted line = %+v, warnings %q", lines[1], warnings)
	}
}

func TestReadFOCUSErrors(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"no BilledCost", "ChargePeriodStart,ProviderName\n2026-10-01,AWS\n", `f.csv: line 1, column "BilledCost": required FOCUS column`},
		{"bad cost on last line", "BilledCost,ChargePeriodStart,ProviderName\n1,2026-10-01,AWS\nabc,2026-10-01,AWS\n",
			`f.csv: line 3, column "BilledCost": "abc" is not a number`},
		{"bad timestamp", "BilledCost,ChargePeriodStart,ProviderName\n1,yesterday,AWS\n", `f.csv: line 2, column "ChargePeriodStart": "yesterday"`},
		{"NULL provider", "BilledCost,ChargePeriodStart,ProviderName\n1,2026-10-01,NULL\n", `f.csv: line 2, column "ProviderName": value is empty`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := billing.ReadFOCUS("f.csv", strings.NewReader(tt.body), func(*cost.LineItem) error { return nil }, func(string) {})
			var ce *cost.Error
			if !errors.As(err, &ce) || ce.Code != cost.CodeInvalid || !strings.HasPrefix(ce.Message, tt.want) {
				t.Errorf("err = %v, want message prefix %q", err, tt.want)
			}
		})
	}
}

func TestReadFOCUSVariants(t *testing.T) {
	const body = "BilledCost,BillingCurrency,ChargePeriodStart,ProviderName,ServiceName,x_UsageType,PricingQuantity,PricingUnit,Tags\n" +
		// Marketplace usage type: the model comes from the service name.
		"0.5,USD,2026-10-01 00:00:00,AWS,Claude 3 Haiku (Amazon Bedrock Edition),USW2-MP:USW2_InputTokenCount-Units,2000000,Units,\n" +
		// Azure EA tags without braces.
		"1,USD,2026-10-01 00:00:00,Microsoft,Azure OpenAI,,,,\"\"\"customer\"\": \"\"cust_ea\"\"\"\n" +
		// Tags that are not JSON: kept as a line, with one warning however many lines.
		"2,USD,2026-10-01 00:00:00,AWS,Amazon EC2,,,,not json\n" +
		"3,USD,2026-10-01 00:00:00,AWS,Amazon EC2,,,,not json\n"
	var warnings []string
	lines := collect(t, func(fn billing.LineFunc) error {
		return billing.ReadFOCUS("v.csv", strings.NewReader(body), fn, func(m string) { warnings = append(warnings, m) })
	})
	if l := lines[0]; l.Model != "claude-3-haiku" || l.TokenType != "input" || l.UsageAmount != 2e6 || l.UsageUnit != "tokens" {
		t.Errorf("marketplace line = %+v", l)
	}
	if l := lines[1]; l.Tags["customer"] != "cust_ea" || l.CloudProvider != "Azure" || l.TokenType != "" {
		t.Errorf("EA line = %+v", l)
	}
	if len(lines) != 4 || lines[3].Tags != nil || len(warnings) != 2 || warnings[0] != warnings[1] ||
		!strings.Contains(warnings[0], `column "Tags" is not a JSON object`) {
		t.Errorf("%d lines, warnings %q", len(lines), warnings)
	}
}

// A FOCUS 1.2 InvoiceId makes a line final once it is set and provisional while
// it is empty; Microsoft's invoice ids (InvoiceId, 1.0 x_InvoiceId) make it
// final once set. Otherwise the ingester decides by month.
func TestReadFOCUSInvoiceStatus(t *testing.T) {
	tests := []struct {
		name, doc string
		want      []string
	}{
		{"InvoiceId", "BilledCost,ChargePeriodStart,ProviderName,InvoiceId\n" +
			"1,2026-08-03,AWS,EUINGB26-123\n2,2026-08-31,AWS,\n3,2026-08-31,Microsoft,G123\n4,2026-08-31,Microsoft,\n",
			[]string{cost.StatusFinal, cost.StatusProvisional, cost.StatusFinal, ""}},
		{"x_InvoiceId", "BilledCost,ChargePeriodStart,ProviderName,x_InvoiceId\n" +
			"1,2026-08-03,Microsoft,NULL\n2,2026-08-31,Microsoft,E0600ABC\n", []string{"", cost.StatusFinal}},
		{"no column", "BilledCost,ChargePeriodStart,ProviderName\n1,2026-08-03,Microsoft\n", []string{""}},
	}
	for _, tt := range tests {
		lines := collect(t, func(fn billing.LineFunc) error {
			return billing.ReadFOCUS("f.csv", strings.NewReader(tt.doc), fn, func(string) {})
		})
		var got []string
		for _, l := range lines {
			got = append(got, l.DataStatus)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: data status %q, want %q", tt.name, got, tt.want)
		}
	}
}

// Microsoft's FOCUS exports give units without their block ("Units") and the
// block in x_PricingBlockSize / x_PricingUnitDescription. Their ConsumedQuantity
// is the cost details' Quantity, in blocks (the FOCUS sample's Microsoft rows:
// ListCost = ListUnitPrice × ConsumedQuantity); a conformant file counts tokens
// there. The unit price per block and its cost tell which.
func TestReadFOCUSMicrosoftBlocks(t *testing.T) {
	const header = "BilledCost,ChargePeriodStart,ProviderName,ServiceName,x_SkuMeterName,ConsumedQuantity,ConsumedUnit," +
		"PricingQuantity,PricingUnit,x_PricingBlockSize,x_PricingUnitDescription,ListUnitPrice,ListCost,x_EffectiveUnitPrice,EffectiveCost\n"
	const meter = "2026-10-03,Microsoft,Azure OpenAI,gpt 4o 0513 Input global Tokens,"
	tests := []struct {
		name, row string
		tokens    float64
	}{
		// 3.75 / 0.0025 per 1K = 1,500 blocks of 1,000.
		{"blocks in ConsumedQuantity", "3.75," + meter + "1500,Units,1.5,Units,1000,1K,0.005,7.5,0.0025,3.75", 1.5e6},
		{"tokens in ConsumedQuantity", "3.75," + meter + "1500000,Units,1500,Units,1000,1K,0.005,7.5,0.0025,3.75", 1.5e6},
		// List price only: 7.5 / 0.005 per 1K = 1,500 blocks.
		{"list price only", "3.75," + meter + "1500,Units,1.5,Units,1000,1K,0.005,7.5,,", 1.5e6},
		{"no prices", "0.5," + meter + "200,Units,0.2,Units,1000,1K,,,,", 2e5},
		// PricingQuantity in blocks: 0.4 / 0.01 per 1K = 40 blocks.
		{"PricingQuantity only", "0.4," + meter + ",,40,Units,1000,1K,,,0.01,0.4", 4e4},
		// The block from the unit description: 4 / 2 per 1M = 2 blocks of 1,000,000.
		{"x_PricingUnitDescription", "4," + meter + "2,Units,0.000002,Units,,1M,2,4,,", 2e6},
	}
	for _, tt := range tests {
		lines := collect(t, func(fn billing.LineFunc) error {
			return billing.ReadFOCUS("ms.csv", strings.NewReader(header+tt.row+"\n"), fn, func(string) {})
		})
		l := lines[0]
		if l.Model != "gpt-4o" || l.TokenType != cost.TokenInput || l.UsageUnit != "tokens" || math.Abs(l.UsageAmount-tt.tokens) > 1e-6 {
			t.Errorf("%s: %s %s %v %s; want gpt-4o input %v tokens", tt.name, l.Model, l.TokenType, l.UsageAmount, l.UsageUnit, tt.tokens)
		}
	}
}

// The meter texts of FOCUS files are read as the native exports' are: meters
// billed by time, storage or transfer are not tokens even when they say
// caching or output, "(Long)" is the long-context tier, a token meter without
// a direction counts input, and a block in the meter name counts when the unit
// has none.
func TestReadFOCUSMeterTraps(t *testing.T) {
	const header = "BilledCost,ChargePeriodStart,ProviderName,ServiceName,x_SkuMeterName,ConsumedQuantity,ConsumedUnit\n"
	tests := []struct {
		row                          string
		model, tokenType, tier, unit string
		usage                        float64
	}{
		{"1,2026-10-01,Google Cloud,Vertex AI,Gemini 2.5 Pro Input Text Caching Storage,10,hour", "", "", "", "hour", 10},
		{"1,2026-10-01,Microsoft,Azure OpenAI,gpt 4o Data Transfer Out,10,GB", "", "", "", "GB", 10},
		{"1,2026-10-01,Google Cloud,Vertex AI,Gemini 2.0 Flash Text Input (Long) - Predictions,1000,count",
			"gemini-2.0-flash", "input", "long_context", "tokens", 1000},
		{"1,2026-10-01,Microsoft,Azure OpenAI,text-embedding-3-large Tokens,10,Units", "text-embedding-3-large", "input", "standard", "tokens", 10},
		{"1,2026-10-01,Microsoft,Azure OpenAI,o3 Inpt DZone 1M Tokens,2,Units", "o3", "input", "standard", "tokens", 2e6},
		{"1,2026-10-01,Microsoft,Azure OpenAI,gpt-4o-mini-0718-Outpt-glbl Tokens,10,Units", "gpt-4o-mini", "output", "standard", "tokens", 10},
	}
	for _, tt := range tests {
		lines := collect(t, func(fn billing.LineFunc) error {
			return billing.ReadFOCUS("f.csv", strings.NewReader(header+tt.row+"\n"), fn, func(string) {})
		})
		l := lines[0]
		if l.Model != tt.model || l.TokenType != tt.tokenType || l.PricingTier != tt.tier || l.UsageUnit != tt.unit ||
			math.Abs(l.UsageAmount-tt.usage) > 1e-6 {
			t.Errorf("%s: got %q %q %q %v %s; want %q %q %q %v %s", tt.row, l.Model, l.TokenType, l.PricingTier,
				l.UsageAmount, l.UsageUnit, tt.model, tt.tokenType, tt.tier, tt.usage, tt.unit)
		}
	}
}

// A meter naming tokens but no direction counts input only when no other meter
// column names a direction.
func TestReadFOCUSMeterPrefersDirection(t *testing.T) {
	doc := "BilledCost,ChargePeriodStart,ProviderName,ServiceName,x_SkuMeterName,x_SkuMeterSubcategory,ConsumedQuantity,ConsumedUnit\n" +
		"1,2026-10-01,Microsoft,Azure OpenAI,gpt-4o Tokens,gpt 4o 0513 Output global Tokens,10,Units\n" +
		"1,2026-10-01,Microsoft,Azure OpenAI,text-embedding-3-small Tokens,Embeddings,10,Units\n"
	lines := collect(t, func(fn billing.LineFunc) error {
		return billing.ReadFOCUS("f.csv", strings.NewReader(doc), fn, func(string) {})
	})
	want := [][2]string{{"gpt-4o", cost.TokenOutput}, {"text-embedding-3-small", cost.TokenInput}}
	for i, l := range lines {
		if got := [2]string{l.Model, l.TokenType}; got != want[i] {
			t.Errorf("line %d: %v, want %v", i+1, got, want[i])
		}
	}
}
