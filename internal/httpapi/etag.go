package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/llmcost/llmcost/internal/cost"
)

// notModified tags the answer to r with an ETag built from the store's data
// version, the caller's principal, today's date and the request (method, path,
// query and the normalised body, if any), and answers 304 Not Modified when the
// request's If-None-Match already names that tag; otherwise, when the same
// tag was answered before and its encoded body is still kept, it writes that
// body. Nothing is computed then. It returns true when it has answered. The tag is weak, as the same answer
// may be sent compressed in any coding or not at all. Without a data version it does nothing.
func (s *Server) notModified(w http.ResponseWriter, r *http.Request, body any) bool {
	if s.cfg.Store == nil {
		return false
	}
	v, err := s.cfg.Store.DataVersion(r.Context())
	if err != nil {
		s.log.Warn("data version", append(logAttrs(r), "err", err)...)
		return false
	}
	key, err := json.Marshal(struct {
		V, M, P, Q, T string
		Who           cost.Principal
		Body          any
	}{v, r.Method, r.URL.Path, r.URL.RawQuery, s.now().UTC().Format(cost.DateLayout), principal(r), body})
	if err != nil {
		return false
	}
	sum := sha256.Sum256(key)
	tag := `W/"` + hex.EncodeToString(sum[:16]) + `"`
	h := w.Header()
	h.Set("ETag", tag)
	h.Set("Cache-Control", "private, no-cache")
	h.Add("Vary", "Authorization")
	if !etagMatch(r.Header.Get("If-None-Match"), tag) {
		if e, ok := s.bodies.get(tag, negotiate(r)); ok {
			writeBody(w, http.StatusOK, e)
			return true
		}
		return false
	}
	h.Add("Vary", "Accept-Encoding")
	w.WriteHeader(http.StatusNotModified)
	return true
}

// etagMatch reports whether an If-None-Match header names tag, comparing
// weakly (RFC 9110 §13.1.2).
func etagMatch(header, tag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == strings.TrimPrefix(tag, "W/") {
			return true
		}
	}
	return false
}
