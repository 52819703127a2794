// Package billing reads billing and usage files into cost lines and events:
// the unified CSV (which it also writes), FOCUS 1.0–1.2 CSV and Parquet, and
// gateway usage events as JSON or NDJSON. Readers stream: they hold one record at
// a time and hand each line to a callback. Bad input is a *cost.Error with
// CodeInvalid naming the file, line and column.
package billing

import (
	"fmt"

	"github.com/llmcost/llmcost/internal/cost"
)

// LineFunc receives each parsed line. The line is freshly allocated and may be kept.
type LineFunc func(l *cost.LineItem) error

// WarnFunc receives a non-fatal problem with the input. Callers deduplicate.
type WarnFunc func(msg string)

// lineError returns the error for a bad value in a file.
func lineError(file string, line int, column, format string, args ...any) *cost.Error {
	msg := fmt.Sprintf(format, args...)
	if line <= 0 {
		return &cost.Error{Code: cost.CodeInvalid, Message: fmt.Sprintf("%s: %s", file, msg)}
	}
	if column == "" {
		return &cost.Error{Code: cost.CodeInvalid, Message: fmt.Sprintf("%s: line %d: %s", file, line, msg)}
	}
	return &cost.Error{Code: cost.CodeInvalid, Field: column,
		Message: fmt.Sprintf("%s: line %d, column %q: %s", file, line, column, msg)}
}
