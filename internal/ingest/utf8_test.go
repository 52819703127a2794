package ingest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/llmcost/llmcost/internal/duckdb"
	"github.com/llmcost/llmcost/internal/ingest"
)

// A byte that is not UTF-8 in a text column of a file DuckDB would read is
// refused with its line, and the store stays usable: DuckDB's reader is not
// given such a file (in a column it projects away it fails fatally and the
// database must be reopened).
func TestIngest_NotUTF8LeavesStoreUsable(t *testing.T) {
	const unifiedHead = "date,cloud_provider,service,model,token_type,cost_usd,usage_amount,customer_id\n"
	good := unifiedHead + "2026-11-01,AWS,Amazon Bedrock,claude,input,1,1000,cust_a\n"
	focus := focusGenerated()
	last := strings.LastIndex(strings.TrimSuffix(focus, "\n"), "\n")
	badFOCUS := focus[:last+1] + strings.Replace(focus[last+1:], ",sub-", ",sub-\xe9", 1)
	tests := []struct {
		name, format, body, wantLine string
	}{
		{"unified customer_id", "unified", unifiedHead + "2026-11-01,AWS,Amazon Bedrock,claude,input,1,1000,cust_\xe9\n", "line 2"},
		{"unified model", "unified", unifiedHead + "2026-11-01,AWS,Amazon Bedrock,clau\xffde,input,1,1000,cust_a\n", "line 2"},
		{"unified rune cut short at the end", "unified", unifiedHead + "2026-11-01,AWS,Amazon Bedrock,claude,input,1,1000,cust_\xe2\x82", "line 2"},
		{"focus SubAccountId", "focus", badFOCUS, "line 201"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := duckdb.Open("")
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			in := &ingest.Ingester{Store: db}
			ctx := context.Background()
			_, err = in.Ingest(ctx, tt.format, "bad.csv", strings.NewReader(tt.body))
			if err == nil || !strings.Contains(err.Error(), tt.wantLine) || !strings.Contains(err.Error(), "UTF-8") {
				t.Fatalf("error = %v, want one naming %s and UTF-8", err, tt.wantLine)
			}
			if got := dumpLines(t, db); len(got) != 0 {
				t.Fatalf("stored %v after a refused file", got)
			}
			if _, err := in.Ingest(ctx, "unified", "good.csv", strings.NewReader(good)); err != nil {
				t.Fatalf("the next ingest failed: %v", err)
			}
			var n int
			if err := db.SQL().QueryRow(`SELECT count(*) FROM cost_lines`).Scan(&n); err != nil || n != 1 {
				t.Errorf("%d lines after a good file (%v), want 1", n, err)
			}
		})
	}
}
