package ingest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"

	"github.com/llmcost/llmcost/internal/cost"
)

// Limits on what an ingested file may hold, so that bad input is refused
// before it is read into memory.
const (
	// MaxLineBytes is the longest line (CSV record or NDJSON line) read.
	MaxLineBytes = 1 << 20
	// MaxGzipRatio is how many times its compressed size gzip content may
	// expand to (billing files expand 5–30 times), checked once more than
	// gzipRatioFrom bytes have come out.
	MaxGzipRatio  = 100
	gzipRatioFrom = 64 << 20
)

// input is an ingested file's content: decompressed when gzip, counted, and
// hashed when the caller needs a content id. Reads through it refuse a line
// longer than MaxLineBytes (spooled Parquet bypasses that check).
type input struct {
	name  string
	raw   *countingReader
	r     *bufio.Reader
	hash  hash.Hash
	lines lineLimit
}

// Line limits by content: none (events, whose JSON arrays may be one long
// line and are decoded value by value), physical lines (NDJSON or CSV), or CSV
// records, whose quoted values may span lines.
const (
	limitNone = iota
	limitLines
	limitRecords
)

// limitFor returns the line limit of a format's content.
func limitFor(format string) int {
	switch format {
	case FormatEvents:
		return limitNone
	case FormatGCP:
		return limitLines
	}
	return limitRecords
}

// openInput detects gzip by its magic bytes and wraps r; name is the file's
// name in messages, limit one of limitNone, limitLines and limitRecords.
func openInput(name string, r io.Reader, hashed bool, limit int) (*input, error) {
	in := &input{name: name, raw: &countingReader{r: r},
		lines: lineLimit{off: limit == limitNone, csv: limit == limitRecords, line: 1}}
	br := bufio.NewReaderSize(in.raw, 1<<16)
	var content io.Reader = br
	if magic, _ := br.Peek(2); bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("bad gzip data: %v", err)
		}
		content = &ratioReader{name: name, r: zr, raw: in.raw}
	}
	if hashed {
		in.hash = sha256.New()
		content = io.TeeReader(content, in.hash)
	}
	in.r = bufio.NewReaderSize(content, 1<<16)
	return in, nil
}

// Read reads decompressed content, refusing a line longer than MaxLineBytes.
func (in *input) Read(p []byte) (int, error) {
	n, err := in.r.Read(p)
	if lerr := in.lines.scan(in.name, p[:n]); lerr != nil {
		return 0, lerr
	}
	return n, err
}

// lineLimit follows line lengths through the content: the bytes of the
// current record since its start, and the physical line it is on.
type lineLimit struct {
	off, csv bool
	inQuotes bool
	length   int
	line     int
}

// scan advances over p and returns an error naming the line once a record
// grows past MaxLineBytes. It goes a line at a time (IndexByte and Count use
// the CPU's vector instructions): only newlines and, in a CSV, the parity of
// the quotes before them change the state.
func (l *lineLimit) scan(name string, p []byte) error {
	if l.off {
		return nil
	}
	for len(p) > 0 {
		body, rest, newline := p, []byte(nil), false
		if i := bytes.IndexByte(p, '\n'); i >= 0 {
			body, rest, newline = p[:i], p[i+1:], true
		}
		if l.length += len(body); l.length > MaxLineBytes {
			return l.tooLong(name)
		}
		if l.csv && bytes.Count(body, []byte{'"'})%2 == 1 {
			l.inQuotes = !l.inQuotes
		}
		if !newline {
			return nil
		}
		l.length++
		l.line++
		if !l.inQuotes {
			l.length = 0
		} else if l.length > MaxLineBytes {
			return l.tooLong(name)
		}
		p = rest
	}
	return nil
}

// tooLong is the error of a record longer than MaxLineBytes.
func (l *lineLimit) tooLong(name string) error {
	return cost.Errorf(cost.CodeInvalid, "%s: line %d: the line is longer than %d bytes; "+
		"lines (and quoted values) are limited to 1 MiB", name, l.line, MaxLineBytes)
}

// ratioReader refuses gzip content that expands more than MaxGzipRatio times
// its compressed size: a decompression bomb.
type ratioReader struct {
	name string
	r    io.Reader
	raw  *countingReader
	n    int64
}

func (z *ratioReader) Read(p []byte) (int, error) {
	n, err := z.r.Read(p)
	z.n += int64(n)
	if z.n > gzipRatioFrom && z.n > MaxGzipRatio*z.raw.n {
		return 0, cost.Errorf(cost.CodeInvalid, "%s: the gzip content expands more than %d times its "+
			"compressed size (%d bytes from %d); it is refused as a likely decompression bomb",
			z.name, MaxGzipRatio, z.n, z.raw.n)
	}
	return n, err
}

// bytes returns how many (compressed) bytes were read so far.
func (in *input) bytes() int64 { return in.raw.n }

// isParquet reports whether the content starts with the Parquet magic.
func (in *input) isParquet() bool {
	magic, _ := in.r.Peek(4)
	return string(magic) == "PAR1"
}

// sum drains the content and returns its SHA-256 in hex.
func (in *input) sum() (string, error) {
	if _, err := io.Copy(io.Discard, in.r); err != nil {
		return "", err
	}
	return hex.EncodeToString(in.hash.Sum(nil)), nil
}

// spool copies the content to a temporary file (Parquet needs random access),
// which is removed when the returned file is closed.
func (in *input) spool() (*spooled, int64, error) {
	f, err := os.CreateTemp("", "llmcost-ingest-*.parquet")
	if err != nil {
		return nil, 0, err
	}
	s := &spooled{File: f}
	n, err := io.Copy(f, in.r)
	if err != nil {
		s.Close()
		return nil, 0, fmt.Errorf("cannot read: %v", err)
	}
	return s, n, nil
}

// spooled is a temporary file deleted on Close.
type spooled struct{ *os.File }

// Close closes and removes the file.
func (s *spooled) Close() error {
	err := s.File.Close()
	os.Remove(s.Name())
	return err
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
