package ingest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/duckdb"
)

// TestIngest_ReservedCustomerRefused checks that a file attributing a row to an
// id no customer may have fails whole, naming the file, row and id, and writes
// nothing.
func TestIngest_ReservedCustomerRefused(t *testing.T) {
	const header = "date,cloud_provider,service,model,token_type,cost_usd,usage_amount,customer_id\n"
	const good = "2026-10-01,GCP,Vertex AI,gemini-1.5-pro,input,1.50,1000,cust_acme\n"
	tests := []struct {
		name, format, body, want string
	}{
		{"UnifiedOrgKey", "unified", header + good + "2026-10-01,GCP,Vertex AI,gemini-1.5-pro,input,2.00,1000,_org\n",
			`bad.csv: data row 2: Customer id "_org" is reserved`},
		{"UnifiedReservedPrefix", "unified", header + "2026-10-01,GCP,Vertex AI,gemini-1.5-pro,input,2.00,1000,_internal\n" + good,
			`bad.csv: data row 1: Customer id "_internal" is reserved`},
		{"UnifiedOverlong", "unified", header + good + "2026-10-01,GCP,Vertex AI,gemini-1.5-pro,input,2.00,1000," + strings.Repeat("x", 201) + "\n",
			"bad.csv: data row 2: Customer id is longer than 200 bytes"},
		{"EventsOrgKey", "events", `{"id":"e1","timestamp":"2026-10-01T00:00:00Z","model":"gpt-4o","input_tokens":10,"customer_id":"cust_acme"}` + "\n" +
			`{"id":"e2","timestamp":"2026-10-01T00:00:00Z","model":"gpt-4o","input_tokens":10,"customer_id":"_org"}` + "\n",
			`bad.csv: data row 2: Customer id "_org" is reserved`},
		{"EventsControlCharacterInTag", "events", `{"id":"e1","timestamp":"2026-10-01T00:00:00Z","model":"gpt-4o","input_tokens":10,"tags":{"tenant":"acme\u001b[2J"}}` + "\n",
			`bad.csv: data row 1: Customer id "acme\x1b[2J" contains a control character`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, db := newIngester(t)
			_, err := in.Ingest(context.Background(), tt.format, "bad.csv", strings.NewReader(tt.body))
			if cost.ErrorCode(err) != cost.CodeInvalid || cost.ErrorField(err) != "customer_id" ||
				!strings.Contains(cost.ErrorMessage(err), tt.want) {
				t.Fatalf("err = %v, want invalid customer_id containing %q", err, tt.want)
			}
			if got := totals(t, db, "customer_id", ""); len(got) != 0 {
				t.Errorf("store after a refused file: %v, want nothing", got)
			}
			if got := eventCount(t, db); got != 0 {
				t.Errorf("%d events stored after a refused file, want 0", got)
			}
		})
	}
}

// eventCount returns the number of stored event ids.
func eventCount(t *testing.T, db *duckdb.DB) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRow(`SELECT count(*) FROM events`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
