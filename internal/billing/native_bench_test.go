package billing_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/llmcost/llmcost/internal/billing"
	"github.com/llmcost/llmcost/internal/cost"
)

// benchParse reads a generated file of rows rows with a native reader and
// reports the parser's own rate (no store).
func benchParse(b *testing.B, read nativeReader, header string, rows int, row func(i int) string) {
	var buf bytes.Buffer
	buf.WriteString(header)
	for i := range rows {
		buf.WriteString(row(i))
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for range b.N {
		n := 0
		err := read("bench.csv", bytes.NewReader(data), &billing.NativeOptions{},
			func(*cost.LineItem) error { n++; return nil }, func(string) {})
		if err != nil || n != rows {
			b.Fatalf("%d lines, %v", n, err)
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkReadAWSCUR(b *testing.B) {
	types := []string{"USE1-Claude4.6Sonnet-input-tokens", "EUW2-NovaPro-output-tokens", "USE1-BoxUsage:m5.large"}
	benchParse(b, billing.ReadAWSCUR, "bill_payer_account_id,bill_billing_period_start_date,line_item_usage_start_date,"+
		"line_item_product_code,line_item_usage_type,line_item_usage_amount,pricing_unit,line_item_unblended_cost,"+
		"product,resource_tags\n", 200_000, func(i int) string {
		return fmt.Sprintf("111111111111,2026-09-01T00:00:00Z,2026-09-%02dT%02d:00:00Z,AmazonBedrock,%s,%d,1K tokens,%.6f,"+
			`"{""product_name"":""Amazon Bedrock""}","{""user_customer_id"":""cust_%03d""}"`+"\n",
			1+i%30, i%24, types[i%3], 1+i%5000, float64(i%1000)/997, i%97)
	})
}

func BenchmarkReadAzureCost(b *testing.B) {
	meters := []string{"gpt 4o 0513 Input global Tokens", "gpt-4o-mini-0718-Outp-glbl Tokens", "B1s"}
	benchParse(b, billing.ReadAzureCost, "\ufeffBillingAccountId,BillingPeriodStartDate,SubscriptionId,Date,MeterCategory,"+
		"MeterName,Quantity,UnitOfMeasure,Cost,BillingCurrency,Tags\n", 200_000, func(i int) string {
		return fmt.Sprintf("8611537,09/01/2026,sub-%d,09/%02d/2026,Azure OpenAI,%s,%.1f,1K,%.6f,USD,"+
			`"""customer_id"": ""cust_%03d"""`+"\n", i%7, 1+i%30, meters[i%3], float64(1+i%5000)/10, float64(i%1000)/997, i%97)
	})
}
