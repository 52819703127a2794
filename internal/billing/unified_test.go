package billing_test

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/billing"
	"github.com/llmcost/llmcost/internal/cost"
)

// collect reads lines with fn into a slice.
func collect(t *testing.T, read func(billing.LineFunc) error) []*cost.LineItem {
	t.Helper()
	var lines []*cost.LineItem
	if err := read(func(l *cost.LineItem) error { lines = append(lines, l); return nil }); err != nil {
		t.Fatal(err)
	}
	return lines
}

func TestReadUnified(t *testing.T) {
	f, err := os.Open("testdata/unified.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lines := collect(t, func(fn billing.LineFunc) error { return billing.ReadUnified("unified.csv", f, fn) })
	type row struct {
		date, provider, model, tokenType, customer, partition string
		costUSD, usage                                        float64
	}
	var got []row
	for _, l := range lines {
		got = append(got, row{l.Date.Format(cost.DateLayout), l.CloudProvider, l.Model, l.TokenType,
			l.CustomerID, l.SourcePartition, l.CostUSD, l.UsageAmount})
	}
	want := []row{
		{"2026-10-01", "GCP", "gemini-1.5-pro", "input", "cust_acme", "GCP/2026-10", 12.5, 10000000},
		{"2026-10-01", "AWS", "claude-3-5-sonnet", "output", "cust_beta", "AWS/2026-10", 30, 2000000},
		{"2026-10-02", "Azure", "gpt-4o", "cache_read", "", "Azure/2026-10", 0.75, 600000},
		{"2026-11-01", "AWS", "", "", "", "AWS/2026-11", 4.2, 120},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if lines[0].Tags["team"] != "search" || lines[0].Region != "us-central1" || lines[0].ModelFamily != "gemini" {
		t.Errorf("extras not mapped: %+v", lines[0])
	}
	if lines[0].Source != "unified" || lines[0].CostSource != cost.SourceBillingExport {
		t.Errorf("source = %q/%q", lines[0].Source, lines[0].CostSource)
	}
}

func TestUnifiedRoundTrip(t *testing.T) {
	list := 3.25
	in := []*cost.LineItem{{
		Date: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), ChargePeriodStart: time.Date(2026, 10, 1, 10, 0, 0, 0, time.UTC),
		ChargePeriodEnd: time.Date(2026, 10, 1, 11, 0, 0, 0, time.UTC), CloudProvider: "GCP", Service: "Vertex AI",
		Model: "gemini-1.5-pro", ModelFamily: "gemini", TokenType: "input", PricingTier: "batch",
		UsageAmount: 123456789, UsageUnit: "tokens", CostUSD: 0.1 + 0.2, Cost: 0.3, Currency: "USD",
		ListCostUSD: &list, CustomerID: "cust, \"quoted\"", AccountID: "acct", Project: "p", Region: "r",
		Tags: map[string]string{"a": "1", "b": "x,y"}, Source: "unified", SourcePartition: "GCP/2026-10",
		CostSource: cost.SourceEventEstimate, DataStatus: cost.StatusFinal, ChargeCategory: "Usage",
		Requests: 42, Unpriced: true,
	}, {
		Date: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), CloudProvider: "AWS", Service: "Amazon S3",
		CostUSD: -1e-9, Source: "unified", SourcePartition: "AWS/2026-11", CostSource: cost.SourceBillingExport,
	}}
	var buf bytes.Buffer
	w := billing.NewUnifiedWriter(&buf)
	for _, l := range in {
		if err := w.Write(l); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	out := collect(t, func(fn billing.LineFunc) error { return billing.ReadUnified("export.csv", &buf, fn) })
	if !reflect.DeepEqual(out, in) {
		for i := range out {
			t.Errorf("line %d:\n got  %+v\n want %+v", i, *out[i], *in[i])
		}
	}
}

func TestUnifiedWriterEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := billing.NewUnifiedWriter(&buf).Flush(); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "date,cloud_provider,service,model,token_type,cost_usd,usage_amount,customer_id,") {
		t.Errorf("header = %q", buf.String())
	}
}

func TestReadUnifiedErrors(t *testing.T) {
	const header = "date,cloud_provider,service,model,token_type,cost_usd,usage_amount,customer_id\n"
	const good = "2026-10-01,GCP,Vertex AI,gemini-1.5-pro,input,1,10,c\n"
	tests := []struct {
		name, body, want, field string
	}{
		{"empty file", "", "f.csv: line 1: file is empty", ""},
		{"missing column", "date,cloud_provider\n", `f.csv: line 1, column "service": required column is missing`, "service"},
		{"bad number on last line", header + good + good + "2026-10-02,GCP,Vertex AI,m,input,1.2.3,10,c\n",
			`f.csv: line 4, column "cost_usd": "1.2.3" is not a number`, "cost_usd"},
		{"bad date", header + "10/01/2026,GCP,s,m,input,1,1,c\n", `f.csv: line 2, column "date": "10/01/2026" is not a date`, "date"},
		{"empty cost", header + "2026-10-01,GCP,s,m,input,,1,c\n", `f.csv: line 2, column "cost_usd": value is empty`, "cost_usd"},
		{"bad token type", header + "2026-10-01,GCP,s,m,prompt,1,1,c\n", `f.csv: line 2, column "token_type": "prompt" is not a token type`, "token_type"},
		{"wrong width", header + good + "2026-10-01,GCP,s\n",
			"f.csv: line 3: the line has 3 fields and the header 8; a field is missing, or a value holding a comma is not quoted", ""},
		{"too wide", header + "2026-10-01,GCP,Vertex AI,gemini-1.5-pro,input,1,000.5,10,c\n",
			"f.csv: line 2: the line has 9 fields and the header 8; a field is missing, or a value holding a comma is not quoted", ""},
		{"BOM and case in header", "\ufeffDATE,Cloud_Provider,service,model,token_type,cost_usd,usage_amount,customer_id\n" + "2026-10-01,,s,m,input,1,1,c\n",
			`f.csv: line 2, column "Cloud_Provider": value is empty`, "cloud_provider"},
		{"BOM before a quoted header", "\ufeff\"date\",cloud_provider,service,model,token_type,cost_usd,usage_amount,customer_id\n" + "2026-10-01,,s,m,input,1,1,c\n",
			`f.csv: line 2, column "cloud_provider": value is empty`, "cloud_provider"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := billing.ReadUnified("f.csv", strings.NewReader(tt.body), func(*cost.LineItem) error { return nil })
			var ce *cost.Error
			if !errors.As(err, &ce) || ce.Code != cost.CodeInvalid {
				t.Fatalf("err = %v, want a CodeInvalid *cost.Error", err)
			}
			if !strings.HasPrefix(ce.Message, tt.want) {
				t.Errorf("message = %q, want prefix %q", ce.Message, tt.want)
			}
			if !strings.EqualFold(ce.Field, tt.field) {
				t.Errorf("field = %q, want %q", ce.Field, tt.field)
			}
		})
	}
}
