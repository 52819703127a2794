package chat

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"strings"
)

// LLMConfig selects and configures a language-model planner.
type LLMConfig struct {
	Provider string // "anthropic" or "openai" (any OpenAI-compatible server: Ollama, vLLM…).
	Model    string
	APIKey   string
	BaseURL  string // Empty = the provider's public API.
}

// Default models and endpoints per provider.
const (
	DefaultAnthropicModel   = "claude-sonnet-4-5"
	DefaultOpenAIModel      = "gpt-4o-mini"
	DefaultAnthropicBaseURL = "https://api.anthropic.com"
	DefaultOpenAIBaseURL    = "https://api.openai.com/v1"
)

// anthropicVersion is the Messages API version the planner speaks.
const anthropicVersion = "2023-06-01"

// maxLLMResponse bounds the bytes read from a model's answer.
const maxLLMResponse = 4 << 20

// LLMConfigFromEnv reads LLMCOST_LLM (anthropic|openai), LLMCOST_LLM_MODEL,
// LLMCOST_LLM_API_KEY (else ANTHROPIC_API_KEY / OPENAI_API_KEY) and
// LLMCOST_LLM_BASE_URL. ok is false when LLMCOST_LLM is unset.
func LLMConfigFromEnv(getenv func(string) string) (c LLMConfig, ok bool) {
	c = LLMConfig{Provider: strings.ToLower(strings.TrimSpace(getenv("LLMCOST_LLM"))), Model: getenv("LLMCOST_LLM_MODEL"),
		APIKey: getenv("LLMCOST_LLM_API_KEY"), BaseURL: getenv("LLMCOST_LLM_BASE_URL")}
	if c.APIKey == "" {
		switch c.Provider {
		case "anthropic":
			c.APIKey = getenv("ANTHROPIC_API_KEY")
		case "openai":
			c.APIKey = getenv("OPENAI_API_KEY")
		}
	}
	return c, c.Provider != ""
}

// NewPlanner returns the planner c describes. Returns CodeInvalid for an unknown
// provider.
func NewPlanner(c LLMConfig) (Planner, error) {
	switch c.Provider {
	case "anthropic":
		return &anthropicPlanner{api: newLLMAPI(c, DefaultAnthropicModel, DefaultAnthropicBaseURL)}, nil
	case "openai":
		return &openAIPlanner{api: newLLMAPI(c, DefaultOpenAIModel, DefaultOpenAIBaseURL)}, nil
	}
	return nil, fmt.Errorf("chat: unknown LLM provider %q: use anthropic or openai", c.Provider)
}

// llmAPI is a JSON-over-HTTPS endpoint of a model provider.
type llmAPI struct {
	client *http.Client
	base   string // Without a trailing slash.
	model  string
	apiKey string
}

func newLLMAPI(c LLMConfig, model, base string) llmAPI {
	if c.Model != "" {
		model = c.Model
	}
	if c.BaseURL != "" {
		base = c.BaseURL
	}
	return llmAPI{client: http.DefaultClient, base: strings.TrimRight(base, "/"), model: model, apiKey: c.APIKey}
}

// post sends body as JSON to path and decodes a 2xx answer into out. Any other
// status becomes an error carrying the provider's message.
func (a llmAPI) post(ctx context.Context, path string, header http.Header, body, out any) error {
	buf, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.base+path, bytes.NewReader(buf))
	if err != nil {
		return err
	}
	maps.Copy(req.Header, header)
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxLLMResponse))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s", req.URL.Path, resp.Status, providerMessage(data))
	}
	return json.Unmarshal(data, out)
}

// providerMessage returns the message of an Anthropic or OpenAI error body
// ({"error":{"message":…}}), or the body's first line.
func providerMessage(data []byte) string {
	var e struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(data, &e) == nil && e.Error.Message != "" {
		return e.Error.Message
	}
	line, _, _ := strings.Cut(strings.TrimSpace(string(data)), "\n")
	if len(line) > 200 {
		line = line[:200]
	}
	return line
}

// toolDescription is the description both providers get for the planning tool.
const toolDescription = "Plan a cost question as a typed query."

// anthropicPlanner plans with the Anthropic Messages API (POST /v1/messages),
// forcing the tool.
type anthropicPlanner struct{ api llmAPI }

type anthropicResponse struct {
	Content []struct {
		Type  string          `json:"type"`
		Name  string          `json:"name"`
		Input json.RawMessage `json:"input"`
	} `json:"content"`
}

func (p *anthropicPlanner) Plan(ctx context.Context, req PlanRequest) (json.RawMessage, error) {
	schema := maps.Clone(req.Schema)
	schema["type"] = "object"
	schema["additionalProperties"] = false
	body := map[string]any{
		"model":      p.api.model,
		"max_tokens": 512,
		"system":     []map[string]any{{"type": "text", "text": req.System}},
		"messages": []map[string]any{{"role": "user",
			"content": []map[string]any{{"type": "text", "text": req.Question}}}},
		"tools":       []map[string]any{{"name": req.Tool, "description": toolDescription, "input_schema": schema}},
		"tool_choice": map[string]any{"type": "tool", "name": req.Tool},
	}
	header := http.Header{"Anthropic-Version": {anthropicVersion}}
	if p.api.apiKey != "" {
		header.Set("X-Api-Key", p.api.apiKey)
	}
	var resp anthropicResponse
	if err := p.api.post(ctx, "/v1/messages", header, body, &resp); err != nil {
		return nil, fmt.Errorf("chat: anthropic: %w", err)
	}
	for _, b := range resp.Content {
		if b.Type == "tool_use" && b.Name == req.Tool {
			return b.Input, nil
		}
	}
	return nil, errNoPlan
}

// openAIPlanner plans with the Chat Completions API (POST /chat/completions on
// OpenAI or a compatible server), requiring the tool.
type openAIPlanner struct{ api llmAPI }

type openAIResponse struct {
	Choices []struct {
		Message struct {
			ToolCalls []struct {
				Type     string `json:"type"`
				Function struct {
					Name      string `json:"name"`
					Arguments string `json:"arguments"`
				} `json:"function"`
			} `json:"tool_calls"`
		} `json:"message"`
	} `json:"choices"`
}

func (p *openAIPlanner) Plan(ctx context.Context, req PlanRequest) (json.RawMessage, error) {
	body := map[string]any{
		"model": p.api.model,
		"messages": []map[string]any{
			{"role": "system", "content": req.System},
			{"role": "user", "content": req.Question},
		},
		"tools": []map[string]any{{"type": "function", "function": map[string]any{
			"name": req.Tool, "description": toolDescription, "parameters": req.Schema}}},
		"tool_choice": map[string]any{"type": "function", "function": map[string]any{"name": req.Tool}},
	}
	header := http.Header{}
	if p.api.apiKey != "" {
		header.Set("Authorization", "Bearer "+p.api.apiKey)
	}
	var resp openAIResponse
	if err := p.api.post(ctx, "/chat/completions", header, body, &resp); err != nil {
		return nil, fmt.Errorf("chat: openai: %w", err)
	}
	if len(resp.Choices) == 0 {
		return nil, errNoPlan
	}
	for _, tc := range resp.Choices[0].Message.ToolCalls {
		if tc.Function.Name == req.Tool {
			return json.RawMessage(tc.Function.Arguments), nil
		}
	}
	return nil, errNoPlan
}
