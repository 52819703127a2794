package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
)

// TestExport_BadRange checks that export refuses a range it cannot mean,
// naming the flag, and writes no file (it used to write a header alone).
func TestExport_BadRange(t *testing.T) {
	tests := []struct {
		name      string
		from, to  string
		wantField string
	}{
		{"ToBeforeFrom", "2026-11-10", "2026-11-01", "to"},
		{"BadFrom", "2026-13-01", "", "from"},
		{"BadTo", "", "2026-11-31", "to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "out.csv")
			args := []string{"export", "--data", filepath.Join(dir, "data"), "--output", out}
			if tt.from != "" {
				args = append(args, "--from", tt.from)
			}
			if tt.to != "" {
				args = append(args, "--to", tt.to)
			}
			m := newTestMain(nil)
			if err := m.ParseFlags(t.Context(), args); err != nil {
				t.Fatal(err)
			}
			err := m.Run(t.Context())
			m.Close()
			if got := cost.ErrorCode(err); got != cost.CodeInvalid {
				t.Fatalf("got error %v (code %q), want %q", err, got, cost.CodeInvalid)
			}
			if got := cost.ErrorField(err); got != tt.wantField {
				t.Errorf("field = %q, want %q (%v)", got, tt.wantField, err)
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("an output file was written")
			}
		})
	}
}
