package billing

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/llmcost/llmcost/internal/cost"
)

// EventFunc receives each parsed event. The event is freshly allocated and may be kept.
type EventFunc func(e *cost.Event) error

// eventJSON decodes an event with its timestamp as text, so a bad one can be
// reported by field.
type eventJSON struct {
	cost.Event
	Timestamp string `json:"timestamp"`
}

// ReadEvents streams gateway usage events from a JSON array or NDJSON (one
// object per line; blank lines are skipped). Each event needs an id, an RFC 3339
// timestamp, a model and non-negative token counts.
func ReadEvents(file string, r io.Reader, fn EventFunc) error {
	br := bufio.NewReaderSize(r, 1<<16)
	first, err := firstByte(br)
	if err == io.EOF {
		return nil
	} else if err != nil {
		return lineError(file, 0, "", "cannot read: %v", err)
	}
	if first == '[' {
		return readEventArray(file, br, fn)
	}
	return readNDJSON(file, br, fn)
}

// firstByte peeks at the first non-space byte.
func firstByte(br *bufio.Reader) (byte, error) {
	for i := 1; ; i++ {
		b, err := br.Peek(i)
		if err != nil {
			return 0, err
		}
		switch c := b[i-1]; c {
		case ' ', '\t', '\r', '\n':
		default:
			if i == 1 && c == 0xEF { // Byte-order mark.
				if _, err := br.Discard(3); err != nil {
					return 0, err
				}
				i = 0
				continue
			}
			return c, nil
		}
	}
}

// notUTF8 says why text that is not UTF-8 is refused rather than stored with
// replacement characters.
const notUTF8 = "the text is not valid UTF-8; save the file as UTF-8"

func readNDJSON(file string, br *bufio.Reader, fn EventFunc) error {
	for line := 1; ; line++ {
		b, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(b)) > 0 {
			if !utf8.Valid(b) {
				return lineError(file, line, "", notUTF8)
			}
			var ej eventJSON
			if derr := json.Unmarshal(b, &ej); derr != nil {
				return eventDecodeError(file, fmt.Sprintf("line %d", line), derr)
			}
			e, verr := ej.validate()
			if verr != nil {
				return eventError(file, fmt.Sprintf("line %d", line), verr)
			}
			if ferr := fn(e); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			return nil
		} else if err != nil {
			return lineError(file, line, "", "cannot read: %v", err)
		}
	}
}

func readEventArray(file string, br *bufio.Reader, fn EventFunc) error {
	dec := json.NewDecoder(br)
	if _, err := dec.Token(); err != nil {
		return eventDecodeError(file, "element 1", err)
	}
	for n := 1; dec.More(); n++ {
		where := fmt.Sprintf("element %d", n)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return eventDecodeError(file, where, err)
		}
		if !utf8.Valid(raw) {
			return &cost.Error{Code: cost.CodeInvalid, Message: fmt.Sprintf("%s: %s: %s", file, where, notUTF8)}
		}
		var ej eventJSON
		if err := json.Unmarshal(raw, &ej); err != nil {
			return eventDecodeError(file, where, err)
		}
		e, err := ej.validate()
		if err != nil {
			return eventError(file, where, err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return eventDecodeError(file, "end of array", err)
	}
	return nil
}

// validate checks an event and parses its timestamp.
func (ej *eventJSON) validate() (*cost.Event, error) {
	e := ej.Event
	switch {
	case e.ID == "":
		return nil, cost.FieldErrorf("id", "id is required")
	case ej.Timestamp == "":
		return nil, cost.FieldErrorf("timestamp", "timestamp is required")
	case e.Model == "":
		return nil, cost.FieldErrorf("model", "model is required")
	}
	t, err := time.Parse(time.RFC3339Nano, ej.Timestamp)
	if err != nil {
		return nil, cost.FieldErrorf("timestamp", "%q is not an RFC 3339 timestamp", ej.Timestamp)
	}
	e.Timestamp = t.UTC()
	for _, tt := range cost.TokenTypes {
		if e.Tokens(tt) < 0 {
			return nil, cost.FieldErrorf(tt+"_tokens", "%s_tokens must not be negative", tt)
		}
	}
	if e.CostUSD != nil && *e.CostUSD < 0 {
		return nil, cost.FieldErrorf("cost_usd", "cost_usd must not be negative")
	}
	return &e, nil
}

// eventError places a field error at a line or array element of a file.
func eventError(file, where string, err error) error {
	var ce *cost.Error
	if errors.As(err, &ce) {
		return &cost.Error{Code: cost.CodeInvalid, Field: ce.Field,
			Message: fmt.Sprintf("%s: %s, field %q: %s", file, where, ce.Field, ce.Message)}
	}
	return eventDecodeError(file, where, err)
}

// eventDecodeError describes a JSON syntax or type error.
func eventDecodeError(file, where string, err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		te.Field = strings.TrimPrefix(te.Field, "Event.")
		return &cost.Error{Code: cost.CodeInvalid, Field: te.Field,
			Message: fmt.Sprintf("%s: %s, field %q: a %s is not allowed here (want %s)", file, where, te.Field, te.Value, te.Type)}
	}
	return &cost.Error{Code: cost.CodeInvalid, Message: fmt.Sprintf("%s: %s: invalid JSON: %v", file, where, err)}
}
