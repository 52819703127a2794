package billing_test

import (
	"testing"

	"github.com/llmcost/llmcost/internal/billing"
	"github.com/llmcost/llmcost/internal/cost"
)

// Cost exports are scoped to a billing account or a subscription, and the same
// month is replaced per scope: two subscriptions' exports of one billing
// account keep apart, a line without a subscription stays in the account's.
func TestReadAzureCostPartitions(t *testing.T) {
	tests := []struct{ name, cols, vals, want string }{
		{"subscription a", "BillingAccountId,SubscriptionId,BillingPeriodStartDate", "8611537,sub-a,9/1/2026", "8611537/sub-a/2026-09"},
		{"subscription b", "BillingAccountId,SubscriptionId,BillingPeriodStartDate", "8611537,sub-b,9/1/2026", "8611537/sub-b/2026-09"},
		{"no subscription", "BillingAccountId,SubscriptionId,BillingPeriodStartDate", "8611537,,9/1/2026", "8611537/2026-09"},
		{"no billing account", "SubscriptionId", "sub-a", "sub-a/2026-09"},
	}
	for _, tt := range tests {
		l := azureRow(t, tt.cols, tt.vals)
		if l.SourcePartition != tt.want || l.Source != billing.SourceAzureCost {
			t.Errorf("%s: partition %s %q, want %s %q", tt.name, l.Source, l.SourcePartition, billing.SourceAzureCost, tt.want)
		}
	}
}

// A meter name that says tokens but no direction counts input only when the
// subcategory names no direction either.
func TestReadAzureCostMeterPrefersDirection(t *testing.T) {
	tests := []struct {
		vals, model, tokenType string
	}{
		{"Azure OpenAI,gpt-4o Tokens,gpt 4o 0513 Output global Tokens,1K", "gpt-4o", cost.TokenOutput},
		{"Azure OpenAI,text-embedding-3-small Tokens,Embeddings,1K", "text-embedding-3-small", cost.TokenInput},
		{"Azure OpenAI,Tokens,gpt 4o 0513 Input global Tokens,1K", "gpt-4o", cost.TokenInput},
	}
	for _, tt := range tests {
		l := azureRow(t, "MeterCategory,MeterName,MeterSubCategory,UnitOfMeasure", tt.vals)
		wantLine(t, l, tt.model, tt.tokenType, 2000, "") // 2 units of 1K.
	}
}
