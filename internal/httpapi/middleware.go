package httpapi

import (
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/llmcost/llmcost/internal/cost"
)

// statusRecorder remembers the status and size of a response.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer (flush).
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe logs every request and records its metrics by route pattern.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		elapsed := time.Since(start)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		s.metrics.observe(route, r.Method, rec.status, elapsed.Seconds())
		level := s.cfg.RequestLogLevel
		if rec.status >= 500 {
			level = slog.LevelError
		} else if r.URL.Path == "/healthz" || r.URL.Path == "/metrics" || strings.HasPrefix(r.URL.Path, "/static/") ||
			rec.status == http.StatusTooManyRequests || // Rejections are summarised at a bounded rate (limit.go).
			strings.HasPrefix(r.URL.Path, "/api/v1/budget-check") {
			level = slog.LevelDebug
		}
		s.log.Log(r.Context(), level, "http request", "method", r.Method, "path", r.URL.Path,
			"route", route, "status", rec.status, "bytes", rec.bytes, "duration", elapsed)
	})
}

// recoverPanics turns a panicking handler into a logged 500.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("handler panic", "method", r.Method, "path", r.URL.Path,
					"panic", v, "stack", string(debug.Stack()))
				s.writeError(w, r, cost.Errorf(cost.CodeInternal, "panic"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// authed requires a valid bearer token and puts its principal in the context.
// A client address that sent too many wrong tokens is refused with 429 before
// its token is even looked at, until its budget of failures refills.
func (s *Server) authed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ip := clientKey(r)
		if wait := s.limits.auth.wait(ip); wait > 0 {
			s.tooMany(w, r, "auth", wait, "Too many requests with a wrong token from this address")
			return
		}
		p, err := s.authenticate(r)
		if err != nil {
			if r.Header.Get("Authorization") != "" {
				s.limits.auth.take(ip)
			}
			s.writeError(w, r, err)
			return
		}
		q, err := checkRequestText(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		r = r.WithContext(cost.NewContextWithPrincipal(r.Context(), p))
		r.Form = q // Parsed once for every handler (query).
		h(w, r)
	}
}

// checkRequestText refuses a request whose path or query parameters are not
// UTF-8: each may reach the store as a bound text parameter, which the store
// cannot bind, and no customer, model or date is spelt that way. It returns
// the parsed query parameters.
func checkRequestText(r *http.Request) (url.Values, error) {
	if !utf8.ValidString(r.URL.Path) {
		return nil, cost.FieldErrorf("path", "The request path is not valid UTF-8.")
	}
	q := r.URL.Query()
	for k, vs := range q {
		if !utf8.ValidString(k) {
			return nil, cost.FieldErrorf("query", "A query parameter name is not valid UTF-8.")
		}
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return nil, cost.FieldErrorf(k, "Query parameter %q is not valid UTF-8.", k)
			}
		}
	}
	return q, nil
}

// adminOnly is authed, and refuses customer principals with 403.
func (s *Server) adminOnly(h http.HandlerFunc) http.HandlerFunc {
	return s.authed(func(w http.ResponseWriter, r *http.Request) {
		if p := principal(r); !p.Admin {
			s.writeError(w, r, cost.Errorf(cost.CodeForbidden, "This operation needs the admin token."))
			return
		}
		h(w, r)
	})
}

func (s *Server) authenticate(r *http.Request) (cost.Principal, error) {
	if s.cfg.Keyring == nil {
		return cost.Principal{}, cost.Errorf(cost.CodeUnauthorized, "Authentication is not configured.")
	}
	h := r.Header.Get("Authorization")
	if h == "" {
		return cost.Principal{}, cost.Errorf(cost.CodeUnauthorized, "An Authorization: Bearer <token> header is required.")
	}
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return cost.Principal{}, cost.Errorf(cost.CodeUnauthorized, "The Authorization header must be \"Bearer <token>\".")
	}
	return s.cfg.Keyring.Authenticate(strings.TrimSpace(token), s.now())
}

// principal returns the authenticated principal of r; handlers behind authed
// always have one.
func principal(r *http.Request) cost.Principal {
	p, _ := cost.PrincipalFromContext(r.Context())
	return p
}
