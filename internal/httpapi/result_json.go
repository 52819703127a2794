package httpapi

import (
	"encoding/json"
	"math"
	"strconv"

	"github.com/llmcost/llmcost/internal/cost"
)

// encodeJSON returns v encoded exactly as json.Marshal encodes it. A result
// (the answer of every panel and query), whose rows may number thousands, is
// written by appendResult without reflection; anything else by json.Marshal.
func encodeJSON(v any) ([]byte, error) {
	if r, ok := v.(*cost.Result); ok && r != nil {
		return appendResult(make([]byte, 0, 256+48*len(r.Rows)), r)
	}
	return json.Marshal(v)
}

// appendResult appends r as json.Marshal encodes it: the frame's columns,
// types and rows, then the period and the fields set of previous, title,
// unit and meta. Cells that are not strings, finite float64s or nil, and the
// small fields after the rows, go through json.Marshal, so the bytes are the
// same; a NaN or infinite cell is json.Marshal's error.
func appendResult(b []byte, r *cost.Result) ([]byte, error) {
	b, err := appendResultHead(b, r, len(r.Rows))
	if err != nil {
		return nil, err
	}
	return appendResultTail(b, r, len(r.Rows))
}

// appendResultHead appends the start of r's JSON (appendResult): its columns,
// its types and its first n rows.
func appendResultHead(b []byte, r *cost.Result, n int) ([]byte, error) {
	b = append(b, `{"columns":`...)
	b = appendStrings(b, r.Columns)
	b = append(b, `,"types":`...)
	b = appendStrings(b, r.Types)
	b = append(b, `,"rows":`...)
	if r.Rows == nil {
		return append(b, "null"...), nil
	}
	return appendRows(append(b, '['), r.Rows[:n], true)
}

// appendResultTail appends the rest of r's JSON after appendResultHead's
// first n rows: the other rows, then the period and the fields after it.
func appendResultTail(b []byte, r *cost.Result, n int) ([]byte, error) {
	var err error
	if r.Rows != nil {
		if b, err = appendRows(b, r.Rows[n:], n == 0); err != nil {
			return nil, err
		}
		b = append(b, ']')
	}
	b = append(b, `,"period":`...)
	if b, err = appendMarshal(b, r.Period); err != nil {
		return nil, err
	}
	if r.Previous != nil {
		b = append(b, `,"previous":`...)
		if b, err = appendMarshal(b, r.Previous); err != nil {
			return nil, err
		}
	}
	if r.Title != "" {
		b = append(b, `,"title":`...)
		b = appendString(b, r.Title)
	}
	if r.Unit != "" {
		b = append(b, `,"unit":`...)
		b = appendString(b, r.Unit)
	}
	if len(r.Meta) > 0 {
		b = append(b, `,"meta":`...)
		if b, err = appendMarshal(b, r.Meta); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

func appendStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

// appendRows appends rows as elements of a JSON array, each after a comma
// but the first when first.
func appendRows(b []byte, rows [][]any, first bool) ([]byte, error) {
	for i, row := range rows {
		if i > 0 || !first {
			b = append(b, ',')
		}
		if row == nil {
			b = append(b, "null"...)
			continue
		}
		b = append(b, '[')
		for j, cell := range row {
			if j > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendCell(b, cell); err != nil {
				return nil, err
			}
		}
		b = append(b, ']')
	}
	return b, nil
}

// appendCell appends one frame cell: strings, numbers and nulls directly,
// anything else through json.Marshal.
func appendCell(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendString(b, x), nil
	case float64:
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			return appendFloat(b, x), nil
		}
	}
	return appendMarshal(b, v)
}

// appendFloat appends a finite float64 as encoding/json writes it: like
// ES6's number to string, %f between 1e-6 and 1e21, else %e with the
// exponent's leading zero dropped.
func appendFloat(b []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// appendString appends s quoted. Printable ASCII other than the quote, the
// backslash and the characters json.Marshal escapes for HTML (<, >, &) is
// copied; a string with any other byte goes through json.Marshal.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // A string always encodes.
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func appendMarshal(b []byte, v any) ([]byte, error) {
	q, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(b, q...), nil
}
