package ingest_test

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"testing"
)

var benchUsageTypes = []struct{ product, usageType, unit string }{
	{"AmazonBedrock", "USE1-Claude4.6Sonnet-input-tokens", "1K tokens"},
	{"AmazonBedrock", "USE1-Claude4.6Sonnet-output-tokens", "1K tokens"},
	{"AmazonBedrock", "EUW2-NovaPro-input-tokens", "1K tokens"},
	{"AmazonBedrock", "EU-Qwen3-32B-input-tokens-batch", "1K tokens"},
	{"AmazonEC2", "USE1-BoxUsage:m5.large", "Hrs"},
}

// writeCURGz writes benchRows CUR 2.0 CSV rows, gzip-compressed, over 30 days.
func writeCURGz(bw *bufio.Writer) {
	zw := gzip.NewWriter(bw)
	w := bufio.NewWriterSize(zw, 1<<20)
	w.WriteString("bill_invoice_id,bill_payer_account_id,bill_billing_period_start_date,line_item_usage_account_id," +
		"line_item_line_item_type,line_item_usage_start_date,line_item_usage_end_date,line_item_product_code," +
		"line_item_usage_type,line_item_usage_amount,pricing_unit,line_item_unblended_cost,line_item_currency_code," +
		"product,resource_tags\n")
	for i := range benchRows {
		u := benchUsageTypes[i%len(benchUsageTypes)]
		day := 1 + i%30
		tags := ""
		if i%4 == 0 {
			tags = fmt.Sprintf(`"{""user_customer_id"":""cust_%03d"",""user_env"":""prod""}"`, i%97)
		}
		fmt.Fprintf(w, ",111111111111,2026-09-01T00:00:00Z,2222222222%02d,Usage,2026-09-%02dT%02d:00:00Z,"+
			"2026-09-%02dT%02d:59:59Z,%s,%s,%d,%s,%.6f,USD,\"{\"\"product_name\"\":\"\"Amazon Bedrock\"\"}\",%s\n",
			i%7, day, i%24, day, i%24, u.product, u.usageType, 1+i%5000, u.unit, float64(i%1000)/997, tags)
	}
	w.Flush()
	zw.Close()
}

var benchAzureMeters = []struct{ category, meter, unit string }{
	{"Azure OpenAI", "gpt 4o 0513 Input global Tokens", "1K"},
	{"Azure OpenAI", "gpt 4o 0513 Output global Tokens", "1K"},
	{"Azure OpenAI", "gpt-4o-mini-0718-Inp-glbl Tokens", "1K"},
	{"Azure OpenAI", "o3 Inpt DZone 1M Tokens", "1M"},
	{"Virtual Machines", "B1s", "1 Hour"},
}

// writeAzure writes benchRows EA cost details rows over 30 days.
func writeAzure(w *bufio.Writer) {
	w.WriteString("\ufeffBillingAccountId,BillingPeriodStartDate,SubscriptionId,Date,MeterCategory,MeterSubCategory," +
		"MeterName,Quantity,UnitOfMeasure,Cost,BillingCurrency,ResourceGroup,ResourceId,Tags,ChargeType\n")
	for i := range benchRows {
		m := benchAzureMeters[i%len(benchAzureMeters)]
		tags := ""
		if i%4 == 0 {
			tags = fmt.Sprintf(`"""customer_id"": ""cust_%03d"",""env"": ""prod"""`, i%97)
		}
		fmt.Fprintf(w, "8611537,09/01/2026,sub-%d,09/%02d/2026,%s,%s,%s,%.3f,%s,%.6f,USD,rg-%d,"+
			"/subscriptions/sub-%d/resourceGroups/rg-%d/providers/Microsoft.CognitiveServices/accounts/a%d,%s,Usage\n",
			i%7, 1+i%30, m.category, m.meter, m.meter, float64(1+i%5000)/10, m.unit, float64(i%1000)/997,
			i%5, i%7, i%5, i%3, tags)
	}
}

// BenchmarkIngestAWSCUR ingests a generated 1M-row CUR 2.0 CSV.gz, and loads the
// same file with DuckDB's read_csv, in one run.
func BenchmarkIngestAWSCUR(b *testing.B) {
	path := benchFile(b, "cur.csv.gz", writeCURGz)
	compare(b, "aws-cur", path, "CREATE TABLE t AS SELECT * FROM read_csv(%s)", "rows/s")
}

// BenchmarkIngestAzureCost ingests a generated 1M-row Azure cost details CSV, and
// loads the same file with DuckDB's read_csv, in one run.
func BenchmarkIngestAzureCost(b *testing.B) {
	path := benchFile(b, "azure.csv", writeAzure)
	compare(b, "azure-cost", path, "CREATE TABLE t AS SELECT * FROM read_csv(%s)", "rows/s")
}
