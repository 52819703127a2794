package httpapi

import (
	"bytes"
	"cmp"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/llmcost/llmcost/internal/cost"
)

// coding is the content coding of a response body (RFC 9110 §8.4.1).
type coding string

const (
	identity   coding = ""
	codingGzip coding = "gzip"
	// codingZstd is Zstandard (RFC 8878), which browsers ask for beside gzip:
	// at its fastest level it compresses a panel's JSON in about half of
	// gzip's time to about a third of gzip's size, and decompresses it
	// several times faster.
	codingZstd coding = "zstd"
)

// compressMinBytes is the smallest JSON body worth compressing.
const compressMinBytes = 1024

// negotiate picks the coding of a response to r from its Accept-Encoding:
// the one of zstd and gzip it prefers (zstd on a tie), or none when it
// accepts neither. A coding given q=0 is refused; "*" stands for a coding the
// header does not name.
func negotiate(r *http.Request) coding {
	// The weights of zstd, gzip and "*"; -1 when the header does not name it.
	z, g, star := -1.0, -1.0, 0.0
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(part, ";")
		switch strings.ToLower(strings.TrimSpace(name)) {
		case string(codingZstd):
			z = qValue(params)
		case string(codingGzip):
			g = qValue(params)
		case "*":
			star = qValue(params)
		}
	}
	if z < 0 {
		z = star
	}
	if g < 0 {
		g = star
	}
	switch {
	case z > 0 && z >= g:
		return codingZstd
	case g > 0:
		return codingGzip
	}
	return identity
}

// qValue returns the weight in a coding's parameters ("q=0.5"): 1 when none
// is given, 0 when it is malformed.
func qValue(params string) float64 {
	for _, p := range strings.Split(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		w, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || w < 0 || w > 1 {
			return 0
		}
		return w
	}
	return 1
}

// encodeBody encodes v as encodeJSON does, then a newline, compressed in
// coding c when the body is large enough to benefit. A result of many rows
// asked for in zstd is encoded and compressed in halves at once (zstdHalves).
func encodeBody(v any, c coding) (encodedBody, error) {
	if r, ok := v.(*cost.Result); ok && r != nil && c == codingZstd && len(r.Rows) >= splitRows {
		b, err := zstdHalves(r)
		return encodedBody{body: b, coding: c}, err
	}
	b, err := encodeJSON(v)
	if err != nil {
		return encodedBody{}, err
	}
	b = append(b, '\n')
	if len(b) <= compressMinBytes || c == identity {
		return encodedBody{body: b}, nil
	}
	return encodedBody{body: compress(b, c), coding: c}, nil
}

// splitRows is the fewest rows zstdHalves splits a result's encoding at:
// about 40 kB of JSON, whose halves take a few dozen microseconds each.
const splitRows = 1024

// zstdHalves returns the body encodeBody returns for r in zstd, made by two
// goroutines, each of which encodes half of the rows and compresses them as
// a zstd frame of their own. A zstd body may hold several frames, which
// decode to their contents one after the other (RFC 8878 §3.1), so the body
// decodes to the same bytes as one frame would; a large answer (a heatmap's
// thousands of rows) takes about half the time to write on an idle core.
func zstdHalves(r *cost.Result) ([]byte, error) {
	n := len(r.Rows) / 2
	var (
		head []byte
		err  error
		wg   sync.WaitGroup
	)
	wg.Go(func() {
		var b []byte
		if b, err = appendResultHead(make([]byte, 0, 256+48*n), r, n); err == nil {
			head = compress(b, codingZstd)
		}
	})
	b, tailErr := appendResultTail(make([]byte, 0, 256+48*(len(r.Rows)-n)), r, n)
	var tail []byte
	if tailErr == nil {
		tail = compress(append(b, '\n'), codingZstd)
	}
	wg.Wait()
	if err = cmp.Or(err, tailErr); err != nil {
		return nil, err
	}
	return append(head, tail...), nil
}

// compress returns b in coding c.
func compress(b []byte, c coding) []byte {
	switch c {
	case codingGzip:
		return gzipped(b)
	case codingZstd:
		return zstdEncoder.EncodeAll(b, make([]byte, 0, len(b)/8))
	}
	return b
}

// gzipWriters reuses compressors: each holds state a new one allocates and
// clears on every compressed answer. They are klauspost/compress's, whose
// fastest level compresses a panel's JSON about twice as fast as the
// standard library's, to a slightly smaller body any gzip reader reads.
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed) // Speed beats ratio here.
	return zw
}}

// gzipped returns b compressed.
func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(b) / 4)
	zw := gzipWriters.Get().(*gzip.Writer)
	zw.Reset(&buf)
	zw.Write(b)
	zw.Close()
	gzipWriters.Put(zw)
	return buf.Bytes()
}

// zstdEncoder compresses whole bodies (EncodeAll may be called concurrently).
// Its window is 8 MiB, the most browsers accept in HTTP (RFC 8878 §3.1.1.1.2).
var zstdEncoder = func() *zstd.Encoder {
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithWindowSize(8<<20))
	if err != nil {
		panic(err) // The options are constant.
	}
	return enc
}()
