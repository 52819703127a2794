package billing_test

import (
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
)

// Each row is one Cloud Billing export row (1000 units of usage costing 1 in
// its currency) with the normalisation worked out by hand from the SKU text.
func TestReadGCPBillingRows(t *testing.T) {
	tests := []struct {
		name, fields string
		want         want
	}{
		// One SKU per model × modality × direction: the modality is not part of the model.
		{"audio input", `"service":{"description":"Vertex AI"},"sku":{"description":"Gemini 2.5 Flash Audio Input - Predictions"}`,
			want{"gemini-2.5-flash", "input", "standard", 1000, 1, ""}},
		{"image input", `"service":{"description":"Vertex AI"},"sku":{"description":"Gemini 2.5 Pro Image Input - Predictions"}`,
			want{"gemini-2.5-pro", "input", "standard", 1000, 1, ""}},
		{"video input", `"service":{"description":"Vertex AI"},"sku":{"description":"Gemini 2.0 Flash Video Input - Predictions"}`,
			want{"gemini-2.0-flash", "input", "standard", 1000, 1, ""}},
		{"batch audio input", `"service":{"description":"Vertex AI"},"sku":{"description":"Gemini 2.5 Flash Audio Input - Batch Predictions"}`,
			want{"gemini-2.5-flash", "input", "batch", 1000, 1, ""}},
		{"video generation", `"service":{"description":"Vertex AI"},"sku":{"description":"Veo 3 Fast Video Generation"}`,
			want{"", "", "", 1000, 1, ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLines(t, []cost.LineItem{gcpRow(t, tt.fields)}, []want{tt.want})
		})
	}
}
