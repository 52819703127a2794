package otlp_test

import (
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/llmcost/llmcost/internal/cost"
	"github.com/llmcost/llmcost/internal/otlp"
)

var start = time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)

// traces builds one resource with attributes res and one span per attribute map.
func traces(res map[string]any, spans ...map[string]any) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().FromRaw(res)
	ss := rs.ScopeSpans().AppendEmpty()
	for i, attrs := range spans {
		sp := ss.Spans().AppendEmpty()
		sp.SetName("span")
		sp.SetTraceID(pcommon.TraceID{1, 2, 3})
		sp.SetSpanID(pcommon.SpanID{byte(i + 1)})
		sp.SetStartTimestamp(pcommon.NewTimestampFromTime(start))
		sp.Attributes().FromRaw(attrs)
	}
	return td
}

func TestEvents(t *testing.T) {
	for name, c := range map[string]struct {
		res, span map[string]any
		keys      []string
		want      *cost.Event // nil = dropped
	}{
		"current names, cached input included": {
			span: map[string]any{"gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o-mini", "gen_ai.response.model": "gpt-4o",
				"gen_ai.usage.input_tokens": 1200, "gen_ai.usage.output_tokens": 300, "gen_ai.usage.cache_read.input_tokens": 200,
				"gen_ai.usage.reasoning.output_tokens": 100, "customer.id": "cust_a"},
			want: &cost.Event{Provider: "OpenAI", Service: "OpenAI API", Model: "gpt-4o", CustomerID: "cust_a",
				InputTokens: 1000, CacheReadTokens: 200, OutputTokens: 200, ReasoningTokens: 100},
		},
		"older names, customer from resource": {
			res:  map[string]any{"tenant.id": "cust_b"},
			span: map[string]any{"gen_ai.system": "aws.bedrock", "gen_ai.request.model": "claude-3-5-sonnet", "gen_ai.usage.prompt_tokens": "40", "gen_ai.usage.completion_tokens": 10.0},
			want: &cost.Event{Provider: "AWS", Service: "Amazon Bedrock", Model: "claude-3-5-sonnet", CustomerID: "cust_b", InputTokens: 40, OutputTokens: 10},
		},
		"input smaller than cache reads is exclusive": {
			span: map[string]any{"gen_ai.system": "anthropic", "gen_ai.request.model": "claude-3-5-sonnet", "gen_ai.usage.input_tokens": 50,
				"gen_ai.usage.cache_read_input_tokens": 800, "gen_ai.usage.cache_creation_input_tokens": 100, "enduser.id": "u1"},
			want: &cost.Event{Provider: "Anthropic", Service: "Anthropic API", Model: "claude-3-5-sonnet", CustomerID: "u1",
				InputTokens: 50, CacheReadTokens: 800, CacheWriteTokens: 100},
		},
		"span attribute wins over resource; configured key": {
			res: map[string]any{"org": "res"}, keys: []string{"org"},
			span: map[string]any{"gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": 1, "org": "span", "customer.id": "ignored"},
			want: &cost.Event{Model: "gpt-4o", CustomerID: "span", InputTokens: 1},
		},
		"reported cost": {
			span: map[string]any{"gen_ai.system": "openai", "gen_ai.request.model": "gpt-4o", "gen_ai.usage.output_tokens": 5, "gen_ai.usage.cost": 0.25},
			want: &cost.Event{Provider: "OpenAI", Service: "OpenAI API", Model: "gpt-4o", OutputTokens: 5, CostUSD: new(0.25)},
		},
		"no usage":    {span: map[string]any{"gen_ai.request.model": "gpt-4o", "gen_ai.operation.name": "chat"}},
		"no model":    {span: map[string]any{"gen_ai.usage.input_tokens": 10}},
		"not gen_ai":  {span: map[string]any{"http.request.method": "GET"}},
		"empty model": {span: map[string]any{"gen_ai.request.model": " ", "gen_ai.usage.input_tokens": 10}},
	} {
		t.Run(name, func(t *testing.T) {
			events, st, err := otlp.Events(traces(c.res, c.span), c.keys)
			if err != nil {
				t.Fatal(err)
			}
			if c.want == nil {
				if len(events) != 0 || st.Dropped != 1 {
					t.Errorf("events=%+v stats=%+v, want dropped", events, st)
				}
				return
			}
			if len(events) != 1 || st.Usage != 1 {
				t.Fatalf("events=%+v stats=%+v, want one", events, st)
			}
			got := events[0]
			if got.ID != "otlp:01020300000000000000000000000000:0100000000000000" || !got.Timestamp.Equal(start) {
				t.Errorf("id=%q time=%v", got.ID, got.Timestamp)
			}
			got.ID, got.Timestamp = "", time.Time{}
			if (got.CostUSD == nil) != (c.want.CostUSD == nil) || got.CostUSD != nil && *got.CostUSD != *c.want.CostUSD {
				t.Errorf("cost=%v, want %v", got.CostUSD, c.want.CostUSD)
			}
			got.CostUSD, c.want.CostUSD = nil, nil
			if got.Provider != c.want.Provider || got.Service != c.want.Service || got.Model != c.want.Model ||
				got.CustomerID != c.want.CustomerID || got.InputTokens != c.want.InputTokens || got.OutputTokens != c.want.OutputTokens ||
				got.CacheReadTokens != c.want.CacheReadTokens || got.CacheWriteTokens != c.want.CacheWriteTokens ||
				got.ReasoningTokens != c.want.ReasoningTokens {
				t.Errorf("event=%+v\nwant   %+v", got, *c.want)
			}
		})
	}
}

func TestEvents_BadAttributes(t *testing.T) {
	for name, c := range map[string]struct {
		span map[string]any
		want string
	}{
		"negative":   {map[string]any{"gen_ai.request.model": "m", "gen_ai.usage.input_tokens": -1}, "must not be negative"},
		"fractional": {map[string]any{"gen_ai.request.model": "m", "gen_ai.usage.output_tokens": 1.5}, "not a whole number"},
		"text":       {map[string]any{"gen_ai.request.model": "m", "gen_ai.usage.input_tokens": "many"}, "not a whole number"},
		"bool":       {map[string]any{"gen_ai.request.model": "m", "gen_ai.usage.input_tokens": true}, "not a number"},
	} {
		t.Run(name, func(t *testing.T) {
			events, _, err := otlp.Events(traces(nil, map[string]any{"gen_ai.request.model": "ok", "gen_ai.usage.input_tokens": 1}, c.span), nil)
			if cost.ErrorCode(err) != cost.CodeInvalid || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "otlp:") || events != nil {
				t.Errorf("err=%v events=%v, want CodeInvalid naming the span and %q, no events", err, events, c.want)
			}
		})
	}
}

func TestDecodeAndEncoding(t *testing.T) {
	td := traces(nil, map[string]any{"gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": 7})
	pb, _ := (&ptrace.ProtoMarshaler{}).MarshalTraces(td)
	js, _ := (&ptrace.JSONMarshaler{}).MarshalTraces(td)
	for _, c := range []struct {
		ct   string
		body []byte
	}{{"application/x-protobuf", pb}, {"application/json; charset=utf-8", js}} {
		enc, err := otlp.Encoding(c.ct)
		if err != nil {
			t.Fatal(err)
		}
		got, err := otlp.Decode(c.body, enc)
		if err != nil {
			t.Fatalf("%s: %v", c.ct, err)
		}
		if n := got.SpanCount(); n != 1 {
			t.Errorf("%s: %d spans, want 1", c.ct, n)
		}
	}
	if _, err := otlp.Encoding("text/csv"); cost.ErrorCode(err) != cost.CodeInvalid {
		t.Errorf("text/csv: err=%v, want CodeInvalid", err)
	}
	if _, err := otlp.Decode(pb, otlp.ContentJSON); cost.ErrorCode(err) != cost.CodeInvalid {
		t.Errorf("protobuf as JSON: err=%v, want CodeInvalid", err)
	}
	if _, err := otlp.ReadBody(strings.NewReader(strings.Repeat("x", 11)), "", 10); cost.ErrorCode(err) != cost.CodeInvalid {
		t.Errorf("11 bytes with limit 10: err=%v, want CodeInvalid", err)
	}
}
