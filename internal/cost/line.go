// Package cost is the domain of llmcost: cost lines, the typed query, periods,
// principals, budgets, and the interfaces that storage and surfaces implement.
package cost

import (
	"strings"
	"time"
)

// Token types. An empty token type marks a non-token charge (hours, storage, support…).
const (
	TokenInput      = "input"
	TokenOutput     = "output"
	TokenCacheRead  = "cache_read"
	TokenCacheWrite = "cache_write"
	TokenReasoning  = "reasoning"
)

// TokenTypes lists the token types in display order.
var TokenTypes = []string{TokenInput, TokenOutput, TokenCacheRead, TokenCacheWrite, TokenReasoning}

// Cost sources: where a line's figure comes from.
const (
	SourceBillingExport = "billing_export" // Invoiced by a cloud.
	SourceEventEstimate = "event_estimate" // Priced by llmcost from its catalog.
	SourceEventReported = "event_reported" // Cost reported by the gateway on the event.
	// SourceAllocation marks the allocator's lines moving unattributed billed
	// cost to customers in proportion to their event tokens (internal/allocation).
	SourceAllocation = "allocation"
	// SourceSupersededEstimate marks the allocator's lines cancelling event
	// estimates of model-days whose billed cost was allocated.
	SourceSupersededEstimate = "superseded_estimate"
)

// DerivedSources are the cost sources of lines computed from other lines rather
// than ingested: they do not make a provider's data any fresher.
var DerivedSources = []string{SourceAllocation, SourceSupersededEstimate}

// Data statuses.
const (
	StatusEstimated   = "estimated"
	StatusProvisional = "provisional"
	StatusFinal       = "final"
)

// Provider names as stored in cloud_provider.
const (
	ProviderGCP       = "GCP"
	ProviderAWS       = "AWS"
	ProviderAzure     = "Azure"
	ProviderOpenAI    = "OpenAI"
	ProviderAnthropic = "Anthropic"
)

// LineItem is one cost line: the cost of one (day, provider, service, model, token
// type, customer, …) combination from one source partition. Its fields are the
// columns of the cost_lines table (SPEC §3).
type LineItem struct {
	Date              time.Time         `json:"date"` // UTC midnight.
	ChargePeriodStart time.Time         `json:"charge_period_start,omitzero"`
	ChargePeriodEnd   time.Time         `json:"charge_period_end,omitzero"`
	CloudProvider     string            `json:"cloud_provider"`
	Service           string            `json:"service"`
	Model             string            `json:"model"`
	ModelFamily       string            `json:"model_family"`
	TokenType         string            `json:"token_type"`
	PricingTier       string            `json:"pricing_tier"`
	UsageAmount       float64           `json:"usage_amount"`
	UsageUnit         string            `json:"usage_unit"`
	CostUSD           float64           `json:"cost_usd"`
	Cost              float64           `json:"cost"`
	Currency          string            `json:"currency"`
	ListCostUSD       *float64          `json:"list_cost_usd,omitempty"`
	CustomerID        string            `json:"customer_id"`
	AccountID         string            `json:"account_id"`
	Project           string            `json:"project"`
	Region            string            `json:"region"`
	Tags              map[string]string `json:"tags,omitempty"`
	Source            string            `json:"source"`
	SourcePartition   string            `json:"source_partition"`
	CostSource        string            `json:"cost_source"`
	DataStatus        string            `json:"data_status"`
	ChargeCategory    string            `json:"charge_category"`
	Requests          int64             `json:"requests"`
	Unpriced          bool              `json:"unpriced"` // Token usage with no known price; CostUSD is 0.
}

// IsTokenLine reports whether l counts tokens.
func (l *LineItem) IsTokenLine() bool { return l.TokenType != "" }

// Families maps a model-id prefix to its family, checked in order.
var Families = []struct{ Prefix, Family string }{
	{"claude", "claude"},
	{"anthropic", "claude"},
	{"gemini", "gemini"},
	{"gemma", "gemma"},
	{"gpt", "gpt"},
	{"chatgpt", "gpt"},
	{"o1", "openai-o"},
	{"o3", "openai-o"},
	{"o4", "openai-o"},
	{"llama", "llama"},
	{"meta-llama", "llama"},
	{"mistral", "mistral"},
	{"mixtral", "mistral"},
	{"codestral", "mistral"},
	{"pixtral", "mistral"},
	{"ministral", "mistral"},
	{"command", "cohere"},
	{"cohere", "cohere"},
	{"titan", "titan"},
	{"nova", "nova"},
	{"amazon.nova", "nova"},
	{"deepseek", "deepseek"},
	{"qwen", "qwen"},
	{"phi", "phi"},
	{"text-embedding", "embedding"},
	{"embed", "embedding"},
}

// ModelFamily returns the family of a canonical model id ("claude-3-5-sonnet" →
// "claude"), or "" when the model is empty, or "other".
func ModelFamily(model string) string {
	m := strings.ToLower(strings.TrimSpace(model))
	if m == "" {
		return ""
	}
	for _, f := range Families {
		if strings.HasPrefix(m, f.Prefix) {
			return f.Family
		}
	}
	return "other"
}

// Day truncates t to its UTC day.
func Day(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// DateLayout is the layout of dates in files, URLs and JSON.
const DateLayout = "2006-01-02"

// ParseDate parses a YYYY-MM-DD date as a UTC day.
func ParseDate(s string) (time.Time, error) {
	return time.Parse(DateLayout, strings.TrimSpace(s))
}
