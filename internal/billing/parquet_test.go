package billing_test

import (
	"bytes"
	"maps"
	"math"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/llmcost/llmcost/internal/billing"
)

// focusParquetRow is a FOCUS 1.2 row as an exporter writes it to Parquet.
type focusParquetRow struct {
	BilledCost         float64   `parquet:"BilledCost"`
	BillingAccountId   string    `parquet:"BillingAccountId"`
	BillingCurrency    string    `parquet:"BillingCurrency"`
	BillingPeriodStart time.Time `parquet:"BillingPeriodStart,timestamp(millisecond)"`
	ChargePeriodStart  time.Time `parquet:"ChargePeriodStart,timestamp(microsecond)"`
	ConsumedQuantity   *float64  `parquet:"ConsumedQuantity,optional"`
	ConsumedUnit       *string   `parquet:"ConsumedUnit,optional"`
	ProviderName       string    `parquet:"ProviderName"`
	ServiceName        string    `parquet:"ServiceName"`
	SkuMeter           *string   `parquet:"SkuMeter,optional"`
	Tags               *string   `parquet:"Tags,optional"`
}

func TestReadFOCUSParquet(t *testing.T) {
	qty, unit, meter, tags := 2.5, "1M tokens", "Gemini 2.0 Flash Text Output - Predictions", `{"customer":"cust_z"}`
	period := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	rows := []focusParquetRow{
		{BilledCost: 1, BillingAccountId: "ba", BillingCurrency: "USD", BillingPeriodStart: period,
			ChargePeriodStart: time.Date(2026, 10, 5, 13, 0, 0, 0, time.UTC), ConsumedQuantity: &qty, ConsumedUnit: &unit,
			ProviderName: "Google Cloud", ServiceName: "Vertex AI", SkuMeter: &meter, Tags: &tags},
		{BilledCost: 0.25, BillingAccountId: "ba", BillingCurrency: "USD", BillingPeriodStart: period,
			ChargePeriodStart: time.Date(2026, 10, 6, 0, 0, 0, 0, time.UTC), ProviderName: "Google Cloud", ServiceName: "Cloud Storage"},
	}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[focusParquetRow](&buf)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r := bytes.NewReader(buf.Bytes())
	lines := collect(t, func(fn billing.LineFunc) error {
		return billing.ReadFOCUSParquet("f.parquet", r, int64(buf.Len()), fn, func(string) {})
	})
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2", len(lines))
	}
	l := lines[0]
	if l.CloudProvider != "GCP" || l.Model != "gemini-2.0-flash" || l.TokenType != "output" ||
		math.Abs(l.UsageAmount-2.5e6) > 1e-6 || l.CostUSD != 1 || l.Tags["customer"] != "cust_z" ||
		!l.ChargePeriodStart.Equal(time.Date(2026, 10, 5, 13, 0, 0, 0, time.UTC)) ||
		l.SourcePartition != "GCP/ba/2026-10" {
		t.Errorf("token line = %+v", l)
	}
	if l := lines[1]; l.TokenType != "" || l.CostUSD != 0.25 || l.Date.Day() != 6 || l.UsageAmount != 0 {
		t.Errorf("storage line = %+v", l)
	}
}

// focusMapRow is a FOCUS row as AWS Data Exports writes it to Parquet: Tags is
// a MAP column, not JSON text.
type focusMapRow struct {
	BilledCost        float64           `parquet:"BilledCost"`
	BillingAccountId  string            `parquet:"BillingAccountId"`
	ChargePeriodStart time.Time         `parquet:"ChargePeriodStart,timestamp(millisecond)"`
	ProviderName      string            `parquet:"ProviderName"`
	ServiceName       string            `parquet:"ServiceName"`
	Tags              map[string]string `parquet:"Tags"`
}

func TestReadFOCUSParquetMapTags(t *testing.T) {
	day := time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC)
	rows := []focusMapRow{
		{2, "111122223333", day, "AWS", "Amazon Bedrock", map[string]string{"customer_id": "acme", "team": "search"}},
		{3, "111122223333", day, "AWS", "Amazon Bedrock", nil},
		{4, "111122223333", day, "AWS", "Amazon Bedrock", map[string]string{"customer_id": "globex"}},
	}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[focusMapRow](&buf)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	lines := collect(t, func(fn billing.LineFunc) error {
		return billing.ReadFOCUSParquet("f.parquet", bytes.NewReader(buf.Bytes()), int64(buf.Len()), fn, func(string) {})
	})
	want := []map[string]string{{"customer_id": "acme", "team": "search"}, nil, {"customer_id": "globex"}}
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d", len(lines), len(want))
	}
	for i, l := range lines {
		if len(l.Tags) != len(want[i]) || !maps.Equal(l.Tags, want[i]) || l.CostUSD != rows[i].BilledCost {
			t.Errorf("line %d: tags %v, cost %v; want %v, %v", i+1, l.Tags, l.CostUSD, want[i], rows[i].BilledCost)
		}
	}
}
