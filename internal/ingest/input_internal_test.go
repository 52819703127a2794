package ingest

import (
	"strings"
	"testing"
)

// TestLineLimitScan feeds content to lineLimit.scan in chunks of several
// sizes: the error, when there is one, names the same physical line whatever
// the chunking.
func TestLineLimitScan(t *testing.T) {
	long := strings.Repeat("x", MaxLineBytes)
	tests := []struct {
		name    string
		csv     bool
		content string
		want    string // The line the error names; "" for none.
	}{
		{"short lines", true, "a,b\n1,2\n3,4\n", ""},
		{"a line of exactly the limit", true, "a\n" + long + "\n" + "b\n", ""},
		{"the limit with its newline", true, "a\n" + long[1:] + "\n" + long[1:] + "\n", ""},
		{"one byte over on line 3", true, "a\nb\n" + long + "y\n", "line 3:"},
		// The record starts on line 2 with a quote; its length passes the
		// limit at the newline of the 524,288th "q\n" (1 + 2×524,288 bytes),
		// which counts as line 2 + 524,288.
		{"a quoted value over several lines", true,
			"a\n\"" + strings.Repeat("q\n", MaxLineBytes/2) + "\"\n", "line 524290:"},
		{"quotes closed before the newline", true,
			"a\n\"" + long[:10] + "\"\n" + long + "\n", ""},
		// Four bytes before the pairs: the "q" of the 524,287th pair is byte
		// 1,048,577, on line 2 + 524,286.
		{"escaped quotes keep the value open", true,
			"a\n\"x\"\"" + strings.Repeat("q\n", MaxLineBytes/2) + "\"\n", "line 524288:"},
		{"quotes count for nothing outside a CSV", false,
			"a\n\"" + strings.Repeat("q\n", MaxLineBytes/2) + "\"\n", ""},
		{"no newline at the end", true, "a\n" + long + "z", "line 2:"},
	}
	for _, tt := range tests {
		for _, chunk := range []int{1, 7, 4096, 1 << 16, len(tt.content)} {
			if chunk == 1 && len(tt.content) > 1<<16 {
				chunk = 3
			}
			l := &lineLimit{csv: tt.csv, line: 1}
			var err error
			for p := []byte(tt.content); len(p) > 0 && err == nil; {
				n := min(chunk, len(p))
				err = l.scan("f.csv", p[:n])
				p = p[n:]
			}
			got := ""
			if err != nil {
				got = err.Error()
			}
			if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, "f.csv: "+tt.want+" the line is longer") {
				t.Errorf("%s, chunks of %d: got %q, want %q", tt.name, chunk, got, tt.want)
			}
		}
	}
}
