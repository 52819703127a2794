package cost

import (
	"errors"
	"fmt"
)

// Error codes. Each maps to one HTTP status in httpapi and nowhere else.
const (
	CodeInvalid        = "invalid"         // Bad input: unknown field, bad date, malformed file.
	CodeNotFound       = "not_found"       // The thing asked for does not exist.
	CodeUnauthorized   = "unauthorized"    // No credentials, or bad/expired ones.
	CodeForbidden      = "forbidden"       // Credentials fine, but outside the principal's scope.
	CodeConflict       = "conflict"        // The request conflicts with stored state.
	CodeUnavailable    = "unavailable"     // A dependency (LLM, object store) did not answer.
	CodeNotImplemented = "not_implemented" // Known but not supported in this configuration.
	CodeInternal       = "internal"        // Anything else; details are logged, never shown.
)

// CodeTooManyRequests says a rate limit or a per-customer quota refused the
// request. Like the codes above, it maps to one HTTP status in httpapi.
const CodeTooManyRequests = "too_many_requests"

// Error is the application error. Message is a capitalised sentence meant for users;
// internal errors never reach users verbatim.
type Error struct {
	Code    string
	Message string
	// Field names the offending input (a query field, a CSV column) when there is one.
	Field string
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, e.Field)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldErrorf returns an EINVALID-style error that names the offending field.
func FieldErrorf(field, format string, args ...any) *Error {
	return &Error{Code: CodeInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, CodeInternal for any
// other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the user-facing message of err, or "Internal error." when err
// is not an *Error.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// ErrorField returns the field named by err, if any.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
