package sync

import "testing"

func TestPeriodOf(t *testing.T) {
	tests := []struct {
		start, key, want string
	}{
		{"20261001T000000.000Z", "", "2026-10"},
		{"2026-09-01T00:00:00.000Z", "", "2026-09"},
		{"", "cur/llm/20261001-20261101/llm-Manifest.json", "2026-10"},
		{"", "exports/llm/metadata/BILLING_PERIOD=2026-09/llm-Manifest.json", "2026-09"},
		{"", "billing/invoice_month=202612/part-0.json", "2026-12"},
		{"", "billing/2026-03-15/part-0.json", "2026-03"},
		{"", "billing/export-000000000012.json", ""},
		{"", "billing/202613/part.json", ""},
	}
	for _, tt := range tests {
		if got := periodOf(tt.start, tt.key); got != tt.want {
			t.Errorf("periodOf(%q, %q) = %q, want %q", tt.start, tt.key, got, tt.want)
		}
	}
}

func TestKeyOfURI(t *testing.T) {
	tests := []struct{ in, want string }{
		{"s3://billing/exports/data/part-1.csv.gz", "exports/data/part-1.csv.gz"},
		{"exports/data/part-1.csv.gz", "exports/data/part-1.csv.gz"},
	}
	for _, tt := range tests {
		if got := keyOfURI(tt.in); got != tt.want {
			t.Errorf("keyOfURI(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
