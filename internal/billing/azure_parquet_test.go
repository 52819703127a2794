package billing_test

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/llmcost/llmcost/internal/billing"
	"github.com/llmcost/llmcost/internal/cost"
)

// azureParquetRow is an MCA cost details row as a Parquet export holds it: the
// CSV's columns, with the date typed and the figures as numbers.
type azureParquetRow struct {
	InvoiceID             string    `parquet:"invoiceId"`
	BillingAccountID      string    `parquet:"billingAccountId"`
	BillingPeriodStart    time.Time `parquet:"billingPeriodStartDate,timestamp(millisecond)"`
	Date                  time.Time `parquet:"date,timestamp(millisecond)"`
	SubscriptionID        string    `parquet:"subscriptionId"`
	SubscriptionName      string    `parquet:"subscriptionName"`
	ResourceID            string    `parquet:"resourceId"`
	ResourceLocation      string    `parquet:"resourceLocation"`
	MeterCategory         string    `parquet:"meterCategory"`
	MeterSubCategory      string    `parquet:"meterSubCategory"`
	MeterName             string    `parquet:"meterName"`
	Quantity              float64   `parquet:"quantity"`
	UnitOfMeasure         string    `parquet:"unitOfMeasure"`
	CostInBillingCurrency float64   `parquet:"costInBillingCurrency"`
	BillingCurrency       string    `parquet:"billingCurrency"`
	Tags                  string    `parquet:"tags"`
	ChargeType            string    `parquet:"chargeType"`
}

// The same rows read from Parquet and from CSV give the same lines: 1500 and
// 100 blocks of 1K tokens of gpt-4o for acme ($3.75 + $1.50), and a
// provisioned-hours line for contoso ($40).
func TestReadAzureCostParquet(t *testing.T) {
	day := time.Date(2026, 9, 2, 0, 0, 0, 0, time.UTC)
	period := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	res := "/subscriptions/sub-a/resourceGroups/rg-ai/providers/Microsoft.CognitiveServices/accounts/oai1"
	rows := []azureParquetRow{
		{"", "B-1", period, day, "sub-a", "Sub A", res, "eastus", "Foundry Models", "gpt 4o 0513 Input global Tokens",
			"gpt 4o 0513 Input global Tokens", 1500, "1K", 3.75, "USD", `"customer_id": "acme","env": "prod"`, "Usage"},
		{"", "B-1", period, day, "sub-a", "Sub A", res, "eastus", "Foundry Models", "gpt 4o 0513 Output global Tokens",
			"gpt 4o 0513 Output global Tokens", 100, "1K", 1.5, "USD", `"customer_id": "acme"`, "Usage"},
		{"", "B-1", period, day, "sub-b", "Sub B", res, "eastus", "Foundry Models", "Provisioned Managed",
			"Provisioned Managed Global", 40, "1 Hour", 40, "USD", `"customer_id": "contoso"`, "Usage"},
	}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[azureParquetRow](&buf)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	o := &billing.NativeOptions{Now: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
	var got []cost.LineItem
	err := billing.ReadAzureCostParquet("costs.parquet", bytes.NewReader(buf.Bytes()), int64(buf.Len()), o,
		func(l *cost.LineItem) error { got = append(got, *l); return nil }, func(string) {})
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		model, tokenType, customer string
		tokens, usd                float64
	}
	var keys []key
	for _, l := range got {
		keys = append(keys, key{l.Model, l.TokenType, l.CustomerID, l.UsageAmount, l.CostUSD})
	}
	want := []key{
		{"gpt-4o", cost.TokenInput, "acme", 1_500_000, 3.75},
		{"gpt-4o", cost.TokenOutput, "acme", 100_000, 1.5},
		{"", "", "contoso", 40, 40},
	}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("lines\n%+v\nwant\n%+v", keys, want)
	}
	// No invoice id yet: provisional; one partition per billing account × subscription × month.
	for i, l := range got {
		part := "B-1/sub-a/2026-09"
		if i == 2 {
			part = "B-1/sub-b/2026-09"
		}
		if !l.Date.Equal(day) || l.Source != billing.SourceAzureCost || l.DataStatus != cost.StatusProvisional ||
			l.SourcePartition != part {
			t.Errorf("line %+v", l)
		}
	}
}
