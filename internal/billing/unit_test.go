package billing

import (
	"encoding/csv"
	"os"
	"regexp"
	"strconv"
	"testing"
)

func TestTokenBlock(t *testing.T) {
	tests := []struct {
		unit string
		want float64
	}{
		{"1K", 1e3}, {"1K Tokens", 1e3}, {"1k tokens (batch)", 1e3}, {"10K", 1e4}, {"25K", 25e3},
		{"100K", 1e5}, {"1M", 1e6}, {"10M", 1e7}, {"1M tokens", 1e6}, {"1 Million Tokens", 1e6},
		{"1000 tokens", 1e3}, {"1,000 Tokens", 1e3}, {"10000 tokens", 1e4}, {"1000000 Tokens", 1e6},
		{"Tokens", 1}, {"tokens", 1}, {"1", 1}, {"Per thousand tokens", 1e3}, {"1 Hour", 1}, {"", 1},
	}
	for _, tt := range tests {
		if got := tokenBlock(tt.unit); got != tt.want {
			t.Errorf("tokenBlock(%q) = %v, want %v", tt.unit, got, tt.want)
		}
	}
}

// Every count block in Microsoft's table of Azure units of measure ("1K",
// "25K", "10M", …, counted in Units) reads as its block size, both as a unit
// and in a meter's text.
func TestUnitBlockAzurePricingUnits(t *testing.T) {
	f, err := os.Open("../../../shared/data/finops-toolkit/PricingUnits.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile(`^[0-9]+[KM]$`)
	n := 0
	for _, r := range recs[1:] {
		unit, size, units := r[0], r[2], r[3]
		if !block.MatchString(unit) || units != "Units" {
			continue
		}
		want, err := strconv.ParseFloat(size, 64)
		if err != nil {
			t.Fatalf("%q: block size %q", unit, size)
		}
		n++
		if got := tokenBlock(unit); got != want {
			t.Errorf("tokenBlock(%q) = %v, want %v", unit, got, want)
		}
		if got := unitBlock(unit); got != want {
			t.Errorf("unitBlock(%q) = %v, want %v", unit, got, want)
		}
	}
	if n < 5 {
		t.Fatalf("only %d count blocks found in PricingUnits.csv", n)
	}
}
