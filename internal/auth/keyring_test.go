package auth_test

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/llmcost/llmcost/internal/auth"
	"github.com/llmcost/llmcost/internal/cost"
)

var now = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func TestNewKeyring_GeneratesOnceAndPersists(t *testing.T) {
	dir := t.TempDir()
	k1, err := auth.NewKeyring(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !k1.Generated() {
		t.Fatal("Generated()=false on first open, want true")
	}
	raw, err := base64.RawURLEncoding.DecodeString(k1.AdminToken())
	if err != nil || len(raw) != 32 {
		t.Fatalf("admin token %q: %d bytes, err %v; want 32 random bytes base64url", k1.AdminToken(), len(raw), err)
	}
	for _, name := range []string{auth.AdminTokenFile, auth.TokenKeyFile} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := fi.Mode().Perm(), os.FileMode(0o600); got != want {
			t.Errorf("%s mode=%v, want %v", name, got, want)
		}
	}
	tok, _, err := k1.Mint("cust_acme", time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}

	k2, err := auth.NewKeyring(dir)
	if err != nil {
		t.Fatal(err)
	}
	if k2.Generated() {
		t.Error("Generated()=true on reopen, want false")
	}
	if got, want := k2.AdminToken(), k1.AdminToken(); got != want {
		t.Errorf("reopened admin token=%q, want %q", got, want)
	}
	if p, err := k2.Authenticate(tok, now); err != nil || p.CustomerID != "cust_acme" {
		t.Errorf("token from first open on reopen: %v, %v", p, err)
	}
}

func TestOpenKeyring_AdminTokenFromEnv(t *testing.T) {
	dir := t.TempDir()
	k, err := auth.OpenKeyring(auth.Options{Dir: dir, AdminToken: "s3cret-admin-token-0123"})
	if err != nil {
		t.Fatal(err)
	}
	if k.Generated() {
		t.Error("Generated()=true with a configured admin token")
	}
	if _, err := os.Stat(filepath.Join(dir, auth.AdminTokenFile)); !os.IsNotExist(err) {
		t.Errorf("admin-token file written despite configured token (stat err %v)", err)
	}
	p, err := k.Authenticate("s3cret-admin-token-0123", now)
	if err != nil || !p.Admin {
		t.Fatalf("Authenticate(admin)=%v, %v; want admin", p, err)
	}
	if _, err := auth.OpenKeyring(auth.Options{AdminToken: "short"}); cost.ErrorCode(err) != cost.CodeInvalid {
		t.Errorf("short admin token: err %v, want invalid", err)
	}
}

func TestAuthenticate(t *testing.T) {
	k, err := auth.NewKeyring("")
	if err != nil {
		t.Fatal(err)
	}
	tok, exp, err := k.Mint("cust_acme", time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := exp, now.Add(time.Hour); !got.Equal(want) {
		t.Errorf("expires=%v, want %v", got, want)
	}
	if !strings.HasPrefix(tok, "lc1.") || strings.Count(tok, ".") != 2 {
		t.Errorf("token %q does not have the lc1.<claims>.<mac> shape", tok)
	}
	other, err := auth.NewKeyring("")
	if err != nil {
		t.Fatal(err)
	}
	foreign, _, _ := other.Mint("cust_acme", time.Hour, now)
	parts := strings.Split(tok, ".")
	forged := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"cid":"cust_globex","exp":9999999999,"iat":1}`)) + "." + parts[2]
	flipped := tok[:len(tok)-2] + map[bool]string{true: "AA", false: "BB"}[!strings.HasSuffix(tok, "AA")]

	tests := []struct {
		name    string
		token   string
		at      time.Time
		want    cost.Principal
		wantErr string
	}{
		{"Admin", k.AdminToken(), now, cost.AdminPrincipal(), ""},
		{"Customer", tok, now, cost.CustomerPrincipal("cust_acme"), ""},
		{"CustomerJustBeforeExpiry", tok, now.Add(time.Hour - time.Second), cost.CustomerPrincipal("cust_acme"), ""},
		{"Expired", tok, now.Add(time.Hour), cost.Principal{}, cost.CodeUnauthorized},
		{"Empty", "", now, cost.Principal{}, cost.CodeUnauthorized},
		{"WrongAdmin", k.AdminToken() + "x", now, cost.Principal{}, cost.CodeUnauthorized},
		{"OtherKey", foreign, now, cost.Principal{}, cost.CodeUnauthorized},
		{"ForgedClaims", forged, now, cost.Principal{}, cost.CodeUnauthorized},
		{"FlippedMAC", flipped, now, cost.Principal{}, cost.CodeUnauthorized},
		{"NoMAC", parts[0] + "." + parts[1], now, cost.Principal{}, cost.CodeUnauthorized},
		{"Garbage", "lc1.!!!.???", now, cost.Principal{}, cost.CodeUnauthorized},
		{"PrefixOnly", "lc1.", now, cost.Principal{}, cost.CodeUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := k.Authenticate(tt.token, tt.at)
			if code := cost.ErrorCode(err); code != tt.wantErr {
				t.Fatalf("err=%v (code %q), want code %q", err, code, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("principal=%v, want %v", got, tt.want)
			}
		})
	}
}

func TestMint_Invalid(t *testing.T) {
	k, err := auth.NewKeyring("")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		customer  string
		ttl       time.Duration
		wantField string
	}{
		{"EmptyCustomer", "", time.Hour, "customer_id"},
		{"BlankCustomer", "  ", time.Hour, "customer_id"},
		{"ReservedOrg", "_org", time.Hour, "customer_id"},
		{"ReservedPrefix", "_anything", time.Hour, "customer_id"},
		{"ControlCharacter", "cust\x00acme", time.Hour, "customer_id"},
		{"Overlong", strings.Repeat("c", cost.MaxCustomerIDLen+1), time.Hour, "customer_id"},
		{"ZeroTTL", "cust_acme", 0, "ttl_seconds"},
		{"NegativeTTL", "cust_acme", -time.Second, "ttl_seconds"},
		{"TooLong", "cust_acme", auth.MaxTTL + time.Second, "ttl_seconds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := k.Mint(tt.customer, tt.ttl, now)
			if got, want := cost.ErrorCode(err), cost.CodeInvalid; got != want {
				t.Fatalf("code=%q, want %q (err %v)", got, want, err)
			}
			if got := cost.ErrorField(err); got != tt.wantField {
				t.Errorf("field=%q, want %q", got, tt.wantField)
			}
		})
	}
}

func TestRotateKey_RevokesCustomerTokens(t *testing.T) {
	dir := t.TempDir()
	k, err := auth.NewKeyring(dir)
	if err != nil {
		t.Fatal(err)
	}
	old, _, _ := k.Mint("cust_acme", time.Hour, now)
	if err := k.RotateKey(); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Authenticate(old, now); cost.ErrorCode(err) != cost.CodeUnauthorized {
		t.Errorf("old token after rotation: err %v, want unauthorized", err)
	}
	if p, err := k.Authenticate(k.AdminToken(), now); err != nil || !p.Admin {
		t.Errorf("admin after rotation: %v, %v", p, err)
	}
	fresh, _, _ := k.Mint("cust_acme", time.Hour, now)
	reopened, err := auth.NewKeyring(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reopened.Authenticate(fresh, now); err != nil {
		t.Errorf("token minted after rotation, on reopen: %v", err)
	}
	if _, err := reopened.Authenticate(old, now); err == nil {
		t.Error("old token accepted after rotation and reopen")
	}
}

// TestKeyFiles_Mode0600 checks that the admin token and signing key are
// readable by their owner only, however they came to be: created fresh under a
// permissive umask, left loose by an older version or an operator, or
// rewritten by a rotation over a stray temporary file.
func TestKeyFiles_Mode0600(t *testing.T) {
	old := syscall.Umask(0)
	t.Cleanup(func() { syscall.Umask(old) })
	tests := []struct {
		name    string
		prepare func(t *testing.T, dir string)
		after   func(t *testing.T, k *auth.Keyring)
	}{
		{"FreshUnderUmask0", func(t *testing.T, dir string) {}, nil},
		{"LooseFilesNarrowed", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, auth.AdminTokenFile), "an-admin-token-of-some-length", 0o644)
			writeFile(t, filepath.Join(dir, auth.TokenKeyFile), base64.RawURLEncoding.EncodeToString(make([]byte, 32)), 0o666)
		}, nil},
		{"RotationOverStrayTemp", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, auth.TokenKeyFile+".tmp"), "stale", 0o666)
		}, func(t *testing.T, k *auth.Keyring) {
			if err := k.RotateKey(); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.prepare(t, dir)
			k, err := auth.NewKeyring(dir)
			if err != nil {
				t.Fatal(err)
			}
			if tt.after != nil {
				tt.after(t, k)
			}
			for _, name := range []string{auth.AdminTokenFile, auth.TokenKeyFile} {
				fi, err := os.Stat(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				if got := fi.Mode().Perm(); got != 0o600 {
					t.Errorf("%s mode = %v, want -rw-------", name, got)
				}
			}
		})
	}
}

func writeFile(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

func TestMintLink(t *testing.T) {
	k, err := auth.NewKeyring(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	long, _, _ := k.Mint("cust_acme", time.Hour, now)
	short, shortExp, _ := k.Mint("cust_acme", 30*time.Second, now)
	tests := []struct {
		name     string
		from     string
		wantExp  time.Time
		wantCode string
	}{
		{"LinkTTL", long, now.Add(auth.LinkTTL), ""},
		{"NeverOutlivesItsToken", short, shortExp, ""},
		{"AdminTokenRefused", k.AdminToken(), time.Time{}, cost.CodeForbidden},
		{"Tampered", long + "x", time.Time{}, cost.CodeForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, exp, err := k.MintLink(tt.from, now)
			if got := cost.ErrorCode(err); tt.wantCode != "" || err != nil {
				if got != tt.wantCode {
					t.Fatalf("err = %v, want code %q", err, tt.wantCode)
				}
				return
			}
			if !exp.Equal(tt.wantExp) {
				t.Errorf("expires %v, want %v", exp, tt.wantExp)
			}
			p, err := k.Authenticate(tok, now)
			if err != nil || p != cost.CustomerPrincipal("cust_acme") {
				t.Errorf("link token authenticates as %v, %v", p, err)
			}
			if _, err := k.Authenticate(tok, exp); err == nil {
				t.Error("link token still valid at its expiry")
			}
		})
	}
	if _, _, err := k.MintLink(short, shortExp); cost.ErrorCode(err) != cost.CodeUnauthorized {
		t.Errorf("link from an expired token: %v", err)
	}
}

func TestGatewayToken_OnlyForBudgetChecks(t *testing.T) {
	k, err := auth.OpenKeyring(auth.Options{})
	if err != nil {
		t.Fatal(err)
	}
	gw, _, err := k.MintGateway("litellm-prod", time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k.Authenticate(gw, now); cost.ErrorCode(err) != cost.CodeForbidden {
		t.Errorf("Authenticate(gateway token) err=%v, want code %s", err, cost.CodeForbidden)
	}
	if got, err := k.AuthenticateGateway(gw, now); err != nil || got != "litellm-prod" {
		t.Errorf("AuthenticateGateway=%q, %v; want litellm-prod", got, err)
	}
	if _, err := k.AuthenticateGateway(gw, now.Add(2*time.Hour)); cost.ErrorCode(err) != cost.CodeUnauthorized {
		t.Errorf("expired gateway token err=%v, want %s", err, cost.CodeUnauthorized)
	}
	cust, _, err := k.Mint("cust_acme", time.Hour, now)
	if err != nil {
		t.Fatal(err)
	}
	for name, tok := range map[string]string{"customer": cust, "admin": k.AdminToken(), "tampered": gw[:len(gw)-2] + "AA"} {
		if _, err := k.AuthenticateGateway(tok, now); cost.ErrorCode(err) != cost.CodeUnauthorized {
			t.Errorf("AuthenticateGateway(%s token) err=%v, want %s", name, err, cost.CodeUnauthorized)
		}
	}
	if _, _, err := k.MintGateway(" ", time.Hour, now); cost.ErrorCode(err) != cost.CodeInvalid {
		t.Errorf("MintGateway(blank) err=%v, want %s", err, cost.CodeInvalid)
	}
}
