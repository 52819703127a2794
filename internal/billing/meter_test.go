package billing_test

import (
	"testing"

	"github.com/llmcost/llmcost/internal/billing"
)

func TestParseMeter(t *testing.T) {
	tests := []struct {
		text string
		want billing.Meter
		ok   bool
	}{
		{"USE1-Claude3Sonnet-input-tokens", billing.Meter{"claude-3-sonnet", "input", ""}, true},
		{"USE1-Claude4.6Sonnet-input-tokens", billing.Meter{"claude-sonnet-4-6", "input", ""}, true},
		{"EUW2-Mistral7B-output-tokens", billing.Meter{"mistral-7b", "output", ""}, true},
		{"EUW2-MistralLarge-input-tokens", billing.Meter{"mistral-large", "input", ""}, true},
		{"EUW2-Mixtral8x7B-output-tokens", billing.Meter{"mixtral-8x7b", "output", ""}, true},
		{"EUW2-NovaPro-output-tokens", billing.Meter{"nova-pro", "output", ""}, true},
		{"USE1-Claude4Sonnet-input-tokens-cross-region-global", billing.Meter{"claude-sonnet-4", "input", ""}, true},
		{"USE1-Llama4-Maverick-17B-input-tokens-batch", billing.Meter{"llama-4-maverick-17b", "input", "batch"}, true},
		{"USW2-MP:USW2_InputTokenCount-Units", billing.Meter{"", "input", ""}, true},
		{"USE1-MP:USE1_CacheReadInputTokenCount-Units", billing.Meter{"", "cache_read", ""}, true},
		{"USE1-MP:USE1_CacheWriteInputTokenCount-Units", billing.Meter{"", "cache_write", ""}, true},
		{"Gemini 1.5 Pro Text Input", billing.Meter{"gemini-1.5-pro", "input", ""}, true},
		{"Gemini 2.5 Flash GA Text Input - Predictions", billing.Meter{"gemini-2.5-flash", "input", ""}, true},
		{"Gemini 2.5 Flash GA Input Text Caching", billing.Meter{"gemini-2.5-flash", "cache_read", ""}, true},
		{"Gemini 2.5 Flash GA Text Output (Thinking On) - Predictions", billing.Meter{"gemini-2.5-flash", "output", ""}, true},
		{"Gemini 2.5 Pro Thinking Text Output - Predictions", billing.Meter{"gemini-2.5-pro", "reasoning", ""}, true},
		{"Gemini 2.0 Flash Text Input (Long) - Predictions", billing.Meter{"gemini-2.0-flash", "input", ""}, true},
		{"Gemini 2.0 Flash Batch Text Output - Predictions", billing.Meter{"gemini-2.0-flash", "output", "batch"}, true},
		{"gpt-4o-mini-0718-Inp-glbl Tokens", billing.Meter{"gpt-4o-mini", "input", ""}, true},
		{"gpt-4o-mini-0718-Outp-glbl Tokens", billing.Meter{"gpt-4o-mini", "output", ""}, true},
		{"gpt 4o 0513 Input global Tokens", billing.Meter{"gpt-4o", "input", ""}, true},
		{"gpt 4o 0513 outpt glbl Tokens", billing.Meter{"gpt-4o", "output", ""}, true},
		{"o3 pro Outpt glbl Tokens", billing.Meter{"o3-pro", "output", ""}, true},
		{"gpt 4o 1120 cached Inp glbl Tokens", billing.Meter{"gpt-4o", "cache_read", ""}, true},
		{"gpt 4o 1120 Batch Inp glbl Tokens", billing.Meter{"gpt-4o", "input", "batch"}, true},
		{"R1 Inp glbl Tokens", billing.Meter{"deepseek-r1", "input", ""}, true},
		{"Claude 3.5 Sonnet output tokens", billing.Meter{"claude-3-5-sonnet", "output", ""}, true},
		{"$0.003 per 1K input tokens for Claude 3.5 Sonnet", billing.Meter{"claude-3-5-sonnet", "input", ""}, true},
		{"Standard Text Records", billing.Meter{}, false},
		{"$0.40 per million Amazon SQS standard requests in Tier1 in US West (Oregon)", billing.Meter{}, false},
		{"$0.09 per GB - data transfer out", billing.Meter{"", "output", ""}, true},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got, ok := billing.ParseMeter(tt.text)
			if got != tt.want || ok != tt.ok {
				t.Errorf("ParseMeter = %+v, %v; want %+v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestFindModel(t *testing.T) {
	for text, want := range map[string]string{
		"Claude 3 Haiku (Amazon Bedrock Edition)": "claude-3-haiku",
		"Amazon Bedrock":         "",
		"Azure OpenAI":           "",
		"Llama 3.1 70B Instruct": "llama-3.1-70b",
	} {
		if got := billing.FindModel(text); got != want {
			t.Errorf("FindModel(%q) = %q, want %q", text, got, want)
		}
	}
}
