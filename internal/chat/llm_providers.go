package chat

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/anthropics/anthropic-sdk-go/v2"
	aoption "github.com/anthropics/anthropic-sdk-go/v2/option"
	"github.com/openai/openai-go/v3"
	ooption "github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/shared"
)

// LLMConfig selects and configures a language-model planner.
type LLMConfig struct {
	Provider string // "anthropic" or "openai" (any OpenAI-compatible server: Ollama, vLLM…).
	Model    string
	APIKey   string
	BaseURL  string // Empty = the provider's public API.
}

// Default models per provider.
const (
	DefaultAnthropicModel = "claude-sonnet-4-5"
	DefaultOpenAIModel    = "gpt-4o-mini"
)

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
		if c.Model == "" {
			c.Model = DefaultAnthropicModel
		}
		opts := []aoption.RequestOption{aoption.WithMaxRetries(0)}
		if c.APIKey != "" {
			opts = append(opts, aoption.WithAPIKey(c.APIKey))
		}
		if c.BaseURL != "" {
			opts = append(opts, aoption.WithBaseURL(c.BaseURL))
		}
		return &anthropicPlanner{client: anthropic.NewClient(opts...), model: c.Model}, nil
	case "openai":
		if c.Model == "" {
			c.Model = DefaultOpenAIModel
		}
		opts := []ooption.RequestOption{ooption.WithMaxRetries(0), ooption.WithAPIKey(c.APIKey)}
		if c.BaseURL != "" {
			opts = append(opts, ooption.WithBaseURL(c.BaseURL))
		}
		return &openAIPlanner{client: openai.NewClient(opts...), model: c.Model}, nil
	}
	return nil, fmt.Errorf("chat: unknown LLM provider %q: use anthropic or openai", c.Provider)
}

// anthropicPlanner plans with the Anthropic Messages API, forcing the tool.
type anthropicPlanner struct {
	client anthropic.Client
	model  string
}

func (a *anthropicPlanner) Plan(ctx context.Context, req PlanRequest) (json.RawMessage, error) {
	props, required := req.Schema["properties"], req.Schema["required"].([]string)
	tool := anthropic.ToolParam{Name: req.Tool, Description: anthropic.String("Plan a cost question as a typed query."),
		InputSchema: anthropic.ToolInputSchemaParam{Properties: props, Required: required,
			ExtraFields: map[string]any{"additionalProperties": false}}}
	msg, err := a.client.Messages.New(ctx, anthropic.MessageNewParams{
		Model:      anthropic.Model(a.model),
		MaxTokens:  512,
		System:     []anthropic.TextBlockParam{{Text: req.System}},
		Messages:   []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock(req.Question))},
		Tools:      []anthropic.ToolUnionParam{{OfTool: &tool}},
		ToolChoice: anthropic.ToolChoiceParamOfTool(req.Tool),
	})
	if err != nil {
		return nil, fmt.Errorf("chat: anthropic: %w", err)
	}
	for _, b := range msg.Content {
		if tu, ok := b.AsAny().(anthropic.ToolUseBlock); ok && tu.Name == req.Tool {
			return tu.Input, nil
		}
	}
	return nil, errNoPlan
}

// openAIPlanner plans with the Chat Completions API (OpenAI or a compatible
// server), requiring the tool.
type openAIPlanner struct {
	client openai.Client
	model  string
}

func (o *openAIPlanner) Plan(ctx context.Context, req PlanRequest) (json.RawMessage, error) {
	tool := openai.ChatCompletionFunctionTool(shared.FunctionDefinitionParam{Name: req.Tool,
		Description: openai.String("Plan a cost question as a typed query."), Parameters: shared.FunctionParameters(req.Schema)})
	cc, err := o.client.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{
		Model:    shared.ChatModel(o.model),
		Messages: []openai.ChatCompletionMessageParamUnion{openai.SystemMessage(req.System), openai.UserMessage(req.Question)},
		Tools:    []openai.ChatCompletionToolUnionParam{tool},
		ToolChoice: openai.ChatCompletionToolChoiceOptionUnionParam{
			OfFunctionToolChoice: &openai.ChatCompletionNamedToolChoiceParam{Function: openai.ChatCompletionNamedToolChoiceFunctionParam{Name: req.Tool}}},
	})
	if err != nil {
		return nil, fmt.Errorf("chat: openai: %w", err)
	}
	if len(cc.Choices) == 0 {
		return nil, errNoPlan
	}
	for _, tc := range cc.Choices[0].Message.ToolCalls {
		if tc.Function.Name == req.Tool {
			return json.RawMessage(tc.Function.Arguments), nil
		}
	}
	return nil, errNoPlan
}
