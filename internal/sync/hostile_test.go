package sync_test

import (
	"bytes"
	"compress/gzip"
	"strings"
	"testing"

	billsync "github.com/llmcost/llmcost/internal/sync"
)

// gzipBomb is gzip content that expands to head and then line repeated to
// about n bytes: valid lines, so only the expansion is at fault.
func gzipBomb(t *testing.T, head, line string, n int) string {
	t.Helper()
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zw.Write([]byte(head))
	block := []byte(strings.Repeat(line, (1<<20)/len(line)))
	for ; n > 0; n -= len(block) {
		zw.Write(block)
	}
	zw.Close()
	return b.String()
}

// testHostile delivers Data Exports whose files are hostile: each delivery
// fails naming the file (and line) at fault, and the store stays as it was.
func testHostile(t *testing.T, b backend) {
	data := "hostile/llm/data/BILLING_PERIOD=2026-09/"
	manifest := "hostile/llm/metadata/BILLING_PERIOD=2026-09/llm-Manifest.json"
	tests := []struct {
		name, key, body, want string
	}{
		{"not UTF-8", data + "h1-00001.csv",
			curHeader + strings.Replace(curRow(1, "USE1-Claude4.6Sonnet-input-tokens", 2000, 6), "Amazon", "Amaz\xffon", 1),
			"h1-00001.csv: line 2, column \"line_item_product_code\": the value is not valid UTF-8"},
		{"gzip bomb", data + "h2-00001.csv.gz", gzipBomb(t, curHeader, curRow(1, "USE1-Claude4.6Sonnet-input-tokens", 2000, 6), 256<<20), "h2-00001.csv.gz: the gzip content expands more than 100 times"},
		{"one line longer than the limit", data + "h3-00001.csv", curHeader + strings.Repeat("x", 2<<20) + "\n",
			"h3-00001.csv: line 2: the line is longer than"},
		// Keys are opaque names in the bucket: nothing is written under a local path.
		{"a key climbing out of the prefix", data + "../../../../etc/h4-00001.csv", "not,a,cur\n",
			"../../../../etc/h4-00001.csv: line 1, column \"line_item_usage_start_date\": required CUR column is missing"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, b, billsync.KindAWS, "hostile/")
			h.src.Format = ""
			b.put(t, tt.key, tt.body)
			b.put(t, manifest, dataExportsManifest("h"+string(rune('1'+i)), tt.key))
			got, _ := h.sync()
			d := h.wantStatus(got, "llm/2026-09", billsync.StatusFailed)
			if !strings.Contains(d.Error, tt.want) {
				t.Errorf("error = %q, want it to contain %q", d.Error, tt.want)
			}
			h.wantTotal(0, 0)
		})
	}
}
