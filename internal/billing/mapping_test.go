package billing_test

import (
	"strings"
	"testing"

	"github.com/llmcost/llmcost/internal/billing"
	"github.com/llmcost/llmcost/internal/cost"
)

// The same model billed by three clouds and called directly is one model id.
func TestNormalizeMeterAcrossClouds(t *testing.T) {
	var m *billing.Mapping
	tests := []struct{ provider, text string }{
		{"AWS", "USE1-Claude3.5Sonnet-input-tokens"},
		{"GCP", "Claude 3.5 Sonnet Input Tokens"},
		{"GCP", "claude-3-5-sonnet@20240620 input"},
		{"Azure", "claude-3-5-sonnet-20240620 Inp glbl Tokens"},
	}
	for _, tt := range tests {
		got, _, ok := m.NormalizeMeter(tt.provider, tt.text)
		if !ok || got.Model != "claude-3-5-sonnet" || got.TokenType != "input" {
			t.Errorf("%s %q: %+v, %v", tt.provider, tt.text, got, ok)
		}
	}
}

func TestMappingRules(t *testing.T) {
	m, err := billing.ParseMapping("m.json", strings.NewReader(`{"meters": [
		{"provider": "Azure", "match": "^ft-acme (inp|input)", "model": "gpt-4o-2024-08-06", "token_type": "input", "tier": "batch", "tokens_per_unit": 1000},
		{"match": "Gemini 2\\.5 Pro Text Input", "model": "gemini-2.5-pro-custom", "token_type": "input"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		provider, text string
		want           billing.Meter
		block          float64
		ok             bool
	}{
		{"Azure", "FT-ACME Input Tokens", billing.Meter{Model: "gpt-4o", TokenType: "input", Tier: "batch"}, 1000, true},
		{"AWS", "ft-acme input tokens", billing.Meter{TokenType: "input"}, 0, true}, // Rule is Azure only.
		{"GCP", "Gemini 2.5 Pro Text Input - Predictions", billing.Meter{Model: "gemini-2.5-pro-custom", TokenType: "input"}, 0, true},
		{"GCP", "Gemini 2.5 Pro Caching Storage", billing.Meter{}, 0, false},
	}
	for _, tt := range tests {
		got, block, ok := m.NormalizeMeter(tt.provider, tt.text)
		if got != tt.want || block != tt.block || ok != tt.ok {
			t.Errorf("%s %q: got %+v, %v, %v; want %+v, %v, %v", tt.provider, tt.text, got, block, ok, tt.want, tt.block, tt.ok)
		}
	}
}

func TestParseMappingErrors(t *testing.T) {
	tests := []struct{ doc, want string }{
		{`{"meters": [{"match": "(", "model": "x", "token_type": "input"}]}`, "meters[0].match"},
		{`{"meters": [{"match": "x", "token_type": "prompt"}]}`, "meters[0].token_type"},
		{`{"customers": [{"kind": "team", "value": "x", "customer": "y"}]}`, "customers[0]"},
		{`{"customers": [{"kind": "project", "value": "x"}]}`, "customers[0]"},
		{`{"meter": []}`, "unknown field"},
	}
	for _, tt := range tests {
		_, err := billing.ParseMapping("m.json", strings.NewReader(tt.doc))
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "m.json") {
			t.Errorf("%s: error %v, want %q", tt.doc, err, tt.want)
		}
	}
}

func TestNormalizeMeterVariants(t *testing.T) {
	var m *billing.Mapping
	tests := []struct {
		text string
		want billing.Meter
		ok   bool
	}{
		{"Generate content input token count Gemini 1.5 Flash short input text", billing.Meter{"gemini-1.5-flash", "input", ""}, true},
		{"Generate content output token count Gemini 1.5 Pro long output text", billing.Meter{"gemini-1.5-pro", "output", "long_context"}, true},
		{"text-embedding-3-large Tokens", billing.Meter{"text-embedding-3-large", "input", ""}, true},
		{"gpt 4o 1120 Inp regnl Tokens", billing.Meter{"gpt-4o", "input", ""}, true},
		{"USE1-Guardrails-TextUnits", billing.Meter{}, false},
		{"Veo 3 Fast Video Generation", billing.Meter{}, false},
		{"Provisioned Managed Unit", billing.Meter{}, false},
	}
	for _, tt := range tests {
		got, _, ok := m.NormalizeMeter("", tt.text)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%q: got %+v, %v; want %+v, %v", tt.text, got, ok, tt.want, tt.ok)
		}
	}
}

func TestMappingAccountCustomer(t *testing.T) {
	m, err := billing.LoadMapping("testdata/mapping.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		provider, account, project, want string
	}{
		{cost.ProviderAWS, "222222222222", "", "hooli"},
		{cost.ProviderAWS, "333333333333", "", ""},
		{cost.ProviderGCP, "billing-1", "initech-prod", "initech"},
		{cost.ProviderGCP, "initech-prod", "", "initech"}, // A FOCUS SubAccountId that is the project.
		{cost.ProviderAzure, "SUB-A", "", "contoso"},
		{cost.ProviderAzure, "sub-b", "", ""},
	}
	for _, tt := range tests {
		if got := m.AccountCustomer(tt.provider, tt.account, tt.project); got != tt.want {
			t.Errorf("AccountCustomer(%s, %q, %q) = %q, want %q", tt.provider, tt.account, tt.project, got, tt.want)
		}
	}
	var none *billing.Mapping
	if got := none.AccountCustomer(cost.ProviderAWS, "222222222222", ""); got != "" {
		t.Errorf("nil mapping gave %q", got)
	}
}
