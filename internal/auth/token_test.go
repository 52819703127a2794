package auth_test

import (
	"strings"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/auth"
	"github.com/llmcost/llmcost/internal/cost"
)

const b64url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// TestAuthenticate_NonCanonicalSignature checks that a signature has one
// spelling: a 32-byte MAC is 43 base64url characters whose last one carries 4
// bits and 2 unused ones, so three other last characters decode to the same
// bytes under a lenient decoder. Each is refused.
func TestAuthenticate_NonCanonicalSignature(t *testing.T) {
	k, err := auth.NewKeyring("")
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := k.Mint("cust_acme", time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k.Authenticate(tok, now); err != nil {
		t.Fatalf("canonical token refused: %v", err)
	}
	sig := tok[strings.LastIndexByte(tok, '.')+1:]
	if len(sig) != 43 {
		t.Fatalf("signature has %d characters, want 43 (32 bytes unpadded)", len(sig))
	}
	last := strings.IndexByte(b64url, sig[len(sig)-1])
	if last&3 != 0 {
		t.Fatalf("minted signature ends in %q, whose unused bits are not zero", sig[len(sig)-1])
	}
	tests := []struct {
		name string
		bits int
	}{
		{"LowBitSet", 1},
		{"HighUnusedBitSet", 2},
		{"BothUnusedBitsSet", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			variant := tok[:len(tok)-1] + string(b64url[last|tt.bits])
			if _, err := k.Authenticate(variant, now); cost.ErrorCode(err) != cost.CodeUnauthorized {
				t.Errorf("variant %q: err %v, want unauthorized", variant[len(variant)-3:], err)
			}
		})
	}
}

// TestAuthenticate_NonCanonicalPayload checks the claims part the same way:
// padding, standard-alphabet characters and stray unused bits are refused.
func TestAuthenticate_NonCanonicalPayload(t *testing.T) {
	k, err := auth.NewKeyring("")
	if err != nil {
		t.Fatal(err)
	}
	tok, _, _ := k.Mint("cust_acme", time.Hour, now)
	parts := strings.Split(tok, ".")
	tests := []struct {
		name  string
		token string
	}{
		{"Padded", parts[0] + "." + parts[1] + "=." + parts[2]},
		{"PaddedSignature", tok + "="},
		{"NewlineInSignature", tok[:len(tok)-4] + "\n" + tok[len(tok)-4:]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := k.Authenticate(tt.token, now); cost.ErrorCode(err) != cost.CodeUnauthorized {
				t.Errorf("err %v, want unauthorized", err)
			}
		})
	}
}

// TestAuthenticate_ReservedCustomerInValidToken checks that a correctly signed
// token naming a reserved customer id (as one minted before ids were checked
// would) does not authenticate.
func TestAuthenticate_ReservedCustomerInValidToken(t *testing.T) {
	k, err := auth.NewKeyring("")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"_org", "_", "cust\nacme"} {
		t.Run(id, func(t *testing.T) {
			tok := k.SignForTest(id, now.Add(time.Hour), now)
			if _, err := k.Authenticate(tok, now); cost.ErrorCode(err) != cost.CodeUnauthorized {
				t.Errorf("token for %q: err %v, want unauthorized", id, err)
			}
		})
	}
}
