package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/llmcost/llmcost/internal/cost"
)

// writeJSON encodes v with status, compressed in the coding the client
// prefers (negotiate) when the body is large enough to benefit. A successful
// answer tagged by notModified keeps its encoded body for repeats of the
// same request.
func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	accepted := negotiate(r)
	e, err := encodeBody(v, accepted)
	if err != nil {
		s.log.Error("encode response", append(logAttrs(r), "err", err)...)
		status = http.StatusInternalServerError
		e = encodedBody{body: []byte(`{"error":{"code":"internal","message":"Internal error."}}` + "\n")}
	}
	h := w.Header()
	tag := h.Get("ETag")
	if status != http.StatusOK || tag == "" {
		// Only a tagged success may be kept (and revalidated) by the client.
		h.Del("ETag")
		h.Set("Cache-Control", "no-store")
	}
	if status == http.StatusOK && tag != "" {
		s.bodies.put(tag, accepted, e)
	}
	writeBody(w, status, e)
}

// writeBody writes an encoded JSON body.
func writeBody(w http.ResponseWriter, status int, e encodedBody) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Add("Vary", "Accept-Encoding")
	if e.coding != identity {
		h.Set("Content-Encoding", string(e.coding))
	}
	w.WriteHeader(status)
	w.Write(e.body)
}

// decodeJSON reads a JSON request body of at most MaxJSONBytes into v, rejecting
// unknown fields and trailing data. Errors are CodeInvalid and name the field.
func (s *Server) decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	body := http.MaxBytesReader(w, r.Body, s.cfg.MaxJSONBytes)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err, s.cfg.MaxJSONBytes)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return cost.Errorf(cost.CodeInvalid, "The request body must hold a single JSON value.")
	}
	return nil
}

// jsonError turns a decoding error into a CodeInvalid error naming the field.
func jsonError(err error, limit int64) error {
	var (
		ce     *cost.Error
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
		tooBig *http.MaxBytesError
	)
	switch {
	case errors.As(err, &ce):
		return ce
	case errors.Is(err, io.EOF):
		return cost.Errorf(cost.CodeInvalid, "The request body is empty; a JSON object is required.")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return cost.Errorf(cost.CodeInvalid, "The request body is truncated JSON.")
	case errors.As(err, &syntax):
		return cost.Errorf(cost.CodeInvalid, "Malformed JSON at byte %d: %s.", syntax.Offset, syntax.Error())
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return typeError(field, typ)
	case errors.As(err, &tooBig):
		return cost.Errorf(cost.CodeInvalid, "The request body is larger than %d bytes.", limit)
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return cost.FieldErrorf(name, "Unknown field %q.", name)
	}
	return cost.Errorf(cost.CodeInvalid, "Invalid JSON: %s.", msg)
}

// typeError says why a JSON value does not fit its field. A number that
// does not fit (a fraction or too large for a whole-number field, beyond a
// float64 for any other) is named as such rather than as a wrong type.
func typeError(field string, e *json.UnmarshalTypeError) error {
	n, isNumber := strings.CutPrefix(e.Value, "number ")
	switch kind := jsonKind(e); {
	case isNumber && kind == "number" && isInteger(e):
		return cost.FieldErrorf(field, "Field %q must be a whole number within range, not %s.", field, n)
	case isNumber && kind == "number":
		return cost.FieldErrorf(field, "Field %q is out of range: %s.", field, n)
	default:
		return cost.FieldErrorf(field, "Field %q must be a JSON %s, not %s.", field, kind, e.Value)
	}
}

// isInteger reports whether the field e failed to fill is a Go integer type.
func isInteger(e *json.UnmarshalTypeError) bool {
	switch e.Type.Kind().String() {
	case "float32", "float64":
		return false
	}
	return true
}

func jsonKind(e *json.UnmarshalTypeError) string {
	if e.Type == nil {
		return "value"
	}
	switch k := e.Type.Kind().String(); k {
	case "float32", "float64", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "number"
	case "slice", "array":
		return "array"
	case "struct", "map":
		return "object"
	case "bool":
		return "boolean"
	default:
		return fmt.Sprint(k)
	}
}
