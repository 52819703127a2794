package httpapi

import (
	"log/slog"
	"net/http"

	"github.com/llmcost/llmcost/internal/cost"
)

// statusByCode maps application error codes to HTTP status. It is the only place
// that does so.
var statusByCode = map[string]int{
	cost.CodeInvalid:         http.StatusBadRequest,
	cost.CodeUnauthorized:    http.StatusUnauthorized,
	cost.CodeForbidden:       http.StatusForbidden,
	cost.CodeNotFound:        http.StatusNotFound,
	cost.CodeConflict:        http.StatusConflict,
	cost.CodeUnavailable:     http.StatusServiceUnavailable,
	cost.CodeTooManyRequests: http.StatusTooManyRequests,
	cost.CodeNotImplemented:  http.StatusNotImplemented,
	cost.CodeInternal:        http.StatusInternalServerError,
}

// ErrorStatus returns the HTTP status for an application error code.
func ErrorStatus(code string) int {
	if s, ok := statusByCode[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// errorBody is the JSON shape of every error response.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// writeError writes err as {"error":{"code","message","field"}}. Internal errors
// are logged with their details and shown only as "Internal error."; refused
// cross-scope requests are logged with the principal.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := cost.ErrorCode(err)
	switch code {
	case cost.CodeInternal:
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	case cost.CodeTooManyRequests:
		if w.Header().Get("Retry-After") == "" { // Limiters count their own (tooMany).
			s.rejected(r, "quota")
		}
	case cost.CodeForbidden:
		who := "none" // Refused before a principal was set, e.g. a gateway token.
		if p, ok := cost.PrincipalFromContext(r.Context()); ok {
			who = p.String()
		}
		s.log.Warn("request outside principal scope", "method", r.Method, "path", r.URL.Path,
			"principal", who, "query", r.URL.RawQuery, "err", cost.ErrorMessage(err))
	}
	if code == cost.CodeUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="llmcost"`)
	}
	s.writeJSON(w, r, ErrorStatus(code), errorBody{errorDetail{
		Code: code, Message: cost.ErrorMessage(err), Field: cost.ErrorField(err),
	}})
}

func notFound(format string, args ...any) error {
	return cost.Errorf(cost.CodeNotFound, format, args...)
}

// logAttrs returns the request attributes common to every log line.
func logAttrs(r *http.Request) []any {
	return []any{slog.String("method", r.Method), slog.String("path", r.URL.Path)}
}
