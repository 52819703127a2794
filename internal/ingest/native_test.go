package ingest_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/llmcost/llmcost/internal/billing"
	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/ingest"
)

const billingTestdata = "../billing/testdata/"

func newNativeIngester(t *testing.T) (*ingest.Ingester, *duckdb.DB) {
	t.Helper()
	in, db := newIngester(t)
	m, err := billing.LoadMapping(billingTestdata + "mapping.json")
	if err != nil {
		t.Fatal(err)
	}
	in.Mapping = m
	return in, db
}

func ingestString(t *testing.T, in *ingest.Ingester, format, name, doc string) *cost.IngestSummary {
	t.Helper()
	s, err := in.Ingest(context.Background(), format, name, strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Each native fixture lands with its hand-computed totals, and ingesting it
// again replaces its partitions instead of adding to them.
func TestIngestNativeIdempotent(t *testing.T) {
	tests := []struct {
		format, file string
		byCustomer   map[string]float64
		partitions   int
	}{
		{"aws-cur", "aws_cur2.csv", map[string]float64{"acme": 5.40 + 3.30 + 0.24 + 480 + 3.00, "globex": 7.50,
			"initech": 0.075 + 0.02 + 0.04 + 0.014, "umbrella": 0.25 + 0.25 + 0.015, "hooli": 0.23,
			"": 0.06 + 0.14 + 0.32 + 0.0225 + 0.03 + 0.0088 + 1.00}, 2},
		{"gcp-billing", "gcp_billing.ndjson", map[string]float64{"acme": 0.319512 + 0.015 + 0.125 + 7.0,
			"globex": 0.125 + 0.10 + 0.20 + 0.0125 + 0.45 - 0.05, "initech": 0.2 + 0.06, "": 0}, 1},
		{"azure-cost", "azure_mca.csv", map[string]float64{"acme": 3.75 + 1.5 + 0.3 + 0.3,
			"contoso": 0.135 + 0.1 + 1.0 + 1.25 + 1.25 + 4.4 + 1.2 + 48.0, "hooli": 0.25}, 2}, // sub-a and sub-b of B-1.
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			in, db := newNativeIngester(t)
			for i := range 2 {
				s := ingestFile(t, in, tt.format, billingTestdata+tt.file)
				if len(s.Partitions) != tt.partitions || (i == 1) != (s.PartitionsReplaced == tt.partitions) {
					t.Errorf("delivery %d: partitions %v, replaced %d", i+1, s.Partitions, s.PartitionsReplaced)
				}
			}
			assertTotals(t, totals(t, db, "coalesce(customer_id, '')", ""), tt.byCustomer)
		})
	}
}

const curHeader = "bill_invoice_id,bill_payer_account_id,bill_billing_period_start_date,line_item_usage_start_date," +
	"line_item_product_code,line_item_usage_type,line_item_usage_amount,pricing_unit,line_item_unblended_cost,resource_tags\n"

// A CUR month delivered twice: the second delivery replaces the first; a late
// correction to a closed month replaces only that month.
func TestIngestNativeRestatement(t *testing.T) {
	in, db := newNativeIngester(t)
	ingestFile(t, in, "aws-cur", billingTestdata+"aws_cur2.csv")
	byMonth := func() map[string]float64 { return totals(t, db, "source_partition", "source = 'aws-cur'") }
	assertTotals(t, byMonth(), map[string]float64{
		"111111111111/2026-09": 5.40 + 7.50 + 0.075 + 0.02 + 0.04 + 0.014 + 0.06 + 0.14 + 0.32 + 0.0225 + 0.03 +
			0.0088 + 0.25 + 0.25 + 0.015 + 3.30 + 0.24 + 480 + 0.23 + 1.00,
		"111111111111/2026-08": 3.00})

	september := curHeader +
		`,111111111111,2026-09-01T00:00:00Z,2026-09-01T00:00:00Z,AmazonBedrock,USE1-Claude4.6Sonnet-input-tokens,1000,1K tokens,3.00,"{""user_customer_id"":""acme""}"` + "\n" +
		`,111111111111,2026-09-01T00:00:00Z,2026-09-02T00:00:00Z,AmazonBedrock,USE1-Claude4.6Sonnet-output-tokens,100,1K tokens,1.50,"{""user_customer_id"":""globex""}"` + "\n"
	s := ingestString(t, in, "aws-cur", "september-2.csv", september)
	if s.PartitionsReplaced != 1 || s.LinesWritten != 2 {
		t.Errorf("second delivery: %+v", s)
	}
	assertTotals(t, byMonth(), map[string]float64{"111111111111/2026-09": 4.50, "111111111111/2026-08": 3.00})

	august := curHeader +
		`INV-0826,111111111111,2026-08-01T00:00:00Z,2026-08-31T00:00:00Z,AmazonBedrock,USE1-Claude4.6Sonnet-input-tokens,1000,1K tokens,2.75,"{""user_customer_id"":""acme""}"` + "\n" +
		`INV-0826,111111111111,2026-08-01T00:00:00Z,2026-08-31T00:00:00Z,AWSSupportBusiness,,1,,0.25,` + "\n"
	ingestString(t, in, "aws-cur", "august-refresh.csv", august)
	assertTotals(t, byMonth(), map[string]float64{"111111111111/2026-09": 4.50, "111111111111/2026-08": 3.00})
	assertTotals(t, totals(t, db, "data_status", "source = 'aws-cur'"), map[string]float64{
		cost.StatusProvisional: 4.50, cost.StatusFinal: 3.00})
	assertTotals(t, totals(t, db, "coalesce(customer_id, '')", "source = 'aws-cur'"), map[string]float64{
		"acme": 3.00 + 2.75, "globex": 1.50, "": 0.25})
	assertTotals(t, totals(t, db, "model || '/' || token_type", "source = 'aws-cur'"), map[string]float64{
		"claude-sonnet-4-6/input": 3.00 + 2.75, "claude-sonnet-4-6/output": 1.50, "/": 0.25})
}

// A bad value names the file, line and column, and writes nothing.
func TestIngestNativeBadInput(t *testing.T) {
	in, db := newNativeIngester(t)
	tests := []struct{ format, doc, want string }{
		{"aws-cur", curHeader + ",1,2026-09-01,2026-09-01,AmazonBedrock,x,ten,,1,\n", `bad.csv: line 2, column "line_item_usage_amount"`},
		{"gcp-billing", `{"usage_start_time":"2026-09-01 00:00:00 UTC","cost":1}` + "\n" + `{"usage_start_time":"yesterday","cost":1}`, `bad.csv: line 2, column "usage_start_time"`},
		{"azure-cost", "Date,Cost\n9/31/2026x,1\n", `bad.csv: line 2, column "Date"`},
	}
	for _, tt := range tests {
		_, err := in.Ingest(context.Background(), tt.format, "bad.csv", strings.NewReader(tt.doc))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.format, err, tt.want)
		}
	}
	if n := totals(t, db, "'all'", ""); len(n) != 0 {
		t.Errorf("lines written: %v", n)
	}
}

// A gzip-compressed export reads as the plain file does.
func TestIngestNativeGzip(t *testing.T) {
	for format, file := range map[string]string{"aws-cur": "aws_cur2.csv", "gcp-billing": "gcp_billing.ndjson",
		"azure-cost": "azure_mca.csv"} {
		raw, err := os.ReadFile(billingTestdata + file)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(raw)
		zw.Close()
		in, _ := newNativeIngester(t)
		plain := ingestString(t, in, format, file, string(raw))
		in, _ = newNativeIngester(t)
		zipped := ingestString(t, in, format, file+".gz", buf.String())
		if plain.Rows != zipped.Rows || plain.TokenLines != zipped.TokenLines || plain.CostUSD != zipped.CostUSD ||
			plain.Rows == 0 || plain.TokenLines == 0 {
			t.Errorf("%s: plain %+v, gzip %+v", format, plain, zipped)
		}
	}
}
