package billing_test

import (
	"strings"
	"testing"

	"github.com/llmcost/llmcost/internal/billing"
	"github.com/llmcost/llmcost/internal/cost"
)

// Each row is one Cloud Billing export row (1000 units of usage costing 1 in
// its currency) with the normalisation worked out by hand from the SKU text.
func TestReadGCPBillingRows(t *testing.T) {
	tests := []struct {
		name, fields string
		want         want
		listUSD      float64 // Checked when not 0.
	}{
		// One SKU per model × modality × direction: the modality is not part of the model.
		{"audio input", `"service":{"description":"Vertex AI"},"sku":{"description":"Gemini 2.5 Flash Audio Input - Predictions"}`,
			want{"gemini-2.5-flash", "input", "standard", 1000, 1, ""}, 0},
		{"image input", `"service":{"description":"Vertex AI"},"sku":{"description":"Gemini 2.5 Pro Image Input - Predictions"}`,
			want{"gemini-2.5-pro", "input", "standard", 1000, 1, ""}, 0},
		{"video input", `"service":{"description":"Vertex AI"},"sku":{"description":"Gemini 2.0 Flash Video Input - Predictions"}`,
			want{"gemini-2.0-flash", "input", "standard", 1000, 1, ""}, 0},
		{"batch audio input", `"service":{"description":"Vertex AI"},"sku":{"description":"Gemini 2.5 Flash Audio Input - Batch Predictions"}`,
			want{"gemini-2.5-flash", "input", "batch", 1000, 1, ""}, 0},
		// Live API SKUs as a real export spells them: audio in and out are tokens of the model.
		{"live audio input", `"service":{"description":"Vertex AI"},"sku":{"description":"Gemini 2.5 Flash Live Audio Input - Predictions"}`,
			want{"gemini-2.5-flash-live", "input", "standard", 1000, 1, ""}, 0},
		{"live audio output", `"service":{"description":"Vertex AI"},"sku":{"description":"Gemini 2.5 Flash Live Audio (AV2A) Output - Predictions"}`,
			want{"gemini-2.5-flash-live", "output", "standard", 1000, 1, ""}, 0},
		{"live text input", `"service":{"description":"Vertex AI"},"sku":{"description":"Gemini 2.5 Flash Live Text Input - Predictions"}`,
			want{"gemini-2.5-flash-live", "input", "standard", 1000, 1, ""}, 0},
		{"global", `"service":{"description":"Vertex AI"},"sku":{"description":"Gemini 3.1 Flash Lite Global Text Input - Predictions"}`,
			want{"gemini-3.1-flash-lite", "input", "standard", 1000, 1, ""}, 0},
		// A real export's caching SKUs begin with a space.
		{"leading space", `"service":{"description":"Vertex AI"},"sku":{"description":" Gemini 2.5 Flash Lite Input Text Caching"}`,
			want{"gemini-2.5-flash-lite", "cache_read", "standard", 1000, 1, ""}, 0},
		// Output without thinking, spelt as in a real export, is output, not reasoning.
		{"no thinking", `"service":{"description":"Vertex AI"},"sku":{"description":"Gemini 2.5 Flash GA Text Output (no thinking)"}`,
			want{"gemini-2.5-flash", "output", "standard", 1000, 1, ""}, 0},
		{"thinking off", `"service":{"description":"Vertex AI"},"sku":{"description":"Gemini 2.5 Flash Text Output (Thinking Off) - Predictions"}`,
			want{"gemini-2.5-flash", "output", "standard", 1000, 1, ""}, 0},
		{"non-thinking", `"service":{"description":"Vertex AI"},"sku":{"description":"Gemini 2.5 Flash Text Output Non-thinking - Predictions"}`,
			want{"gemini-2.5-flash", "output", "standard", 1000, 1, ""}, 0},
		{"thinking", `"service":{"description":"Vertex AI"},"sku":{"description":"Gemini 2.5 Flash GA Thinking Text Output - Predictions"}`,
			want{"gemini-2.5-flash", "reasoning", "standard", 1000, 1, ""}, 0},
		{"video generation", `"service":{"description":"Vertex AI"},"sku":{"description":"Veo 3 Fast Video Generation"}`,
			want{"", "", "", 1000, 1, ""}, 0},
		// USD = local ÷ currency_conversion_rate, for the list cost as for the cost:
		// net 1 - 0.2 = 0.8 EUR → 1.6 USD; list 1.2 EUR → 2.4 USD.
		{"EUR list cost", `"service":{"description":"Vertex AI"},"sku":{"description":"Gemini 2.5 Pro Text Input - Predictions"},` +
			`"currency":"EUR","currency_conversion_rate":0.5,"cost_at_list":1.2,"credits":[{"amount":"-0.2"}]`,
			want{"gemini-2.5-pro", "input", "standard", 1000, 1.6, ""}, 2.4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := gcpRow(t, tt.fields)
			checkLines(t, []cost.LineItem{l}, []want{tt.want})
			if tt.listUSD != 0 && (l.ListCostUSD == nil || !near(*l.ListCostUSD, tt.listUSD)) {
				t.Errorf("list cost %v, want %v USD", l.ListCostUSD, tt.listUSD)
			}
		})
	}
}

// A mapping rule may match a SKU by its stable sku.id as well as by its description.
func TestReadGCPBillingSKUIDRule(t *testing.T) {
	m, err := billing.ParseMapping("m.json", strings.NewReader(`{"meters": [
		{"provider": "GCP", "match": "^9B2D-6C1A-5F00$", "model": "claude-sonnet-4-5", "token_type": "input"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	doc := `{"billing_account_id":"B","usage_start_time":"2026-09-01 00:00:00 UTC","cost":3,"currency":"USD",` +
		`"service":{"description":"Vertex AI"},"sku":{"id":"9B2D-6C1A-5F00","description":"Partner Model Usage"},` +
		`"usage":{"amount":1000000,"unit":"count"},"invoice":{"month":"202609"}}` + "\n"
	var got []cost.LineItem
	err = billing.ReadGCPBilling("row.json", strings.NewReader(doc), &billing.NativeOptions{Mapping: m},
		func(l *cost.LineItem) error { got = append(got, *l); return nil }, func(string) {})
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, got, []want{{"claude-sonnet-4-5", "input", "standard", 1e6, 3, ""}})
}
