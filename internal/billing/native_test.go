package billing_test

import (
	"io"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/billing"
	"github.com/llmcost/llmcost/internal/cost"
)

// nativeReader is the signature shared by the native export readers.
type nativeReader func(file string, r io.Reader, o *billing.NativeOptions, fn billing.LineFunc, warn billing.WarnFunc) error

// readNative reads a file with a native reader and the test mapping.
func readNative(t *testing.T, read nativeReader, path string) ([]cost.LineItem, []string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []cost.LineItem
	var warns []string
	err = read(path, f, testOptions(t), func(l *cost.LineItem) error {
		lines = append(lines, *l)
		return nil
	}, func(w string) { warns = append(warns, w) })
	if err != nil {
		t.Fatal(err)
	}
	return lines, warns
}

func testOptions(t *testing.T) *billing.NativeOptions {
	t.Helper()
	m, err := billing.LoadMapping("testdata/mapping.json")
	if err != nil {
		t.Fatal(err)
	}
	return &billing.NativeOptions{Mapping: m, Now: time.Date(2026, 9, 20, 0, 0, 0, 0, time.UTC)}
}

// want is the expected normalisation of one line.
type want struct {
	model, tokenType, tier string
	usage                  float64
	costUSD                float64
	customer               string
}

func checkLines(t *testing.T, got []cost.LineItem, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		t.Fatalf("got %d lines, want %d", len(got), len(wants))
	}
	for i, w := range wants {
		l := got[i]
		g := want{l.Model, l.TokenType, l.PricingTier, l.UsageAmount, l.CostUSD, l.CustomerID}
		if g.model != w.model || g.tokenType != w.tokenType || g.tier != w.tier || g.customer != w.customer ||
			!near(g.usage, w.usage) || !near(g.costUSD, w.costUSD) {
			t.Errorf("line %d: got %+v, want %+v", i+1, g, w)
		}
		if w.tokenType != "" && l.UsageUnit != "tokens" {
			t.Errorf("line %d: usage unit %q, want tokens", i+1, l.UsageUnit)
		}
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// sums totals cost_usd and usage by a key.
func sums(lines []cost.LineItem, key func(l *cost.LineItem) string) map[string][2]float64 {
	out := map[string][2]float64{}
	for i := range lines {
		k := key(&lines[i])
		s := out[k]
		s[0] += lines[i].CostUSD
		s[1] += lines[i].UsageAmount
		out[k] = s
	}
	return out
}

func checkSums(t *testing.T, name string, got map[string][2]float64, wantCost map[string]float64) {
	t.Helper()
	if len(got) != len(wantCost) {
		t.Errorf("%s: got keys %v, want %v", name, got, wantCost)
	}
	for k, w := range wantCost {
		if !near(got[k][0], w) {
			t.Errorf("%s %q: cost %v, want %v", name, k, got[k][0], w)
		}
	}
}

func TestReadAWSCUR2(t *testing.T) {
	lines, warns := readNative(t, billing.ReadAWSCUR, "testdata/aws_cur2.csv")
	checkLines(t, lines, []want{
		{"claude-sonnet-4-6", "input", "standard", 2e6, 5.40, "acme"},
		{"claude-opus-4-6", "output", "standard", 1e5, 7.50, "globex"},
		{"mistral-7b", "input", "standard", 5e5, 0.075, "initech"},
		{"mistral-7b", "output", "standard", 1e5, 0.02, "initech"},
		{"mistral-large", "input", "standard", 1e4, 0.04, "initech"},
		{"mixtral-8x7b", "output", "standard", 2e4, 0.014, "initech"},
		{"nova-lite", "input", "standard", 1e6, 0.06, ""},
		{"nova-micro", "output", "standard", 1e6, 0.14, ""},
		{"nova-pro", "output", "standard", 1e5, 0.32, ""},
		{"qwen-3-32b", "input", "batch", 3e5, 0.0225, ""},
		{"qwen-3-coder-30b-a3b", "output", "standard", 5e4, 0.03, ""},
		{"qwen-3-vl-235b-a22b", "input", "standard", 4e4, 0.0088, ""},
		{"claude-3-haiku", "input", "standard", 1e6, 0.25, "umbrella"},
		{"claude-3-haiku", "output", "standard", 2e5, 0.25, "umbrella"},
		{"claude-3-haiku", "cache_read", "standard", 5e5, 0.015, "umbrella"},
		{"claude-sonnet-4", "input", "standard", 1e6, 3.30, "acme"},
		{"llama-4-maverick-17b", "input", "batch", 2e6, 0.24, "acme"},
		{"claude-3-sonnet", "", "", 24, 480, "acme"},
		{"", "", "", 10, 0.23, "hooli"},
		{"", "", "", 1, 1.00, ""},
		{"claude-sonnet-4-6", "input", "standard", 1e6, 3.00, "acme"},
	})
	if len(warns) != 0 {
		t.Errorf("warnings: %v", warns)
	}
	// Totals by customer and by token type, added up by hand from the fixture.
	checkSums(t, "customer", sums(lines, func(l *cost.LineItem) string { return l.CustomerID }), map[string]float64{
		"acme": 5.40 + 3.30 + 0.24 + 480 + 3.00, "globex": 7.50, "initech": 0.075 + 0.02 + 0.04 + 0.014,
		"umbrella": 0.25 + 0.25 + 0.015, "hooli": 0.23, "": 0.06 + 0.14 + 0.32 + 0.0225 + 0.03 + 0.0088 + 1.00})
	checkSums(t, "token type", sums(lines, func(l *cost.LineItem) string { return l.TokenType }), map[string]float64{
		"input":  5.40 + 0.075 + 0.04 + 0.06 + 0.0225 + 0.0088 + 0.25 + 3.30 + 0.24 + 3.00,
		"output": 7.50 + 0.02 + 0.014 + 0.14 + 0.32 + 0.03 + 0.25, "cache_read": 0.015, "": 480 + 0.23 + 1.00})
	for i, l := range lines {
		wantPart, wantStatus := "111111111111/2026-09", cost.StatusProvisional
		if i == len(lines)-1 {
			wantPart, wantStatus = "111111111111/2026-08", cost.StatusFinal
		}
		if l.SourcePartition != wantPart || l.DataStatus != wantStatus || l.Source != "aws-cur" || l.CloudProvider != "AWS" {
			t.Errorf("line %d: partition %q status %q source %q provider %q", i+1, l.SourcePartition, l.DataStatus,
				l.Source, l.CloudProvider)
		}
	}
	if lines[0].Service != "Amazon Bedrock" || lines[0].Region != "us-east-1" || lines[12].Service !=
		"Claude 3 Haiku (Amazon Bedrock Edition)" || lines[19].ChargeCategory != "Tax" {
		t.Errorf("service/region/category: %q %q %q %q", lines[0].Service, lines[0].Region, lines[12].Service,
			lines[19].ChargeCategory)
	}
}

func TestReadAWSLegacyCUR(t *testing.T) {
	lines, _ := readNative(t, billing.ReadAWSCUR, "testdata/aws_legacy.csv")
	checkLines(t, lines, []want{
		{"claude-3-sonnet", "input", "standard", 4e6, 12.0, "acme"},
		{"claude-3-sonnet", "output", "standard", 2e5, 3.0, ""},
		{"", "", "", 24, 0.2496, "globex"},
	})
	if lines[1].Tags["team"] != "search" || lines[0].ListCostUSD == nil || *lines[0].ListCostUSD != 12 {
		t.Errorf("tags %v, list cost %v", lines[1].Tags, lines[0].ListCostUSD)
	}
}

// The shared legacy CUR sample (no Bedrock rows) is ingested as is.
func TestReadAWSSample(t *testing.T) {
	lines, warns := readNative(t, billing.ReadAWSCUR,
		"../../../shared/data/focus-converters-fixtures/sample-anonymous-aws-export-dataset.csv")
	var total float64
	for _, l := range lines {
		total += l.CostUSD
		if l.SourcePartition != "123412340534/2023-11" || l.TokenType != "" || l.DataStatus != cost.StatusProvisional {
			t.Fatalf("line %+v", l)
		}
	}
	// 1281 rows; lineItem/UnblendedCost summed with a separate CSV tool.
	if len(lines) != 1281 || !near(total, 1.6823086974000028) || len(warns) != 0 {
		t.Errorf("got %d lines, total %v, warnings %v", len(lines), total, warns)
	}
}

func TestReadGCPBillingJSON(t *testing.T) {
	lines, _ := readNative(t, billing.ReadGCPBilling, "testdata/gcp_billing.ndjson")
	checkLines(t, lines, []want{
		{"gemini-2.5-flash", "input", "standard", 1065040, 0.319512, "acme"},
		{"gemini-2.5-flash", "cache_read", "standard", 200000, 0.015, "acme"},
		{"gemini-2.5-flash", "output", "standard", 50000, 0.125, "acme"},
		{"gemini-2.5-pro", "input", "standard", 100000, 0.125, "globex"},
		{"gemini-2.5-pro", "output", "standard", 10000, 0.10, "globex"},
		{"gemini-2.5-pro", "reasoning", "standard", 20000, 0.20, "globex"},
		{"gemini-2.5-pro", "cache_read", "standard", 40000, 0.0125, "globex"},
		{"gemini-3-pro", "input", "standard", 100000, 0.2, "initech"},
		{"gemini-2.0-flash", "input", "long_context", 300000, 0.06, "initech"},
		{"gemini-2.5-flash-lite", "input", "standard", 1e6, 0, ""},
		{"", "", "", 86400, 7.0, "acme"},
		{"", "", "", 1e6, 0.45, "globex"},
		{"gemini-2.5-pro", "input", "standard", 0, -0.05, "globex"},
	})
	for i, l := range lines {
		if l.SourcePartition != "01A2B3-C4D5E6-F7A8B9/2026-09" || l.DataStatus != cost.StatusProvisional {
			t.Errorf("line %d: partition %q status %q", i+1, l.SourcePartition, l.DataStatus)
		}
	}
	if lines[12].ChargeCategory != "Adjustment" || lines[12].Date.Format("2006-01-02") != "2026-08-31" ||
		lines[9].Tags["team"] != "x" || lines[9].Cost != 0 {
		t.Errorf("adjustment %+v", lines[12])
	}
}

func TestReadGCPBillingCSV(t *testing.T) {
	lines, _ := readNative(t, billing.ReadGCPBilling, "testdata/gcp_billing.csv")
	checkLines(t, lines, []want{
		{"gemini-2.5-pro", "input", "standard", 1e6, 1.25, "acme"},
		{"gemini-2.5-pro", "output", "standard", 250000, 2.0, "acme"},
		{"", "", "", 3600, 1.0, "initech"},
	})
	if l := lines[2]; l.Currency != "EUR" || l.Cost != 0.9 || l.DataStatus != cost.StatusFinal ||
		l.SourcePartition != "01A2B3-C4D5E6-F7A8B9/2026-08" {
		t.Errorf("EUR line %+v", l)
	}
}

func TestReadAzureMCA(t *testing.T) {
	lines, _ := readNative(t, billing.ReadAzureCost, "testdata/azure_mca.csv")
	checkLines(t, lines, []want{
		{"gpt-4o", "input", "standard", 1.5e6, 3.75, "acme"},
		{"gpt-4o", "output", "standard", 1e5, 1.5, "acme"},
		{"gpt-4o-mini", "input", "standard", 2e6, 0.3, "acme"},
		{"gpt-4o-mini", "output", "standard", 5e5, 0.3, "acme"},
		{"deepseek-r1", "input", "standard", 1e5, 0.135, "contoso"},
		{"", "", "", 10, 0.1, "contoso"},
		{"gpt-4o", "input", "standard", 4e5, 1.0, "contoso"},
		{"gpt-4o", "cache_read", "standard", 1e6, 1.25, "contoso"},
		{"gpt-4o", "input", "batch", 1e6, 1.25, "contoso"},
		{"o3", "input", "standard", 2e6, 4.4, "contoso"},
		{"gpt-5-pro", "output", "standard", 1e4, 1.2, "contoso"},
		{"", "", "", 24, 48.0, "contoso"},
		{"", "", "", 24, 0.25, "hooli"},
	})
	checkSums(t, "model", sums(lines, func(l *cost.LineItem) string { return l.Model }), map[string]float64{
		"gpt-4o": 3.75 + 1.5 + 1.0 + 1.25 + 1.25, "gpt-4o-mini": 0.6, "deepseek-r1": 0.135, "o3": 4.4,
		"gpt-5-pro": 1.2, "": 0.1 + 48.0 + 0.25})
	for i, l := range lines {
		part := "B-1/sub-a/2026-09"
		if i == len(lines)-1 {
			part = "B-1/sub-b/2026-09"
		}
		if l.SourcePartition != part || l.DataStatus != cost.StatusProvisional || l.Source != "azure-cost" {
			t.Errorf("line %d: partition %q status %q", i+1, l.SourcePartition, l.DataStatus)
		}
	}
	if lines[0].Date.Format("2006-01-02") != "2026-09-02" || lines[0].Tags["env"] != "prod" {
		t.Errorf("date %v tags %v", lines[0].Date, lines[0].Tags)
	}
}

// The shared EA and MCA samples are ingested as is; totals were summed with a
// separate CSV tool.
func TestReadAzureSamples(t *testing.T) {
	tests := []struct {
		path    string
		rows    int
		cost    float64
		costUSD float64
		account string // Billing account; partitions are per subscription in it.
	}{
		{"../../../shared/data/finops-toolkit/EA_ActualCost_Small.csv", 11, 8.545007786741936, 8.545007786741936, "8611537"},
		{"../../../shared/data/finops-toolkit/EA_AmortizedCost_Small.csv", 28, 16.296932136636645, 16.296932136636645, "8611537"},
		{"../../../shared/data/focus-converters-fixtures/sample-anonymous-ea-export-dataset.csv", 27, 1.26136926505726, 0, "12345678"},
	}
	for _, tt := range tests {
		t.Run(tt.path[strings.LastIndex(tt.path, "/")+1:], func(t *testing.T) {
			lines, warns := readNative(t, billing.ReadAzureCost, tt.path)
			var c, usd float64
			for _, l := range lines {
				c, usd = c+l.Cost, usd+l.CostUSD
				if l.SourcePartition != tt.account+"/"+l.AccountID+"/2023-09" || l.AccountID == "" ||
					l.DataStatus != cost.StatusFinal || l.Date.Year() != 2023 {
					t.Fatalf("line %+v", l)
				}
			}
			if len(lines) != tt.rows || !near(c, tt.cost) || !near(usd, tt.costUSD) {
				t.Errorf("got %d lines, cost %v, cost_usd %v", len(lines), c, usd)
			}
			if len(warns) > 0 { // A CAD file without CostInUsd is the ingester's to convert.
				t.Errorf("warnings %v", warns)
			}
		})
	}
}

// CUR 2.0 flattened by a query engine has one resource_tags_user_… column per tag.
func TestReadAWSCURFlattenedTags(t *testing.T) {
	l := readOne(t, billing.ReadAWSCUR, "line_item_usage_start_date,line_item_unblended_cost,line_item_product_code,"+
		"line_item_usage_type,line_item_usage_amount,pricing_unit,resource_tags_user_customer_id,resource_tags_user_team\n"+
		"2026-09-01T00:00:00Z,2.5,AmazonBedrock,USE1-NovaPro-input-tokens,3,1K tokens,acme,search\n")
	wantLine(t, l, "nova-pro", cost.TokenInput, 3000, "acme")
	if l.Tags["team"] != "search" || l.CostUSD != 2.5 || l.SourcePartition != "/2026-09" {
		t.Errorf("line %+v", l)
	}
}
