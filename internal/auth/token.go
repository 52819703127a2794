package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// TokenPrefix starts every customer token: lc1.<base64url(claims)>.<base64url(mac)>.
const TokenPrefix = "lc1."

// MaxTTL is the longest lifetime a customer token may have.
const MaxTTL = 366 * 24 * time.Hour

// claims is the signed payload of a customer token.
type claims struct {
	CustomerID string `json:"cid,omitempty"`
	// Gateway names the gateway of a gateway token; such a token has no
	// customer and may only ask for budget checks.
	Gateway string `json:"gw,omitempty"`
	Exp     int64  `json:"exp"` // Unix seconds.
	Iat     int64  `json:"iat"` // Unix seconds.
}

// Mint returns a customer token for customerID that expires ttl after now.
// Returns CodeInvalid for a customer id cost.ValidCustomerID refuses (empty,
// reserved such as "_org", overlong, control characters) or a ttl outside
// (0, MaxTTL].
func (k *Keyring) Mint(customerID string, ttl time.Duration, now time.Time) (string, time.Time, error) {
	if err := cost.ValidCustomerID(customerID); err != nil {
		return "", time.Time{}, err
	}
	if ttl <= 0 || ttl > MaxTTL {
		return "", time.Time{}, cost.FieldErrorf("ttl_seconds", "TTL must be between 1 second and %d seconds.", int64(MaxTTL/time.Second))
	}
	return k.sign(claims{CustomerID: customerID}, ttl, now)
}

// MintGateway returns a gateway token named name that expires ttl after now. A
// gateway token may only ask for budget checks: Authenticate refuses it, so it
// reads no cost data through any surface. Returns CodeInvalid for an empty name
// or a ttl outside (0, MaxTTL].
func (k *Keyring) MintGateway(name string, ttl time.Duration, now time.Time) (string, time.Time, error) {
	switch {
	case strings.TrimSpace(name) == "":
		return "", time.Time{}, cost.FieldErrorf("name", "A gateway name is required.")
	case len(name) > 200:
		return "", time.Time{}, cost.FieldErrorf("name", "Gateway name is longer than 200 bytes.")
	case ttl <= 0 || ttl > MaxTTL:
		return "", time.Time{}, cost.FieldErrorf("ttl_seconds", "TTL must be between 1 second and %d seconds.", int64(MaxTTL/time.Second))
	}
	return k.sign(claims{Gateway: name}, ttl, now)
}

// sign completes c with its times and returns the signed token.
func (k *Keyring) sign(c claims, ttl time.Duration, now time.Time) (string, time.Time, error) {
	exp := now.Add(ttl).Truncate(time.Second)
	c.Exp, c.Iat = exp.Unix(), now.Unix()
	payload, err := json.Marshal(c)
	if err != nil {
		return "", time.Time{}, err
	}
	signed := TokenPrefix + base64.RawURLEncoding.EncodeToString(payload)
	return signed + "." + base64.RawURLEncoding.EncodeToString(k.mac(signed)), exp.UTC(), nil
}

// verify checks a customer token's shape and signature and returns its claims.
func (k *Keyring) verify(token string) (*claims, error) {
	bad := cost.Errorf(cost.CodeUnauthorized, "The token is not valid.")
	if !strings.HasPrefix(token, TokenPrefix) {
		return nil, bad
	}
	dot := strings.LastIndexByte(token, '.')
	if dot <= len(TokenPrefix) {
		return nil, bad
	}
	signed, sig := token[:dot], token[dot+1:]
	mac, err := decodeCanonical(sig)
	if err != nil || !k.validMAC(mac, signed) {
		return nil, bad
	}
	payload, err := decodeCanonical(signed[len(TokenPrefix):])
	if err != nil {
		return nil, bad
	}
	var c claims
	// A reserved id is refused here too, so a token minted before the rule
	// existed (for "_org", say) does not authenticate.
	if err := json.Unmarshal(payload, &c); err != nil || (c.CustomerID == "") == (c.Gateway == "") ||
		(c.CustomerID != "" && cost.ValidCustomerID(c.CustomerID) != nil) || c.Exp == 0 {
		return nil, bad
	}
	return &c, nil
}

// decodeCanonical decodes unpadded base64url and refuses any spelling other
// than the one Mint writes: the unused low bits of the last character must be
// zero, so each signature and payload has exactly one valid spelling.
func decodeCanonical(s string) ([]byte, error) {
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, err
	}
	if base64.RawURLEncoding.EncodeToString(b) != s {
		return nil, errors.New("non-canonical base64")
	}
	return b, nil
}

// validMAC reports whether mac signs signed. A shared keyring whose key does
// not match reads the key again (another replica may have rotated it) and
// checks once more.
func (k *Keyring) validMAC(mac []byte, signed string) bool {
	if hmac.Equal(mac, k.mac(signed)) {
		return true
	}
	return k.shared != nil && hmac.Equal(mac, k.macWith(k.signingKey(true), signed))
}

func (k *Keyring) mac(signed string) []byte { return k.macWith(k.signingKey(false), signed) }

func (k *Keyring) macWith(key []byte, signed string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(signed))
	return h.Sum(nil)
}

// LinkTTL is the lifetime of a link token: long enough to open a dashboard link.
const LinkTTL = 2 * time.Minute

// MintLink returns a short-lived token for the customer of token, a valid customer
// token, that expires LinkTTL after now or when token does, whichever is first, so
// a link never outlives the token it was made from. The admin token and invalid or
// expired tokens return CodeUnauthorized or CodeForbidden.
func (k *Keyring) MintLink(token string, now time.Time) (string, time.Time, error) {
	c, err := k.verify(token)
	if err != nil {
		return "", time.Time{}, cost.Errorf(cost.CodeForbidden, "Link tokens are made from customer tokens.")
	}
	exp := time.Unix(c.Exp, 0)
	if !now.Before(exp) {
		return "", time.Time{}, cost.Errorf(cost.CodeUnauthorized, "The token has expired.")
	}
	return k.Mint(c.CustomerID, min(LinkTTL, exp.Sub(now)), now)
}
