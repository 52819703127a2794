package ingest

import "testing"

func TestUTF8Check(t *testing.T) {
	euro := "\xe2\x82\xac" // €, three bytes
	tests := []struct {
		name   string
		writes []string
		want   bool
	}{
		{"ascii", []string{"abc", "def"}, true},
		{"rune in one write", []string{"a" + euro + "b"}, true},
		{"rune split 1+2", []string{"a\xe2", "\x82\xacb"}, true},
		{"rune split 2+1", []string{"a\xe2\x82", "\xacb"}, true},
		{"rune split over three writes", []string{"\xe2", "\x82", "\xac"}, true},
		{"empty writes", []string{"", "a", ""}, true},
		{"latin-1 byte", []string{"caf\xe9 au lait"}, false},
		{"stray continuation", []string{"a", "\x82b"}, false},
		{"rune cut short at the end", []string{"a\xe2\x82"}, false},
		{"bad after good", []string{euro, "ok", "\xff"}, false},
	}
	for _, tt := range tests {
		var u utf8Check
		for _, w := range tt.writes {
			if n, err := u.Write([]byte(w)); n != len(w) || err != nil {
				t.Fatalf("%s: Write = %d, %v", tt.name, n, err)
			}
		}
		if got := u.Valid(); got != tt.want {
			t.Errorf("%s: Valid() = %v, want %v", tt.name, got, tt.want)
		}
	}
}
