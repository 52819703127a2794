package billing_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/llmcost/llmcost/internal/billing"
	"github.com/llmcost/llmcost/internal/cost"
)

// curParquetRow is a CUR 2.0 row as Data Exports writes it to Parquet, with
// MAP columns.
type curParquetRow struct {
	BillInvoiceID              string            `parquet:"bill_invoice_id"`
	BillPayerAccountID         string            `parquet:"bill_payer_account_id"`
	BillBillingPeriodStartDate time.Time         `parquet:"bill_billing_period_start_date,timestamp(millisecond)"`
	LineItemUsageStartDate     time.Time         `parquet:"line_item_usage_start_date,timestamp(millisecond)"`
	LineItemProductCode        string            `parquet:"line_item_product_code"`
	LineItemUsageType          string            `parquet:"line_item_usage_type"`
	LineItemUsageAmount        float64           `parquet:"line_item_usage_amount"`
	PricingUnit                string            `parquet:"pricing_unit"`
	LineItemUnblendedCost      float64           `parquet:"line_item_unblended_cost"`
	Product                    map[string]string `parquet:"product"`
	ResourceTags               map[string]string `parquet:"resource_tags"`
}

func TestReadAWSCURParquet(t *testing.T) {
	period := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	rows := []curParquetRow{
		{"", "111111111111", period, period.Add(36 * time.Hour), "AmazonBedrock", "EUW2-Mistral7B-input-tokens",
			500, "1K tokens", 0.075, map[string]string{"model": "Mistral 7B", "region_code": "eu-west-2", "product_name": "Amazon Bedrock"},
			map[string]string{"user_customer_id": "acme", "user_team": "search"}},
		{"", "111111111111", period, period.Add(48 * time.Hour), "AmazonS3", "USE1-TimedStorage-ByteHrs",
			10, "GB-Mo", 0.23, nil, nil},
		{"INV-1", "111111111111", period, period.Add(48 * time.Hour), "prod-x", "USW2-MP:USW2_InputTokenCount-Units",
			1e6, "Units", 0.25, map[string]string{"product_name": "Claude 3 Haiku (Amazon Bedrock Edition)"},
			map[string]string{"user_tenant": "globex"}},
	}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[curParquetRow](&buf)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	var lines []cost.LineItem
	err := billing.ReadAWSCURParquet("cur.parquet", bytes.NewReader(buf.Bytes()), int64(buf.Len()), testOptions(t),
		func(l *cost.LineItem) error {
			lines = append(lines, *l)
			return nil
		}, func(w string) { t.Errorf("warning: %s", w) })
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, lines, []want{
		{"mistral-7b", "input", "standard", 5e5, 0.075, "acme"},
		{"", "", "", 10, 0.23, ""},
		{"claude-3-haiku", "input", "standard", 1e6, 0.25, "globex"},
	})
	if l := lines[0]; l.Region != "eu-west-2" || l.Tags["team"] != "search" || l.SourcePartition != "111111111111/2026-09" ||
		l.Date.Format("2006-01-02") != "2026-09-02" || l.DataStatus != cost.StatusProvisional {
		t.Errorf("line 1: %+v", l)
	}
	if lines[1].Tags != nil || lines[2].DataStatus != cost.StatusFinal {
		t.Errorf("lines 2-3: %+v %+v", lines[1], lines[2])
	}
}
