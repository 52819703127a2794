// Package otlp turns OpenTelemetry traces (OTLP/HTTP, protobuf or JSON) into
// usage events: each span carrying GenAI usage attributes (the semantic
// conventions' gen_ai.* names, current and older) becomes one cost.Event,
// which the ingester prices and writes like an events file. It decodes with
// the OpenTelemetry Collector's pdata module.
package otlp

import (
	"compress/gzip"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/llmcost/llmcost/internal/cost"
)

// Content types of OTLP/HTTP.
const (
	ContentProtobuf = "application/x-protobuf"
	ContentJSON     = "application/json"
)

// Encoding returns the payload encoding named by a Content-Type header:
// ContentProtobuf or ContentJSON. Returns CodeInvalid for anything else.
func Encoding(contentType string) (string, error) {
	mt, _, err := mime.ParseMediaType(contentType)
	if contentType == "" || err != nil {
		return "", cost.FieldErrorf("Content-Type", "Content-Type must be %s or %s (OTLP/HTTP).", ContentProtobuf, ContentJSON)
	}
	switch mt {
	case ContentProtobuf, "application/protobuf":
		return ContentProtobuf, nil
	case ContentJSON:
		return ContentJSON, nil
	}
	return "", cost.FieldErrorf("Content-Type", "Content-Type %q is not OTLP/HTTP; use %s or %s.", mt, ContentProtobuf, ContentJSON)
}

// ReadBody reads a request body of at most limit bytes after decompression.
// contentEncoding is the Content-Encoding header: "" / "identity" or "gzip".
// A body, compressed or not, that would exceed limit returns CodeInvalid, so a
// small gzip bomb cannot expand without bound.
func ReadBody(r io.Reader, contentEncoding string, limit int64) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(contentEncoding)) {
	case "", "identity":
	case "gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, cost.Errorf(cost.CodeInvalid, "The body is not valid gzip: %v.", err)
		}
		defer zr.Close()
		r = zr
	default:
		return nil, cost.FieldErrorf("Content-Encoding", "Content-Encoding %q is not supported; use gzip or none.", contentEncoding)
	}
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, cost.Errorf(cost.CodeInvalid, "The body is larger than %d bytes.", tooBig.Limit)
		}
		return nil, cost.Errorf(cost.CodeInvalid, "Cannot read the body: %v.", err)
	}
	if int64(len(b)) > limit {
		return nil, cost.Errorf(cost.CodeInvalid, "The body is larger than %d bytes once decompressed.", limit)
	}
	return b, nil
}

// Decode unmarshals an OTLP ExportTraceServiceRequest in the given encoding.
// Returns CodeInvalid, saying what is wrong, for a payload that is not one.
func Decode(body []byte, encoding string) (ptrace.Traces, error) {
	var (
		td  ptrace.Traces
		err error
	)
	if encoding == ContentJSON {
		td, err = (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(body)
	} else {
		td, err = (&ptrace.ProtoUnmarshaler{}).UnmarshalTraces(body)
	}
	if err != nil {
		return ptrace.Traces{}, cost.Errorf(cost.CodeInvalid,
			"The body is not an OTLP ExportTraceServiceRequest in %s: %v.", encoding, err)
	}
	return td, nil
}

// Response returns the body and Content-Type of a successful export response
// (an empty ExportTraceServiceResponse) in the request's encoding.
func Response(encoding string) ([]byte, string) {
	if encoding == ContentJSON {
		return []byte("{}"), ContentJSON
	}
	return nil, ContentProtobuf
}
