package billing_test

import (
	"testing"

	"github.com/llmcost/llmcost/internal/billing"
)

func TestCanonicalModel(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"Claude3.5Sonnet", "claude-3-5-sonnet"},
		{"anthropic.claude-3-5-sonnet-20240620-v1:0", "claude-3-5-sonnet"},
		{"us.anthropic.claude-3-5-sonnet-20241022-v2:0", "claude-3-5-sonnet"},
		{"claude-3-5-sonnet@20240620", "claude-3-5-sonnet"},
		{"claude-3-5-sonnet-20240620", "claude-3-5-sonnet"},
		{"Claude 3.5 Sonnet", "claude-3-5-sonnet"},
		{"claude-3-7-sonnet-latest", "claude-3-7-sonnet"},
		{"claude-sonnet-4-20250514", "claude-sonnet-4"},
		{"anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5"},
		{"Claude4Sonnet", "claude-sonnet-4"},
		{"Claude4.6Sonnet", "claude-sonnet-4-6"},
		{"claude-opus-4-0", "claude-opus-4"},
		{"claude-3-haiku-20240307", "claude-3-haiku"},
		{"Claude3Haiku", "claude-3-haiku"},
		{"gpt-4o-2024-08-06", "gpt-4o"},
		{"gpt-4o", "gpt-4o"},
		{"gpt 4o 0513", "gpt-4o"},
		{"gpt-4o-mini-0718", "gpt-4o-mini"},
		{"azure/gpt-4o-mini-2024-07-18", "gpt-4o-mini"},
		{"gpt-35-turbo", "gpt-3.5-turbo"},
		{"gpt-4.1-mini-2025-04-14", "gpt-4.1-mini"},
		{"o3-mini-2025-01-31", "o3-mini"},
		{"o3", "o3"},
		{"gemini-1.5-pro-002", "gemini-1.5-pro"},
		{"Gemini 1.5 Pro", "gemini-1.5-pro"},
		{"publishers/google/models/gemini-2.0-flash-001", "gemini-2.0-flash"},
		{"gemini-2.5-pro-preview-05-06", "gemini-2.5-pro"},
		{"Gemini 2.5 Flash Lite", "gemini-2.5-flash-lite"},
		{"Gemini 3.0 Pro", "gemini-3-pro"},
		{"gemini-3-pro-preview", "gemini-3-pro"},
		{"Gemini 3.0 Flash", "gemini-3-flash"},
		{"gemini-2.0-flash", "gemini-2.0-flash"},
		{"meta.llama3-1-70b-instruct-v1:0", "llama-3.1-70b"},
		{"meta-llama/Llama-3.1-70B-Instruct", "llama-3.1-70b"},
		{"llama-3.1-70b", "llama-3.1-70b"},
		{"Llama4-Maverick-17B", "llama-4-maverick-17b"},
		{"mistral.mistral-large-2407-v1:0", "mistral-large"},
		{"MistralLarge", "mistral-large"},
		{"Mistral7B", "mistral-7b"},
		{"mistral.mistral-7b-instruct-v0:2", "mistral-7b"},
		{"Mixtral8x7B", "mixtral-8x7b"},
		{"amazon.nova-pro-v1:0", "nova-pro"},
		{"NovaPro", "nova-pro"},
		{"R1", "deepseek-r1"},
		{"DeepSeek-R1", "deepseek-r1"},
		{"DeepSeek R1", "deepseek-r1"},
		{"deepseek.r1-v1:0", "deepseek-r1"},
		{"DeepSeek-V3.1", "deepseek-v3.1"},
		{"deepseek-v3", "deepseek-v3"},
		{"DeepSeekV3", "deepseek-v3"},
		{"deepseek.v3-v1:0", "deepseek-v3"},
		{"DeepSeek V3", "deepseek-v3"},
		{"  Some_New Model  ", "some-new-model"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got := billing.CanonicalModel(tt.raw)
			if got != tt.want {
				t.Errorf("CanonicalModel(%q) = %q, want %q", tt.raw, got, tt.want)
			}
			if again := billing.CanonicalModel(got); again != got {
				t.Errorf("not idempotent: CanonicalModel(%q) = %q", got, again)
			}
		})
	}
}
