package ingest_test

import (
	"bytes"
	"context"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/llmcost/llmcost/internal/duckdb"
)

// eventLines returns the events rollup as "date customer model token_type" →
// cost, tokens, requests and unpriced.
type eventLine struct {
	Cost     float64
	Tokens   float64
	Requests int64
	Unpriced bool
}

func eventLines(t *testing.T, db *duckdb.DB) map[string]eventLine {
	t.Helper()
	rows, err := db.SQL().Query(`SELECT strftime(date, '%Y-%m-%d') || ' ' || cloud_provider || ' ' || customer_id || ' ' ||
		model || ' ' || token_type || ' ' || cost_source, sum(cost_usd), sum(usage_amount), sum(requests), bool_or(unpriced)
		FROM cost_lines WHERE source = 'events' GROUP BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]eventLine{}
	for rows.Next() {
		var k string
		var l eventLine
		if err := rows.Scan(&k, &l.Cost, &l.Tokens, &l.Requests, &l.Unpriced); err != nil {
			t.Fatal(err)
		}
		l.Cost = math.Round(l.Cost*1e9) / 1e9
		got[k] = l
	}
	return got
}

func TestIngestEventsPricing(t *testing.T) {
	in, db := newIngester(t)
	s := ingestFile(t, in, "events", "testdata/events_prices.ndjson")
	// gpt-4o: $5/$15 per 1M tokens until 2024-10-01, $2.50/$10 from 2024-10-02.
	// claude-3-5-sonnet on AWS: $3 input, $0.30 cache read; e3 reports $9 in total,
	// split 6 : 0.3 by catalog cost.
	want := map[string]eventLine{
		"2024-09-01 OpenAI cust_acme gpt-4o input event_estimate":              {5, 1e6, 1, false},
		"2024-09-01 OpenAI cust_acme gpt-4o output event_estimate":             {1.5, 1e5, 0, false},
		"2024-11-01 OpenAI cust_acme gpt-4o input event_estimate":              {2.5, 1e6, 1, false},
		"2024-11-01 OpenAI cust_acme gpt-4o output event_estimate":             {1, 1e5, 0, false},
		"2024-11-01 AWS cust_beta claude-3-5-sonnet input event_reported":      {math.Round(9*6/6.3*1e9) / 1e9, 2e6, 1, false},
		"2024-11-01 AWS cust_beta claude-3-5-sonnet cache_read event_reported": {math.Round(9*0.3/6.3*1e9) / 1e9, 1e6, 0, false},
		"2024-11-01 acme-cloud cust_beta acme-super-7 input event_estimate":    {0, 5000, 1, true},
		"2024-11-01 acme-cloud cust_beta acme-super-7 output event_estimate":   {0, 1000, 0, true},
	}
	if got := eventLines(t, db); !reflect.DeepEqual(got, want) {
		t.Errorf("rollup:\n got %v\nwant %v", got, want)
	}
	if s.Rows != 4 || s.EventsInserted != 4 || s.EventsDuplicate != 0 || s.UnpricedLines != 2 ||
		!reflect.DeepEqual(s.UnpricedModels, []string{"acme-super-7"}) || math.Abs(s.CostUSD-19) > 1e-9 ||
		len(s.Partitions) != 1 || !strings.HasPrefix(s.Partitions[0].Key, "sha256:") {
		t.Errorf("summary = %+v", s)
	}
}

func TestIngestEventsDuplicates(t *testing.T) {
	in, db := newIngester(t)
	ingestFile(t, in, "events", "testdata/events_prices.ndjson")
	again := ingestFile(t, in, "events", "testdata/events_prices.ndjson")
	if again.EventsInserted != 0 || again.EventsDuplicate != 4 {
		t.Errorf("same file again: %+v", again)
	}
	more := ingestFile(t, in, "events", "testdata/events_more.ndjson")
	if more.EventsInserted != 1 || more.EventsDuplicate != 2 {
		t.Errorf("overlapping file: %+v", more)
	}
	got := eventLines(t, db)
	// e5: claude-3-5-sonnet with no provider → Anthropic, 1M output tokens at $15.
	if l := got["2024-11-02 Anthropic cust_acme claude-3-5-sonnet output event_estimate"]; l != (eventLine{15, 1e6, 1, false}) {
		t.Errorf("e5 = %+v", l)
	}
	if l := got["2024-11-01 OpenAI cust_acme gpt-4o input event_estimate"]; l != (eventLine{2.5, 1e6, 1, false}) {
		t.Errorf("e2 counted twice: %+v", l)
	}
	assertTotals(t, totals(t, db, "service", "source = 'events'"), map[string]float64{
		"OpenAI API": 10, "Amazon Bedrock": 9, "": 0, "Anthropic API": 15})
	if len(got) != 9 {
		t.Errorf("%d rollup lines, want 9: %v", len(got), got)
	}
}

func TestIngestEventsJSONArrayGzip(t *testing.T) {
	in, db := newIngester(t)
	var buf bytes.Buffer
	zw := newGzip(&buf)
	zw.Write([]byte(`[{"id":"x1","timestamp":"2025-07-01T00:00:00Z","provider":"GCP","model":"gemini-2.5-flash","customer_id":"c","output_tokens":2000000}]`))
	zw.Close()
	s, err := in.Ingest(context.Background(), "events", "e.json.gz", &buf)
	if err != nil {
		t.Fatal(err)
	}
	if s.EventsInserted != 1 || math.Abs(s.CostUSD-5) > 1e-9 { // 2M × $2.50.
		t.Errorf("summary = %+v", s)
	}
	assertTotals(t, totals(t, db, "model", ""), map[string]float64{"gemini-2.5-flash": 5})
}

type parquetFOCUS struct {
	BilledCost         float64   `parquet:"BilledCost"`
	BillingAccountId   string    `parquet:"BillingAccountId"`
	BillingCurrency    string    `parquet:"BillingCurrency"`
	BillingPeriodStart time.Time `parquet:"BillingPeriodStart,timestamp(millisecond)"`
	ChargePeriodStart  time.Time `parquet:"ChargePeriodStart,timestamp(millisecond)"`
	ProviderName       string    `parquet:"ProviderName"`
	ServiceName        string    `parquet:"ServiceName"`
	ConsumedQuantity   float64   `parquet:"ConsumedQuantity"`
	ConsumedUnit       string    `parquet:"ConsumedUnit"`
	SkuMeter           string    `parquet:"SkuMeter"`
	Tags               string    `parquet:"Tags"`
}

func TestIngestFOCUSParquet(t *testing.T) {
	in, db := newIngester(t)
	day := time.Date(2026, 9, 3, 0, 0, 0, 0, time.UTC)
	rows := []parquetFOCUS{
		{2.5, "acct", "USD", day.AddDate(0, 0, -2), day, "Amazon Web Services", "Amazon Bedrock", 500, "1K tokens",
			"USE1-Claude3Haiku-output-tokens", `{"customer":"cust_q"}`},
		{0.75, "acct", "USD", day.AddDate(0, 0, -2), day.AddDate(0, 0, 1), "AWS", "Amazon EC2", 3, "Hours", "", ""},
	}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[parquetFOCUS](&buf)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := in.Ingest(context.Background(), "focus", "f.parquet", &buf)
	if err != nil {
		t.Fatal(err)
	}
	if s.Rows != 2 || s.TokenLines != 1 || s.Partitions[0].Key != "AWS/acct/2026-09" {
		t.Errorf("summary = %+v", s)
	}
	assertTotals(t, totals(t, db, "strftime(date, '%Y-%m-%d') || ' ' || customer_id || ' ' || model || ' ' || usage_amount::BIGINT", ""),
		map[string]float64{"2026-09-03 cust_q claude-3-haiku 500000": 2.5, "2026-09-04   3": 0.75})
}
