package cost_test

import (
	"strings"
	"testing"

	"github.com/llmcost/llmcost/internal/cost"
)

func TestValidCustomerID(t *testing.T) {
	tests := []struct {
		name string
		id   string
		ok   bool
	}{
		{"Plain", "cust_acme", true},
		{"Unicode", "café-ünïcode", true},
		{"InnerSpace", "Acme Corp", true},
		{"UnderscoreInside", "acme_", true},
		{"MaxLength", strings.Repeat("a", cost.MaxCustomerIDLen), true},
		{"Empty", "", false},
		{"OrgBudgetKey", "_org", false},
		{"ReservedPrefix", "_internal", false},
		{"Underscore", "_", false},
		{"Overlong", strings.Repeat("a", cost.MaxCustomerIDLen+1), false},
		{"NUL", "acme\x00", false},
		{"Newline", "acme\nglobex", false},
		{"Escape", "acme\x1b[31m", false},
		{"DEL", "acme\x7f", false},
		{"C1Control", "acme\u0085", false},
		{"LeadingSpace", " acme", false},
		{"TrailingTab", "acme\t", false},
		{"InvalidUTF8", "acme\xff", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := cost.ValidCustomerID(tt.id)
			if got := err == nil; got != tt.ok {
				t.Fatalf("ValidCustomerID(%q) = %v, want ok=%v", tt.id, err, tt.ok)
			}
			if err != nil && (cost.ErrorCode(err) != cost.CodeInvalid || cost.ErrorField(err) != "customer_id") {
				t.Errorf("err %v: code %q field %q, want invalid customer_id", err, cost.ErrorCode(err), cost.ErrorField(err))
			}
		})
	}
}
