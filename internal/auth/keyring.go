// Package auth issues and checks the bearer tokens of the HTTP API: one admin
// token, and signed, expiring customer tokens that scope a caller to one customer.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// File names inside the data directory. Both are written with mode 0600.
const (
	AdminTokenFile = "admin-token"
	TokenKeyFile   = "token-key"
)

// Keyring holds the admin token and the HMAC key that signs customer tokens.
// It is safe for concurrent use.
type Keyring struct {
	dir       string
	admin     string
	generated bool

	shared Secrets // Nil: the key lives in dir.

	mu        sync.RWMutex
	key       []byte
	keyReadAt time.Time // When key was read from shared.
}

// Secrets keeps settings in a store every replica shares (the metadata store's
// settings); cost.MetaStore implements it.
type Secrets interface {
	Setting(ctx context.Context, key string) (string, error)
	SetSetting(ctx context.Context, key, value string) error
	InitSetting(ctx context.Context, key, value string) (string, error)
}

// Settings under which a shared keyring keeps its secrets.
const (
	AdminTokenSetting = "auth.admin_token"
	TokenKeySetting   = "auth.token_key"
)

// sharedKeyTTL is how long a keyring trusts the signing key it last read from
// the shared store: a rotation by another replica takes effect here within it.
// A token that does not verify makes it read again sooner, after sharedKeyRetry.
var sharedKeyTTL, sharedKeyRetry = 5 * time.Second, time.Second

// Options configure OpenKeyring.
type Options struct {
	// Dir is the data directory holding admin-token and token-key. "" keeps
	// everything in memory (a fresh admin token and key on every start).
	Dir string
	// AdminToken, when set (LLMCOST_ADMIN_TOKEN), is used instead of the stored
	// or generated one, and no admin-token file is written.
	AdminToken string
	// Shared, when set, keeps the admin token and the signing key in a store
	// every replica shares instead of in Dir: the first replica to start
	// creates them, and every replica accepts the tokens any of them minted.
	Shared Secrets
}

// NewKeyring opens the keyring in dataDir, generating the admin token and the
// signing key on first use.
func NewKeyring(dataDir string) (*Keyring, error) {
	return OpenKeyring(Options{Dir: dataDir})
}

// OpenKeyring opens a keyring with options.
func OpenKeyring(o Options) (*Keyring, error) {
	if o.Shared != nil {
		return openShared(o)
	}
	k := &Keyring{dir: o.Dir}
	if o.Dir != "" {
		if err := os.MkdirAll(o.Dir, 0o700); err != nil {
			return nil, fmt.Errorf("auth: %w", err)
		}
	}
	if err := k.loadAdmin(strings.TrimSpace(o.AdminToken)); err != nil {
		return nil, err
	}
	if err := k.loadKey(); err != nil {
		return nil, err
	}
	return k, nil
}

func (k *Keyring) loadAdmin(fromEnv string) error {
	if fromEnv != "" {
		if len(fromEnv) < 16 {
			return cost.FieldErrorf("LLMCOST_ADMIN_TOKEN", "The admin token must be at least 16 characters.")
		}
		k.admin = fromEnv
		return nil
	}
	b, created, err := k.readOrCreate(AdminTokenFile, func() ([]byte, error) {
		raw, err := randomBytes(32)
		return []byte(base64.RawURLEncoding.EncodeToString(raw)), err
	})
	if err != nil {
		return err
	}
	k.admin, k.generated = strings.TrimSpace(string(b)), created
	if k.admin == "" {
		return fmt.Errorf("auth: %s is empty", filepath.Join(k.dir, AdminTokenFile))
	}
	return nil
}

func (k *Keyring) loadKey() error {
	b, _, err := k.readOrCreate(TokenKeyFile, func() ([]byte, error) {
		raw, err := randomBytes(32)
		return []byte(base64.RawURLEncoding.EncodeToString(raw)), err
	})
	if err != nil {
		return err
	}
	key, err := base64.RawURLEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) < 16 {
		return fmt.Errorf("auth: %s is not a valid key", filepath.Join(k.dir, TokenKeyFile))
	}
	k.key = key
	return nil
}

// readOrCreate returns the content of a file in the keyring's directory, creating
// it with gen's output (mode 0600) when it does not exist yet. An existing file
// readable by group or others is narrowed to 0600.
func (k *Keyring) readOrCreate(name string, gen func() ([]byte, error)) ([]byte, bool, error) {
	if k.dir != "" {
		path := filepath.Join(k.dir, name)
		b, err := os.ReadFile(path)
		if err == nil {
			return b, false, ownerOnly(path)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, false, fmt.Errorf("auth: %w", err)
		}
	}
	b, err := gen()
	if err != nil {
		return nil, false, err
	}
	if err := k.write(name, b); err != nil {
		return nil, false, err
	}
	return b, true, nil
}

// write replaces a file atomically with mode 0600; a no-op for in-memory keyrings.
func (k *Keyring) write(name string, b []byte) error {
	if k.dir == "" {
		return nil
	}
	path := filepath.Join(k.dir, name)
	tmp := path + ".tmp"
	os.Remove(tmp) // A leftover keeps its mode through WriteFile; start afresh.
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	if err := os.Chmod(tmp, 0o600); err != nil { // Whatever the umask.
		return fmt.Errorf("auth: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	return nil
}

// ownerOnly narrows a key file that group or others may access to 0600.
func ownerOnly(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(path, 0o600); err != nil {
			return fmt.Errorf("auth: %s is readable by others and cannot be narrowed: %w", path, err)
		}
	}
	return nil
}

// AdminToken returns the admin bearer token.
func (k *Keyring) AdminToken() string { return k.admin }

// Generated reports whether the admin token was generated by this open (first
// start), so the caller can print it once.
func (k *Keyring) Generated() bool { return k.generated }

// RotateKey replaces the signing key, which revokes every customer token minted
// so far. The admin token is unchanged.
func (k *Keyring) RotateKey() error {
	raw, err := randomBytes(32)
	if err != nil {
		return err
	}
	enc := base64.RawURLEncoding.EncodeToString(raw)
	if k.shared != nil {
		ctx, cancel := context.WithTimeout(context.Background(), sharedTimeout)
		defer cancel()
		if err := k.shared.SetSetting(ctx, TokenKeySetting, enc); err != nil {
			return fmt.Errorf("auth: rotate key: %w", err)
		}
	} else if err := k.write(TokenKeyFile, []byte(enc)); err != nil {
		return err
	}
	k.mu.Lock()
	k.key, k.keyReadAt = raw, time.Now()
	k.mu.Unlock()
	return nil
}

// Authenticate returns the principal of a bearer token: the admin, or the
// customer a valid, unexpired customer token names. A gateway token returns
// CodeForbidden (it may only ask for budget checks, see AuthenticateGateway);
// any other token (wrong, tampered, malformed or expired) returns
// CodeUnauthorized.
func (k *Keyring) Authenticate(token string, now time.Time) (cost.Principal, error) {
	if token == "" {
		return cost.Principal{}, cost.Errorf(cost.CodeUnauthorized, "A bearer token is required.")
	}
	if subtle.ConstantTimeCompare([]byte(token), []byte(k.admin)) == 1 {
		return cost.AdminPrincipal(), nil
	}
	c, err := k.check(token, now)
	if err != nil {
		return cost.Principal{}, err
	}
	if c.Gateway != "" {
		return cost.Principal{}, cost.Errorf(cost.CodeForbidden, "A gateway token may only call GET /api/v1/budget-check.")
	}
	return cost.CustomerPrincipal(c.CustomerID), nil
}

// AuthenticateGateway returns the gateway name of a valid, unexpired gateway
// token. Any other token returns CodeUnauthorized.
func (k *Keyring) AuthenticateGateway(token string, now time.Time) (string, error) {
	c, err := k.check(token, now)
	if err != nil {
		return "", err
	}
	if c.Gateway == "" {
		return "", cost.Errorf(cost.CodeUnauthorized, "The token is not a gateway token.")
	}
	return c.Gateway, nil
}

// check verifies a signed token and its expiry.
func (k *Keyring) check(token string, now time.Time) (*claims, error) {
	c, err := k.verify(token)
	if err != nil {
		return nil, err
	}
	if !now.Before(time.Unix(c.Exp, 0)) {
		return nil, cost.Errorf(cost.CodeUnauthorized, "The token has expired.")
	}
	return c, nil
}

func randomBytes(n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("auth: random: %w", err)
	}
	return b, nil
}
