package billing

import (
	"bufio"
	"encoding/csv"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/llmcost/llmcost/internal/cost"
)

// record is one row of a tabular file with its header, shared by the CSV and
// Parquet readers so that format mappings see one shape.
type record struct {
	file string
	line int            // 1-based line (CSV) or row number + 1 (Parquet).
	cols map[string]int // Lower-case column name → index.
	name []string       // Column names as written.
	vals []string
	// layout is the index in timeLayouts that parsed the last timestamp; files use one.
	layout int
}

// index returns the index of the first named column present, or -1.
func (r *record) index(names ...string) int {
	for _, n := range names {
		if i, ok := r.cols[strings.ToLower(n)]; ok {
			return i
		}
	}
	return -1
}

// str returns the trimmed value at index i; "" when absent or a NULL marker.
func (r *record) str(i int) string {
	if i < 0 || i >= len(r.vals) {
		return ""
	}
	s := strings.TrimSpace(r.vals[i])
	if strings.EqualFold(s, "null") {
		return ""
	}
	return s
}

// float parses the number at index i; empty is 0 unless required.
func (r *record) float(i int, required bool) (float64, error) {
	s := r.str(i)
	if s == "" {
		if required && i >= 0 {
			return 0, r.errorf(i, "value is empty; a number is required")
		}
		return 0, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	// Go's syntax (1_000, 0x1p3) is not how billing files write numbers.
	if err != nil || strings.ContainsAny(s, "_xX") {
		return 0, r.errorf(i, "%q is not a number", s)
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, r.errorf(i, "%q is not a finite number", s)
	}
	return f, nil
}

// costFloat parses a cost at index i: a number within cost.MaxAbsCost.
func (r *record) costFloat(i int, required bool) (float64, error) {
	f, err := r.float(i, required)
	if err == nil && math.Abs(f) > cost.MaxAbsCost {
		return 0, r.errorf(i, "%q is beyond %g; a cost that large cannot be right", r.str(i), cost.MaxAbsCost)
	}
	return f, err
}

// optFloat parses an optional number: nil when absent or empty.
func (r *record) optFloat(i int) (*float64, error) {
	if r.str(i) == "" {
		return nil, nil
	}
	f, err := r.float(i, false)
	return &f, err
}

// timeLayouts are the timestamp spellings found in billing files.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
	"2006-01-02",
}

// parseTime parses a timestamp, trying the layout at index *hint first; one
// without a zone is UTC.
func parseTime(s string, hint *int) (time.Time, bool) {
	if t, err := time.Parse(timeLayouts[*hint], s); err == nil {
		return t.UTC(), true
	}
	for i, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			*hint = i
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// time parses the timestamp at index i; the zero time when empty and optional.
func (r *record) time(i int, required bool) (time.Time, error) {
	s := r.str(i)
	if s == "" {
		if required {
			return time.Time{}, r.errorf(i, "value is empty; a date or timestamp is required")
		}
		return time.Time{}, nil
	}
	t, ok := parseTime(s, &r.layout)
	if !ok {
		return time.Time{}, r.errorf(i, "%q is not a date or timestamp", s)
	}
	return t, nil
}

// errorf returns an error naming the file, line and the column at index i.
func (r *record) errorf(i int, format string, args ...any) error {
	col := ""
	if i >= 0 && i < len(r.name) {
		col = r.name[i]
	}
	return lineError(r.file, r.line, col, format, args...)
}

// csvFile streams the records of a CSV file with a header line.
type csvFile struct {
	r   *csv.Reader
	rec record
}

// SkipBOM drops a UTF-8 byte-order mark at the start of rd. Dropping it before
// the CSV reader sees it matters when the first header name is quoted: a mark
// before the quote makes the quote a bare one, a syntax error.
func SkipBOM(rd io.Reader) io.Reader {
	br := bufio.NewReader(rd)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		br.Discard(3)
	}
	return br
}

// openCSV reads the header of a CSV file: names are matched case-insensitively
// and a UTF-8 byte-order mark is ignored. Every row must have the header's width.
func openCSV(file string, rd io.Reader) (*csvFile, error) {
	r := csv.NewReader(SkipBOM(rd))
	r.ReuseRecord = true
	header, err := r.Read()
	if err == io.EOF {
		return nil, lineError(file, 1, "", "file is empty; a header line is required")
	} else if err != nil {
		return nil, csvError(file, err)
	}
	f := &csvFile{r: r, rec: record{file: file, cols: map[string]int{}}}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		f.rec.name = append(f.rec.name, h)
		if _, dup := f.rec.cols[strings.ToLower(h)]; dup && h != "" {
			return nil, lineError(file, 1, h, "the column appears twice in the header; which one holds the data is ambiguous")
		} else if !dup {
			f.rec.cols[strings.ToLower(h)] = i
		}
	}
	return f, nil
}

// next reads the next record; it returns false at the end of the file.
func (f *csvFile) next() (bool, error) {
	vals, err := f.r.Read()
	var pe *csv.ParseError
	if err == io.EOF {
		return false, nil
	} else if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
		return false, lineError(f.rec.file, pe.Line, "", "the line has %d fields and the header %d; "+
			"a field is missing, or a value holding a comma is not quoted", len(vals), len(f.rec.name))
	} else if err != nil {
		return false, csvError(f.rec.file, err)
	}
	f.rec.vals = vals
	f.rec.line, _ = f.r.FieldPos(0)
	for i, v := range vals {
		if !utf8.ValidString(v) {
			return false, f.rec.errorf(i, "the value is not valid UTF-8 text; save the file as UTF-8")
		}
	}
	return true, nil
}

// require checks that each group of alternative column names has one present.
func (f *csvFile) require(groups ...[]string) error {
	for _, g := range groups {
		if f.rec.index(g...) < 0 {
			return lineError(f.rec.file, 1, g[0], "required column is missing from the header")
		}
	}
	return nil
}

// csvError converts a csv.Reader error into a CodeInvalid error naming the line.
func csvError(file string, err error) error {
	var ce *cost.Error
	if errors.As(err, &ce) {
		return ce // The input's own error (a line too long), which names the file.
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return lineError(file, pe.Line, "", "column %d: %v", pe.Column, pe.Err)
	}
	return lineError(file, 0, "", "cannot read: %v", err)
}
