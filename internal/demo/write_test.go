package demo_test

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/demo"
)

func writeFile(t *testing.T, format string, d *demo.Dataset) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := demo.WriteFile(&b, format, d); err != nil {
		t.Fatalf("WriteFile(%s): %v", format, err)
	}
	return b.Bytes()
}

func readCSV(t *testing.T, b []byte) (header []string, rows []map[string]string) {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs[1:] {
		row := map[string]string{}
		for i, h := range recs[0] {
			row[h] = r[i]
		}
		rows = append(rows, row)
	}
	return recs[0], rows
}

func number(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func closeTo(got, want float64) bool { return math.Abs(got-want) <= 1e-6*math.Abs(want) }

func totalsBy(ls []cost.LineItem, key func(*cost.LineItem) string) map[string]float64 {
	m := map[string]float64{}
	for i := range ls {
		m[key(&ls[i])] += ls[i].CostUSD
	}
	return m
}

func TestWriteUnified(t *testing.T) {
	t.Parallel()
	d := generate(t)
	header, rows := readCSV(t, writeFile(t, "unified", d))
	wantHeader := []string{"date", "cloud_provider", "service", "model", "token_type", "cost_usd",
		"usage_amount", "customer_id", "account_id", "project", "region", "pricing_tier", "model_family",
		"cost_source", "data_status", "requests"}
	if !slices.Equal(header, wantHeader) {
		t.Fatalf("header = %v, want %v", header, wantHeader)
	}
	if len(rows) != len(d.Lines) {
		t.Fatalf("%d rows, want %d", len(rows), len(d.Lines))
	}
	got := map[string]float64{}
	var tokens float64
	for _, r := range rows {
		if _, err := cost.ParseDate(r["date"]); err != nil {
			t.Fatal(err)
		}
		got[r["cloud_provider"]] += number(t, r["cost_usd"])
		if r["token_type"] != "" {
			tokens += number(t, r["usage_amount"])
		}
	}
	want := totalsBy(d.Lines, func(l *cost.LineItem) string { return l.CloudProvider })
	for p, w := range want {
		if !closeTo(got[p], w) {
			t.Errorf("%s: file total %v, dataset total %v", p, got[p], w)
		}
	}
	var wantTokens float64
	for _, l := range d.Lines {
		if l.IsTokenLine() {
			wantTokens += l.UsageAmount
		}
	}
	if tokens != wantTokens {
		t.Errorf("file tokens %v, dataset tokens %v", tokens, wantTokens)
	}
}

func TestWriteFocus(t *testing.T) {
	t.Parallel()
	d := generate(t)
	header, rows := readCSV(t, writeFile(t, "focus", d))
	for _, c := range []string{"BilledCost", "BillingCurrency", "ChargePeriodStart", "ChargePeriodEnd",
		"ProviderName", "ServiceName", "SubAccountId", "RegionId", "Tags", "SkuMeter", "ConsumedQuantity",
		"ConsumedUnit", "ChargeCategory", "BillingAccountId", "BillingPeriodStart", "BillingPeriodEnd", "ListCost"} {
		if !slices.Contains(header, c) {
			t.Errorf("header lacks %s", c)
		}
	}
	if len(rows) != len(d.Lines) {
		t.Fatalf("%d rows, want %d", len(rows), len(d.Lines))
	}
	var total float64
	byCustomer := map[string]float64{}
	meters := map[string]bool{}
	for i, r := range rows {
		start, err := time.Parse(time.RFC3339, r["ChargePeriodStart"])
		if err != nil || !strings.HasSuffix(r["ChargePeriodStart"], "Z") {
			t.Fatalf("row %d: ChargePeriodStart %q", i+2, r["ChargePeriodStart"])
		}
		if !start.Equal(d.Lines[i].Date) {
			t.Fatalf("row %d: ChargePeriodStart %v, want %v", i+2, start, d.Lines[i].Date)
		}
		var tags map[string]string
		if err := json.Unmarshal([]byte(r["Tags"]), &tags); err != nil {
			t.Fatalf("row %d: Tags %q: %v", i+2, r["Tags"], err)
		}
		c := number(t, r["BilledCost"])
		total += c
		byCustomer[tags["customer_id"]] += c
		meters[r["SkuMeter"]+"|"+r["ConsumedUnit"]] = true
		if r["BillingCurrency"] != "USD" || r["ChargeCategory"] != "Usage" {
			t.Fatalf("row %d: currency %q category %q", i+2, r["BillingCurrency"], r["ChargeCategory"])
		}
	}
	var want float64
	for _, l := range d.Lines {
		want += l.CostUSD
	}
	if !closeTo(total, want) {
		t.Errorf("BilledCost total %v, dataset total %v", total, want)
	}
	if got, want := byCustomer["cust_acme"], totalsBy(d.Lines, func(l *cost.LineItem) string { return l.CustomerID })["cust_acme"]; !closeTo(got, want) {
		t.Errorf("cust_acme from Tags %v, want %v", got, want)
	}
	for _, m := range []string{"gpt-4o Input Tokens|Tokens", "claude-3-5-sonnet Cache Write Tokens|Tokens",
		"llama-3.1-70b Provisioned Throughput|Hours"} {
		if !meters[m] {
			t.Errorf("no row with SkuMeter|ConsumedUnit %s", m)
		}
	}
}

func TestWriteEvents(t *testing.T) {
	t.Parallel()
	d := generate(t)
	var events []cost.Event
	sc := bufio.NewScanner(bytes.NewReader(writeFile(t, "events", d)))
	for sc.Scan() {
		var e cost.Event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("line %d: %v", len(events)+1, err)
		}
		events = append(events, e)
	}
	if len(events) == 0 {
		t.Fatal("no events")
	}
	from := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC) // The last three days of data.
	ids := map[string]bool{}
	gotTokens, gotCost := map[string]int64{}, 0.0
	for _, e := range events {
		if ids[e.ID] {
			t.Fatalf("duplicate id %s", e.ID)
		}
		ids[e.ID] = true
		if e.Provider != "Azure" || e.Timestamp.Before(from) || !e.Timestamp.Before(end.Truncate(24*time.Hour)) || e.CostUSD == nil {
			t.Fatalf("event %+v", e)
		}
		for _, tt := range cost.TokenTypes {
			gotTokens[tt] += e.Tokens(tt)
		}
		gotCost += *e.CostUSD
	}
	wantTokens, wantCost := map[string]int64{}, 0.0
	for _, l := range d.Lines {
		if l.CloudProvider == "Azure" && l.IsTokenLine() && !l.Date.Before(from) {
			wantTokens[l.TokenType] += int64(l.UsageAmount)
			wantCost += l.CostUSD
		}
	}
	for _, tt := range cost.TokenTypes {
		if gotTokens[tt] != wantTokens[tt] {
			t.Errorf("%s tokens: events %d, lines %d", tt, gotTokens[tt], wantTokens[tt])
		}
	}
	if !closeTo(gotCost, wantCost) {
		t.Errorf("events cost %v, lines %v", gotCost, wantCost)
	}
	if events[0].ID != "demo-azure-20261126-00001" {
		t.Errorf("first id %q", events[0].ID)
	}
}

func TestWriteUnknownFormat(t *testing.T) {
	t.Parallel()
	err := demo.WriteFile(&bytes.Buffer{}, "parquet", generate(t))
	if cost.ErrorCode(err) != cost.CodeInvalid {
		t.Errorf("WriteFile(parquet) = %v, want an invalid error", err)
	}
}
