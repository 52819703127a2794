package cost

import "time"

// Event is one request's usage as reported by the company's own LLM gateway
// (format "events"). Token counts are per type; CostUSD is optional, and when absent
// the event is priced from the catalog.
type Event struct {
	ID               string            `json:"id"`
	Timestamp        time.Time         `json:"timestamp"`
	Provider         string            `json:"provider"`
	Service          string            `json:"service"`
	Model            string            `json:"model"`
	CustomerID       string            `json:"customer_id"`
	InputTokens      int64             `json:"input_tokens"`
	OutputTokens     int64             `json:"output_tokens"`
	CacheReadTokens  int64             `json:"cache_read_tokens"`
	CacheWriteTokens int64             `json:"cache_write_tokens"`
	ReasoningTokens  int64             `json:"reasoning_tokens"`
	CostUSD          *float64          `json:"cost_usd,omitempty"`
	Project          string            `json:"project,omitempty"`
	Region           string            `json:"region,omitempty"`
	PricingTier      string            `json:"pricing_tier,omitempty"`
	Tags             map[string]string `json:"tags,omitempty"`
}

// Tokens returns the event's token count for a token type.
func (e *Event) Tokens(tokenType string) int64 {
	switch tokenType {
	case TokenInput:
		return e.InputTokens
	case TokenOutput:
		return e.OutputTokens
	case TokenCacheRead:
		return e.CacheReadTokens
	case TokenCacheWrite:
		return e.CacheWriteTokens
	case TokenReasoning:
		return e.ReasoningTokens
	}
	return 0
}

// EventUsage is one token type of one event after pricing: the unit the store
// deduplicates (on EventID) and rolls up into daily cost lines.
type EventUsage struct {
	EventID     string
	Time        time.Time
	Provider    string
	Service     string
	Model       string // Canonical model id.
	ModelFamily string
	CustomerID  string
	Project     string
	Region      string
	PricingTier string
	TokenType   string
	Tokens      int64
	CostUSD     float64
	CostSource  string // SourceEventEstimate or SourceEventReported.
	Unpriced    bool
	Tags        map[string]string
	// First is true on exactly one usage per event, so the rollup counts requests once.
	First bool
}
