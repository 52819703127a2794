package ingest_test

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/llmcost/llmcost/internal/cost"
)

// noBufferedLines is a real store that fails any batch carrying a slice of
// lines, and counts the lines streamed to it.
type noBufferedLines struct {
	cost.Store
	streamed int
}

func (s *noBufferedLines) Apply(ctx context.Context, b *cost.Batch) (*cost.ApplyResult, error) {
	if len(b.Lines) > 0 {
		return nil, cost.Errorf(cost.CodeInternal, "batch carries %d buffered lines", len(b.Lines))
	}
	if stream := b.Stream; stream != nil {
		b.Stream = func(emit func(*cost.LineItem) error) error {
			return stream(func(l *cost.LineItem) error {
				s.streamed++
				return emit(l)
			})
		}
	}
	return s.Store.Apply(ctx, b)
}

// focusParquet writes n FOCUS rows, 100 per row group, each billing $0.01 for
// 1,000 output tokens on day 1 + i%28 of September 2026; cost overrides the
// cost of row bad (1-based) when bad > 0.
func focusParquet(t *testing.T, n, bad int, cost float64) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[parquetFOCUS](&buf, parquet.MaxRowsPerRowGroup(100))
	start := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		r := parquetFOCUS{0.01, "acct", "USD", start, start.AddDate(0, 0, i%28), "Amazon Web Services",
			"Amazon Bedrock", 1, "1K tokens", "USE1-Claude3Haiku-output-tokens", `{"customer":"cust_p"}`}
		if i+1 == bad {
			r.BilledCost = cost
		}
		if _, err := w.Write([]parquetFOCUS{r}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf
}

// Parquet files reach the store as a stream across row groups, and a bad row
// in the last row group leaves the store as it was.
func TestIngestStreamsParquet(t *testing.T) {
	in, db := newIngester(t)
	store := &noBufferedLines{Store: db}
	in.Store = store
	ctx := context.Background()
	sum, err := in.Ingest(ctx, "focus", "sep.parquet", focusParquet(t, 450, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if store.streamed != 450 || sum.LinesWritten != 450 || sum.Rows != 450 {
		t.Fatalf("streamed %d, summary %+v; want 450 lines", store.streamed, sum)
	}
	// 450 rows × $0.01 and 450 × 1,000 tokens, counted by hand.
	var usd, tokens float64
	if err := db.SQL().QueryRow("SELECT sum(cost_usd), sum(usage_amount) FROM cost_lines").Scan(&usd, &tokens); err != nil {
		t.Fatal(err)
	}
	if math.Abs(usd-4.5) > 1e-9 || tokens != 450_000 {
		t.Errorf("stored $%v and %v tokens, want $4.5 and 450000", usd, tokens)
	}
	if want := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC); !sum.From.Equal(want) || !sum.To.Equal(want.AddDate(0, 0, 27)) {
		t.Errorf("summary covers %v..%v, want 2026-09-01..2026-09-28", sum.From, sum.To)
	}

	// The restated month with a bad 430th row: nothing of it is written.
	_, err = in.Ingest(ctx, "focus", "sep-restated.parquet", focusParquet(t, 450, 430, math.NaN()))
	// Row 430 is line 431 counting the header, as for a CSV.
	if cost.ErrorCode(err) != cost.CodeInvalid || !strings.Contains(err.Error(), `sep-restated.parquet: line 431, column "BilledCost"`) {
		t.Fatalf("err = %v, want CodeInvalid naming the file, line 431 and column BilledCost", err)
	}
	if err := db.SQL().QueryRow("SELECT sum(cost_usd), sum(usage_amount) FROM cost_lines").Scan(&usd, &tokens); err != nil {
		t.Fatal(err)
	}
	if math.Abs(usd-4.5) > 1e-9 || tokens != 450_000 {
		t.Errorf("after the failed restatement: $%v and %v tokens, want the first file's $4.5 and 450000", usd, tokens)
	}
}

// azureParquet is a cost details row of an Azure export in Parquet.
type azureParquet struct {
	BillingAccountID      string    `parquet:"BillingAccountId"`
	Date                  time.Time `parquet:"Date,timestamp(millisecond)"`
	SubscriptionID        string    `parquet:"SubscriptionId"`
	MeterName             string    `parquet:"MeterName"`
	Quantity              float64   `parquet:"Quantity"`
	UnitOfMeasure         string    `parquet:"UnitOfMeasure"`
	CostInBillingCurrency float64   `parquet:"CostInBillingCurrency"`
	BillingCurrency       string    `parquet:"BillingCurrency"`
	Tags                  string    `parquet:"Tags"`
}

// An Azure cost details export in Parquet ingests as its CSV would, streamed.
func TestIngestAzureCostParquet(t *testing.T) {
	in, db := newIngester(t)
	store := &noBufferedLines{Store: db}
	in.Store = store
	day := time.Date(2026, 9, 2, 0, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[azureParquet](&buf)
	if _, err := w.Write([]azureParquet{
		{"B-1", day, "sub-a", "gpt-4o-mini-0718-Inp-glbl Tokens", 2000, "1K", 0.3, "USD", `"customer_id": "acme"`},
		{"B-1", day, "sub-a", "gpt-4o-mini-0718-Outp-glbl Tokens", 500, "1K", 0.3, "USD", `"customer_id": "beta"`},
	}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	sum, err := in.Ingest(context.Background(), "azure-cost", "costs.parquet", &buf)
	if err != nil {
		t.Fatal(err)
	}
	if store.streamed != 2 || sum.TokenLines != 2 {
		t.Errorf("streamed %d lines, summary %+v; want 2 token lines", store.streamed, sum)
	}
	// 2000 and 500 blocks of 1K tokens, by hand.
	assertTotals(t, totals(t, db, "customer_id || ' ' || token_type || ' ' || usage_amount::BIGINT", ""),
		map[string]float64{"acme input 2000000": 0.3, "beta output 500000": 0.3})
}
