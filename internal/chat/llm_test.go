package chat_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/chat"
	"github.com/llmcost/llmcost/internal/cost"
)

// fakeLLM is an httptest server speaking the Anthropic Messages or OpenAI Chat
// Completions wire format; it answers every request with one tool call whose
// arguments are args (or hangs when hang is set).
type fakeLLM struct {
	mu       sync.Mutex
	requests []map[string]any
	headers  []http.Header
	srv      *httptest.Server
	status   int    // When set, every request fails with this status…
	errBody  string // …and this body.
}

func newFakeLLM(t *testing.T, provider, args string, hang bool) *fakeLLM {
	f := &fakeLLM{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		json.NewDecoder(r.Body).Decode(&body)
		f.mu.Lock()
		f.requests = append(f.requests, body)
		f.headers = append(f.headers, r.Header.Clone())
		status, errBody := f.status, f.errBody
		f.mu.Unlock()
		if hang {
			<-r.Context().Done()
			return
		}
		if status != 0 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			io.WriteString(w, errBody)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		switch {
		case provider == "anthropic" && r.URL.Path == "/v1/messages":
			json.NewEncoder(w).Encode(map[string]any{
				"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-test",
				"content": []any{map[string]any{"type": "tool_use", "id": "toolu_1", "name": "plan_query",
					"input": json.RawMessage(args)}},
				"stop_reason": "tool_use", "stop_sequence": nil,
				"usage": map[string]any{"input_tokens": 100, "output_tokens": 20},
			})
		case provider == "openai" && r.URL.Path == "/chat/completions":
			json.NewEncoder(w).Encode(map[string]any{
				"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "gpt-test",
				"choices": []any{map[string]any{"index": 0, "finish_reason": "tool_calls", "message": map[string]any{
					"role": "assistant", "content": nil,
					"tool_calls": []any{map[string]any{"id": "call_1", "type": "function",
						"function": map[string]any{"name": "plan_query", "arguments": args}}}}}},
				"usage": map[string]any{"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
			})
		default:
			http.Error(w, `{"error":{"message":"not found"}}`, http.StatusNotFound)
		}
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeLLM) engine(t *testing.T, fx *fixture, provider string, timeout time.Duration) *chat.Engine {
	t.Helper()
	p, err := chat.NewPlanner(chat.LLMConfig{Provider: provider, APIKey: "test-key", BaseURL: f.srv.URL, Model: "test-model"})
	if err != nil {
		t.Fatal(err)
	}
	return chat.New(chat.Config{Query: fx.query, Store: fx.db, Planner: p, LLMTimeout: timeout})
}

// TestLLMPlanner checks the tool-call round trip with each provider: a question
// the built-in parser cannot read is answered from the model's typed plan, with
// figures from the data.
func TestLLMPlanner(t *testing.T) {
	fx := setup(t)
	const args = `{"intent":"total","period":"last_week","filters":[{"dimension":"model_family","values":["gemini"]}]}`
	want := fx.total(rangeOf("last_week"), map[string]string{"family": "gemini"}, "cust_acme").cost
	for _, provider := range []string{"anthropic", "openai"} {
		t.Run(provider, func(t *testing.T) {
			llm := newFakeLLM(t, provider, args, false)
			e := llm.engine(t, fx, provider, 10*time.Second)
			a, err := e.Ask(context.Background(), cost.CustomerPrincipal("cust_acme"),
				cost.ChatRequest{Message: "Wie viel hat Gemini letzte Woche gekostet?"})
			if err != nil {
				t.Fatal(err)
			}
			if !a.Understood || !hasMoney(a.Answer, want) {
				t.Errorf("answer = %q, want $%.2f", a.Answer, want)
			}
			if len(llm.requests) != 1 {
				t.Fatalf("%d requests to the model, want 1", len(llm.requests))
			}
			req, _ := json.Marshal(llm.requests[0])
			for _, s := range []string{`"plan_query"`, `"gemini-1.5-pro"`, "2026-11-26", "Wie viel hat Gemini"} {
				if !strings.Contains(string(req), s) {
					t.Errorf("request lacks %s: %s", s, req)
				}
			}
			for _, c := range fx.data.Customers {
				if c.ID != "cust_acme" && (strings.Contains(string(req), c.ID) || strings.Contains(string(req), c.Name)) {
					t.Errorf("request to the model names another customer %s", c.ID)
				}
			}
		})
	}
}

// TestLLMPlannerFallback checks that invalid tool arguments, a refusal to plan
// and a timeout all fall back to the built-in parser's answer.
func TestLLMPlannerFallback(t *testing.T) {
	fx := setup(t)
	const q = "How much did I spend yesterday?"
	me := cost.CustomerPrincipal("cust_acme")
	builtin, err := fx.engine.Ask(context.Background(), me, cost.ChatRequest{Message: q})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, provider, args string
		hang                 bool
	}{
		{"another tenant", "anthropic", `{"intent":"total","period":"yesterday","filters":[{"dimension":"customer_id","values":["cust_globex"]}]}`, false},
		{"unknown model", "openai", `{"intent":"total","filters":[{"dimension":"model","values":["gpt-9"]}]}`, false},
		{"unknown field", "anthropic", `{"intent":"total","sql":"SELECT 1"}`, false},
		{"bad intent", "openai", `{"intent":"drop_tables"}`, false},
		{"bad period", "anthropic", `{"intent":"total","period":"since forever"}`, false},
		{"not JSON", "openai", `{"intent":`, false},
		{"not planned", "anthropic", `{"intent":"unknown"}`, false},
		{"timeout", "openai", `{}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			llm := newFakeLLM(t, tt.provider, tt.args, tt.hang)
			e := llm.engine(t, fx, tt.provider, 300*time.Millisecond)
			a, err := e.Ask(context.Background(), me, cost.ChatRequest{Message: q})
			if err != nil {
				t.Fatal(err)
			}
			if a.Answer != builtin.Answer {
				t.Errorf("answer = %q, want the built-in %q", a.Answer, builtin.Answer)
			}
		})
	}
}

func TestLLMConfigFromEnv(t *testing.T) {
	env := map[string]string{"LLMCOST_LLM": "OpenAI", "LLMCOST_LLM_BASE_URL": "http://localhost:11434/v1/", "OPENAI_API_KEY": "k"}
	c, ok := chat.LLMConfigFromEnv(func(k string) string { return env[k] })
	want := chat.LLMConfig{Provider: "openai", APIKey: "k", BaseURL: "http://localhost:11434/v1/"}
	if !ok || c != want {
		t.Errorf("LLMConfigFromEnv = %+v, %v; want %+v", c, ok, want)
	}
	if _, ok := chat.LLMConfigFromEnv(func(string) string { return "" }); ok {
		t.Error("LLMConfigFromEnv without LLMCOST_LLM reported a planner")
	}
	if _, err := chat.NewPlanner(chat.LLMConfig{Provider: "mystery"}); err == nil {
		t.Error("NewPlanner accepted an unknown provider")
	}
}

// TestLLMPlannerWire checks each provider's request on the wire: endpoint,
// authentication and version headers, the forced tool and its schema, and the
// tool arguments returned unchanged.
func TestLLMPlannerWire(t *testing.T) {
	const args = `{"intent":"total","period":"yesterday"}`
	schema := map[string]any{"type": "object", "properties": map[string]any{"intent": map[string]any{"type": "string"}},
		"required": []string{"intent"}}
	req := chat.PlanRequest{System: "Today is 2026-11-30.", Question: "What did we spend?", Tool: "plan_query", Schema: schema}
	tests := []struct {
		provider string
		headers  map[string]string
		fields   map[string]any // JSON paths (dot-separated) in the request body and their values.
	}{
		{"anthropic",
			map[string]string{"X-Api-Key": "test-key", "Anthropic-Version": "2023-06-01", "Content-Type": "application/json"},
			map[string]any{"model": "test-model", "max_tokens": 512.0, "tool_choice.type": "tool", "tool_choice.name": "plan_query",
				"tools.0.name": "plan_query", "tools.0.input_schema.type": "object", "tools.0.input_schema.additionalProperties": false,
				"tools.0.input_schema.required.0": "intent", "system.0.text": "Today is 2026-11-30.",
				"messages.0.role": "user", "messages.0.content.0.text": "What did we spend?"}},
		{"openai",
			map[string]string{"Authorization": "Bearer test-key", "Content-Type": "application/json"},
			map[string]any{"model": "test-model", "tool_choice.type": "function", "tool_choice.function.name": "plan_query",
				"tools.0.type": "function", "tools.0.function.name": "plan_query", "tools.0.function.parameters.type": "object",
				"messages.0.role": "system", "messages.0.content": "Today is 2026-11-30.",
				"messages.1.role": "user", "messages.1.content": "What did we spend?"}},
	}
	for _, tt := range tests {
		t.Run(tt.provider, func(t *testing.T) {
			llm := newFakeLLM(t, tt.provider, args, false)
			p, err := chat.NewPlanner(chat.LLMConfig{Provider: tt.provider, APIKey: "test-key", BaseURL: llm.srv.URL + "/", Model: "test-model"})
			if err != nil {
				t.Fatal(err)
			}
			raw, err := p.Plan(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := compactJSON(t, raw), args; got != want {
				t.Errorf("Plan = %s, want %s", got, want)
			}
			for k, want := range tt.headers {
				if got := llm.headers[0].Get(k); got != want {
					t.Errorf("header %s = %q, want %q", k, got, want)
				}
			}
			for path, want := range tt.fields {
				if got := jsonPath(llm.requests[0], path); got != want {
					t.Errorf("%s = %#v, want %#v", path, got, want)
				}
			}
		})
	}
}

// TestLLMPlannerError checks that a provider's error status reaches the caller
// with the provider's message.
func TestLLMPlannerError(t *testing.T) {
	req := chat.PlanRequest{Question: "q", Tool: "plan_query", Schema: map[string]any{"type": "object"}}
	for _, provider := range []string{"anthropic", "openai"} {
		t.Run(provider, func(t *testing.T) {
			llm := newFakeLLM(t, provider, `{}`, false)
			llm.status, llm.errBody = http.StatusUnauthorized, `{"type":"error","error":{"type":"authentication_error","message":"invalid api key"}}`
			p, err := chat.NewPlanner(chat.LLMConfig{Provider: provider, APIKey: "bad", BaseURL: llm.srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			_, err = p.Plan(context.Background(), req)
			if err == nil || !strings.Contains(err.Error(), "401") || !strings.Contains(err.Error(), "invalid api key") {
				t.Errorf("Plan error = %v, want the 401 and the provider's message", err)
			}
		})
	}
}

func compactJSON(t *testing.T, raw []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	out, _ := json.Marshal(v)
	return string(out)
}

// jsonPath walks a decoded JSON value along dot-separated keys and indexes.
func jsonPath(v any, path string) any {
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}
