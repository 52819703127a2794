package cost

import "math"

// Column types in a Frame.
const (
	TypeString = "string"
	TypeNumber = "number"
	TypeDate   = "date" // Values are "YYYY-MM-DD" strings.
)

// Frame is a table of results: the "columns"/"rows" of every API answer. Dates are
// "YYYY-MM-DD" strings and numbers float64, so frames encode the same from any store.
type Frame struct {
	Columns []string `json:"columns"`
	Types   []string `json:"types"`
	Rows    [][]any  `json:"rows"`
}

// Col returns the index of a column, or -1.
func (f *Frame) Col(name string) int {
	for i, c := range f.Columns {
		if c == name {
			return i
		}
	}
	return -1
}

// Strings returns column i of every row as text: strings and dates as they
// are, NULL as "".
func (f *Frame) Strings(i int) []string {
	out := make([]string, len(f.Rows))
	for r, row := range f.Rows {
		if v, ok := row[i].(string); ok {
			out[r] = v
		}
	}
	return out
}

// Number reads a frame cell as a number: numbers of any Go numeric type as
// float64; NULL (nil), NaN and anything else as 0, the figure of no data.
func Number(v any) float64 {
	var f float64
	switch x := v.(type) {
	case float64:
		f = x
	case float32:
		f = float64(x)
	case int:
		f = float64(x)
	case int32:
		f = float64(x)
	case int64:
		f = float64(x)
	case uint64:
		f = float64(x)
	}
	if math.IsNaN(f) {
		return 0
	}
	return f
}

// Result is a Frame with the exact dates it covers.
type Result struct {
	Frame
	Period   DateRange  `json:"period"`
	Previous *DateRange `json:"previous,omitempty"`
	// Title and Unit describe a panel's figures, when the result is a panel.
	Title string `json:"title,omitempty"`
	Unit  string `json:"unit,omitempty"`
	// Meta carries panel-specific extras (e.g. the budget behind a gauge).
	Meta map[string]any `json:"meta,omitempty"`
}
