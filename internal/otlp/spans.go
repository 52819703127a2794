package otlp

import (
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/llmcost/llmcost/internal/cost"
)

// DefaultCustomerKeys are the span, then resource, attributes read for the
// customer a span's usage is attributed to, in order.
var DefaultCustomerKeys = []string{"customer.id", "tenant.id", "enduser.id"}

// Attribute names of the GenAI semantic conventions, each list in order of
// preference: the current name first, then older ones and the names
// instrumentations (OpenLIT, OpenLLMetry) emit.
var (
	providerKeys   = []string{"gen_ai.provider.name", "gen_ai.system"}
	modelKeys      = []string{"gen_ai.response.model", "gen_ai.request.model"}
	inputKeys      = []string{"gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens"}
	outputKeys     = []string{"gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens"}
	cacheReadKeys  = []string{"gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens"}
	cacheWriteKeys = []string{"gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.cache_creation_input_tokens"}
	reasoningKeys  = []string{"gen_ai.usage.reasoning.output_tokens", "gen_ai.usage.reasoning_tokens"}
	costKeys       = []string{"gen_ai.usage.cost"}
)

// Stats counts what Events made of a payload's spans.
type Stats struct {
	Spans   int // All spans in the payload.
	Usage   int // Spans that became usage events.
	Dropped int // Spans without GenAI usage attributes.
}

// Events turns every span with GenAI usage attributes into a usage event and
// counts the others as dropped. A span needs a model and at least one token
// count. customerKeys (default DefaultCustomerKeys) are looked up on the span,
// then on its resource. The event id is "otlp:<trace id>:<span id>", so a span
// sent twice counts once. A span with a malformed usage attribute (negative,
// fractional or not a number) returns CodeInvalid naming the span and the
// attribute, and no events.
func Events(td ptrace.Traces, customerKeys []string) ([]cost.Event, Stats, error) {
	if len(customerKeys) == 0 {
		customerKeys = DefaultCustomerKeys
	}
	var (
		events []cost.Event
		st     Stats
	)
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		rs := rss.At(i)
		res := rs.Resource().Attributes()
		sss := rs.ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			spans := sss.At(j).Spans()
			for k := 0; k < spans.Len(); k++ {
				st.Spans++
				e, ok, err := event(spans.At(k), res, customerKeys)
				if err != nil {
					return nil, st, err
				}
				if !ok {
					st.Dropped++
					continue
				}
				st.Usage++
				events = append(events, e)
			}
		}
	}
	return events, st, nil
}

// event maps one span; ok is false when it carries no GenAI usage.
func event(sp ptrace.Span, res pcommon.Map, customerKeys []string) (cost.Event, bool, error) {
	attrs := sp.Attributes()
	model := str(attrs, modelKeys)
	if model == "" {
		return cost.Event{}, false, nil
	}
	tid, sid := sp.TraceID(), sp.SpanID()
	if tid.IsEmpty() || sid.IsEmpty() {
		return cost.Event{}, false, cost.Errorf(cost.CodeInvalid, "Span %q with GenAI usage has no trace or span id.", sp.Name())
	}
	id := "otlp:" + hex.EncodeToString(tid[:]) + ":" + hex.EncodeToString(sid[:])
	var tok [5]int64
	var found bool
	for i, keys := range [][]string{inputKeys, outputKeys, cacheReadKeys, cacheWriteKeys, reasoningKeys} {
		n, ok, err := count(attrs, keys)
		if err != nil {
			return cost.Event{}, false, cost.Errorf(cost.CodeInvalid, "Span %s (%q): %v", id, sp.Name(), err)
		}
		tok[i], found = n, found || ok
	}
	if !found {
		return cost.Event{}, false, nil
	}
	t := spanTime(sp)
	if t.Unix() <= 0 {
		return cost.Event{}, false, cost.Errorf(cost.CodeInvalid, "Span %s (%q) has no start or end time.", id, sp.Name())
	}
	e := cost.Event{ID: id, Timestamp: t, Model: model,
		CustomerID: customer(attrs, res, customerKeys)}
	e.Provider, e.Service = provider(str(attrs, providerKeys))
	e.InputTokens, e.CacheReadTokens, e.CacheWriteTokens = exclusive(tok[0], tok[2]+tok[3]), tok[2], tok[3]
	e.OutputTokens, e.ReasoningTokens = exclusive(tok[1], tok[4]), tok[4]
	if usd, ok := number(attrs, costKeys); ok && usd >= 0 && !math.IsInf(usd, 0) {
		e.CostUSD = &usd
	}
	return e, true, nil
}

// exclusive returns total less its detailed part when the total includes it
// (as the current conventions and OpenAI report input and output tokens);
// a total smaller than the part is taken as already exclusive (as Anthropic
// reports input tokens beside cache reads).
func exclusive(total, part int64) int64 {
	if part > 0 && total >= part {
		return total - part
	}
	return total
}

// spanTime is when the request started (its end when the start is missing).
func spanTime(sp ptrace.Span) time.Time {
	if sp.StartTimestamp() != 0 {
		return sp.StartTimestamp().AsTime().UTC()
	}
	return sp.EndTimestamp().AsTime().UTC()
}

// customer returns the first non-empty customer attribute of the span, then
// of its resource.
func customer(span, res pcommon.Map, keys []string) string {
	if v := str(span, keys); v != "" {
		return v
	}
	return str(res, keys)
}

// str returns the first non-empty attribute of keys as text.
func str(m pcommon.Map, keys []string) string {
	for _, k := range keys {
		if v, ok := m.Get(k); ok {
			if s := strings.TrimSpace(v.AsString()); s != "" {
				return s
			}
		}
	}
	return ""
}

// count returns the first present token-count attribute of keys. Counts may
// be integers, integral doubles or numeric strings; anything else is an error.
func count(m pcommon.Map, keys []string) (int64, bool, error) {
	for _, k := range keys {
		v, ok := m.Get(k)
		if !ok {
			continue
		}
		var n int64
		switch v.Type() {
		case pcommon.ValueTypeInt:
			n = v.Int()
		case pcommon.ValueTypeDouble:
			d := v.Double()
			if d != math.Trunc(d) || math.IsInf(d, 0) || math.IsNaN(d) {
				return 0, false, fmt.Errorf("attribute %s is %v, not a whole number of tokens", k, d)
			}
			n = int64(d)
		case pcommon.ValueTypeStr:
			p, err := strconv.ParseInt(strings.TrimSpace(v.Str()), 10, 64)
			if err != nil {
				return 0, false, fmt.Errorf("attribute %s is %q, not a whole number of tokens", k, v.Str())
			}
			n = p
		default:
			return 0, false, fmt.Errorf("attribute %s is a %s, not a number of tokens", k, v.Type())
		}
		if n < 0 {
			return 0, false, fmt.Errorf("attribute %s is %d; token counts must not be negative", k, n)
		}
		return n, true, nil
	}
	return 0, false, nil
}

// number returns the first numeric attribute of keys.
func number(m pcommon.Map, keys []string) (float64, bool) {
	for _, k := range keys {
		v, ok := m.Get(k)
		if !ok {
			continue
		}
		switch v.Type() {
		case pcommon.ValueTypeDouble:
			return v.Double(), !math.IsNaN(v.Double())
		case pcommon.ValueTypeInt:
			return float64(v.Int()), true
		case pcommon.ValueTypeStr:
			f, err := strconv.ParseFloat(strings.TrimSpace(v.Str()), 64)
			return f, err == nil && !math.IsNaN(f)
		}
	}
	return 0, false
}
