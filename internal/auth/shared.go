package auth

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
)

// sharedTimeout bounds each read or write of the shared store.
const sharedTimeout = 5 * time.Second

// openShared opens a keyring whose admin token and signing key live in
// o.Shared. Replicas starting together race to create them; InitSetting lets
// exactly one value of each win, and every replica reads that one.
func openShared(o Options) (*Keyring, error) {
	k := &Keyring{shared: o.Shared}
	ctx, cancel := context.WithTimeout(context.Background(), sharedTimeout)
	defer cancel()
	if err := k.initAdmin(ctx, strings.TrimSpace(o.AdminToken)); err != nil {
		return nil, err
	}
	raw, err := randomBytes(32)
	if err != nil {
		return nil, err
	}
	enc, err := k.shared.InitSetting(ctx, TokenKeySetting, base64.RawURLEncoding.EncodeToString(raw))
	if err != nil {
		return nil, fmt.Errorf("auth: signing key: %w", err)
	}
	if k.key, err = decodeKey(enc); err != nil {
		return nil, err
	}
	k.keyReadAt = time.Now()
	return k, nil
}

// initAdmin takes the admin token from the environment, or from the shared
// store, creating it there on first start.
func (k *Keyring) initAdmin(ctx context.Context, fromEnv string) error {
	if fromEnv != "" {
		return k.loadAdmin(fromEnv)
	}
	raw, err := randomBytes(32)
	if err != nil {
		return err
	}
	mine := base64.RawURLEncoding.EncodeToString(raw)
	stored, err := k.shared.InitSetting(ctx, AdminTokenSetting, mine)
	if err != nil {
		return fmt.Errorf("auth: admin token: %w", err)
	}
	k.admin, k.generated = stored, stored == mine
	return nil
}

// decodeKey decodes a stored signing key.
func decodeKey(enc string) ([]byte, error) {
	key, err := base64.RawURLEncoding.DecodeString(strings.TrimSpace(enc))
	if err != nil || len(key) < 16 {
		return nil, fmt.Errorf("auth: the shared signing key (%s) is not a valid key", TokenKeySetting)
	}
	return key, nil
}

// signingKey returns the key to sign and verify with. A shared keyring reads
// it again once sharedKeyTTL has passed, or, when force is set (a token did
// not verify), once sharedKeyRetry has; if the store cannot be read it keeps
// the key it has until the next read is due.
func (k *Keyring) signingKey(force bool) []byte {
	k.mu.RLock()
	key, age := k.key, time.Since(k.keyReadAt)
	k.mu.RUnlock()
	if k.shared == nil || age < sharedKeyTTL && (!force || age < sharedKeyRetry) {
		return key
	}
	ctx, cancel := context.WithTimeout(context.Background(), sharedTimeout)
	defer cancel()
	enc, err := k.shared.Setting(ctx, TokenKeySetting)
	fresh, derr := decodeKey(enc)
	if err != nil || derr != nil {
		k.mu.Lock()
		k.keyReadAt = time.Now()
		k.mu.Unlock()
		return key
	}
	k.mu.Lock()
	k.key, k.keyReadAt = fresh, time.Now()
	k.mu.Unlock()
	return fresh
}
