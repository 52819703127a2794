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
)

// input is an ingested file's content: decompressed when gzip, counted, and
// hashed when the caller needs a content id.
type input struct {
	raw  *countingReader
	r    *bufio.Reader
	hash hash.Hash
}

// openInput detects gzip by its magic bytes and wraps r.
func openInput(r io.Reader, hashed bool) (*input, error) {
	in := &input{raw: &countingReader{r: r}}
	br := bufio.NewReaderSize(in.raw, 1<<16)
	var content io.Reader = br
	if magic, _ := br.Peek(2); bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("bad gzip data: %v", err)
		}
		content = zr
	}
	if hashed {
		in.hash = sha256.New()
		content = io.TeeReader(content, in.hash)
	}
	in.r = bufio.NewReaderSize(content, 1<<16)
	return in, nil
}

// Read reads decompressed content.
func (in *input) Read(p []byte) (int, error) { return in.r.Read(p) }

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
