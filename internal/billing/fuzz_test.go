package billing_test

import (
	"bytes"
	"testing"

	"github.com/llmcost/llmcost/internal/billing"
	"github.com/llmcost/llmcost/internal/cost"
)

// fuzzNative reads arbitrary input with a native reader: it must return lines
// or an error, never panic, and every line must carry its provider, source,
// partition and day.
func fuzzNative(f *testing.F, read nativeReader) {
	f.Fuzz(func(t *testing.T, data []byte) {
		o := &billing.NativeOptions{}
		_ = read("fuzz", bytes.NewReader(data), o, func(l *cost.LineItem) error {
			if l.CloudProvider == "" || l.Source == "" || l.SourcePartition == "" || l.Date.IsZero() {
				t.Fatalf("incomplete line %+v", l)
			}
			if l.TokenType != "" && l.UsageUnit != "tokens" {
				t.Fatalf("token line without tokens: %+v", l)
			}
			return nil
		}, func(string) {})
	})
}

func FuzzAWSCUR(f *testing.F)     { fuzzNative(f, billing.ReadAWSCUR) }
func FuzzGCPBilling(f *testing.F) { fuzzNative(f, billing.ReadGCPBilling) }
func FuzzAzureCost(f *testing.F)  { fuzzNative(f, billing.ReadAzureCost) }

// FuzzFOCUS reads arbitrary input as a FOCUS CSV file, with the same checks.
func FuzzFOCUS(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = billing.ReadFOCUS("fuzz", bytes.NewReader(data), func(l *cost.LineItem) error {
			if l.CloudProvider == "" || l.Source == "" || l.SourcePartition == "" || l.Date.IsZero() {
				t.Fatalf("incomplete line %+v", l)
			}
			if l.TokenType != "" && l.UsageUnit != "tokens" {
				t.Fatalf("token line without tokens: %+v", l)
			}
			return nil
		}, func(string) {})
	})
}
