package auth

import "time"

// SignForTest signs claims for customerID without Mint's checks, as a token
// minted by an older version could have been.
func (k *Keyring) SignForTest(customerID string, exp, iat time.Time) string {
	tok, _, err := k.sign(claims{CustomerID: customerID}, exp.Sub(iat), iat)
	if err != nil {
		panic(err)
	}
	return tok
}

// RereadSharedKeyAtOnce makes shared keyrings read the key again on every
// token that does not verify, until the test ends.
func RereadSharedKeyAtOnce(t interface{ Cleanup(func()) }) {
	old := sharedKeyRetry
	sharedKeyRetry = 0
	t.Cleanup(func() { sharedKeyRetry = old })
}
