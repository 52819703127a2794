package billing_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/billing"
	"github.com/llmcost/llmcost/internal/cost"
)

func readEvents(t *testing.T, name, body string) ([]*cost.Event, error) {
	t.Helper()
	var evs []*cost.Event
	err := billing.ReadEvents(name, strings.NewReader(body), func(e *cost.Event) error {
		evs = append(evs, e)
		return nil
	})
	return evs, err
}

func TestReadEvents(t *testing.T) {
	for _, name := range []string{"events.ndjson", "events.json"} {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile("testdata/" + name)
			if err != nil {
				t.Fatal(err)
			}
			evs, err := readEvents(t, name, string(b))
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != 2 {
				t.Fatalf("%d events, want 2", len(evs))
			}
			if name == "events.ndjson" {
				e := evs[1]
				if e.ID != "evt-2" || !e.Timestamp.Equal(time.Date(2026, 10, 1, 21, 59, 59, 0, time.UTC)) ||
					e.Timestamp.Location() != time.UTC || e.CacheReadTokens != 100 || e.CostUSD == nil ||
					*e.CostUSD != 0.01 || e.Tags["env"] != "prod" || e.Model != "anthropic.claude-3-5-sonnet-20240620-v1:0" {
					t.Errorf("event = %+v", e)
				}
			} else if evs[1].ReasoningTokens != 7 || evs[0].InputTokens != 1 {
				t.Errorf("events = %+v %+v", evs[0], evs[1])
			}
		})
	}
}

func TestReadEventsEmpty(t *testing.T) {
	for _, body := range []string{"", "  \n", "[]", "\ufeff[ ]"} {
		evs, err := readEvents(t, "e.json", body)
		if err != nil || len(evs) != 0 {
			t.Errorf("%q: %d events, %v", body, len(evs), err)
		}
	}
}

func TestReadEventsErrors(t *testing.T) {
	const ok = `{"id":"a","timestamp":"2026-10-01T00:00:00Z","model":"gpt-4o","input_tokens":1}` + "\n"
	tests := []struct{ name, body, want, field string }{
		{"missing id", ok + `{"timestamp":"2026-10-01T00:00:00Z","model":"m"}`, `e.json: line 2, field "id": id is required`, "id"},
		{"bad timestamp", ok + ok + `{"id":"b","timestamp":"2026-10-01 00:00","model":"m"}`, `e.json: line 3, field "timestamp": "2026-10-01 00:00" is not an RFC 3339`, "timestamp"},
		{"no model", `{"id":"b","timestamp":"2026-10-01T00:00:00Z"}`, `e.json: line 1, field "model"`, "model"},
		{"negative tokens", `{"id":"b","timestamp":"2026-10-01T00:00:00Z","model":"m","output_tokens":-5}`, `e.json: line 1, field "output_tokens": output_tokens must not be negative`, "output_tokens"},
		{"string tokens", `{"id":"b","timestamp":"2026-10-01T00:00:00Z","model":"m","input_tokens":"5"}`, `e.json: line 1, field "input_tokens"`, "input_tokens"},
		{"broken JSON", ok + `{"id":`, `e.json: line 2: invalid JSON`, ""},
		{"array element", `[` + strings.TrimSpace(ok) + `,{"id":"x","model":"m","timestamp":"2026-13-01T00:00:00Z"}]`, `e.json: element 2, field "timestamp"`, "timestamp"},
		{"unterminated array", `[` + strings.TrimSpace(ok), `e.json: end of array: invalid JSON`, ""},
		{"not UTF-8 in a line", ok + `{"id":"b","timestamp":"2026-10-01T00:00:00Z","model":"m","customer_id":"cust_` + "\xe9" + `"}`, `e.json: line 2: the text is not valid UTF-8`, ""},
		{"not UTF-8 in an element", `[` + strings.TrimSpace(ok) + `,{"id":"x","model":"m` + "\xff" + `","timestamp":"2026-10-01T00:00:00Z"}]`, `e.json: element 2: the text is not valid UTF-8`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readEvents(t, "e.json", tt.body)
			var ce *cost.Error
			if !errors.As(err, &ce) || ce.Code != cost.CodeInvalid || !strings.HasPrefix(ce.Message, tt.want) || ce.Field != tt.field {
				t.Errorf("err = %v (field %q), want message prefix %q, field %q", err, cost.ErrorField(err), tt.want, tt.field)
			}
		})
	}
}
