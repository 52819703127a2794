package ingest

import "unicode/utf8"

// utf8Check is a writer that notes whether everything written to it, taken as
// one stream, is valid UTF-8. A rune split across two writes is judged whole.
type utf8Check struct {
	carry []byte // the start of a rune the last write ended in
	bad   bool
}

func (u *utf8Check) Write(p []byte) (int, error) {
	if u.bad {
		return len(p), nil
	}
	b := p
	if len(u.carry) > 0 {
		b = append(append([]byte(nil), u.carry...), p...)
		u.carry = u.carry[:0]
	}
	cut := len(b)
	for i := 1; i <= utf8.UTFMax-1 && i <= len(b); i++ {
		if c := b[len(b)-i]; utf8.RuneStart(c) {
			if !utf8.FullRune(b[len(b)-i:]) {
				cut = len(b) - i
			}
			break
		}
	}
	if !utf8.Valid(b[:cut]) {
		u.bad = true
		return len(p), nil
	}
	u.carry = append(u.carry, b[cut:]...)
	return len(p), nil
}

// Valid reports whether the stream written so far is valid UTF-8 and ends on
// a whole rune.
func (u *utf8Check) Valid() bool { return !u.bad && len(u.carry) == 0 }
