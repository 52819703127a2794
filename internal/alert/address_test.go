package alert

import (
	"net/netip"
	"strings"
	"testing"
)

func TestBlockedReason(t *testing.T) {
	tests := []struct {
		addr, want string
	}{
		{"127.0.0.1", "loopback"},
		{"127.255.0.9", "loopback"},
		{"::1", "loopback"},
		{"::ffff:127.0.0.1", "loopback"},
		{"0.0.0.0", "unspecified"},
		{"::", "unspecified"},
		{"0.1.2.3", "this-network"},
		{"10.0.0.1", "private"},
		{"172.16.0.1", "private"},
		{"172.31.255.255", "private"},
		{"192.168.1.1", "private"},
		{"::ffff:10.0.0.1", "private"},
		{"fc00::1", "unique-local"},
		{"fd12:3456::1", "unique-local"},
		{"169.254.169.254", "cloud metadata"},
		{"fd00:ec2::254", "cloud metadata"},
		{"::ffff:169.254.169.254", "cloud metadata"},
		{"169.254.1.1", "link-local"},
		{"fe80::1", "link-local"},
		{"fe80::1%eth0", "link-local"},
		{"224.0.0.1", "multicast"},
		{"239.1.2.3", "multicast"},
		{"ff02::1", "multicast"},
		{"100.64.0.1", "carrier-grade NAT"},
		{"100.127.255.254", "carrier-grade NAT"},
		{"255.255.255.255", "reserved"},
		{"198.18.0.1", "benchmarking"},
		{"64:ff9b::7f00:1", "NAT64"},
		{"2002:7f00:1::1", "6to4"},
		{"::127.0.0.1", "IPv4-compatible"},
		{"93.184.216.34", ""},
		{"100.63.255.255", ""},
		{"100.128.0.0", ""},
		{"172.32.0.1", ""},
		{"8.8.8.8", ""},
		{"2606:4700::1111", ""},
		{"::ffff:8.8.8.8", ""},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			if got := blockedReason(netip.MustParseAddr(tt.addr)); got != tt.want {
				t.Errorf("blockedReason(%s) = %q, want %q", tt.addr, got, tt.want)
			}
		})
	}
}

func TestLiteralIP(t *testing.T) {
	tests := []struct {
		host, want string // want "" = not an address.
	}{
		{"127.0.0.1", "127.0.0.1"},
		{"[::1]", "::1"},
		{"::ffff:127.0.0.1", "::ffff:127.0.0.1"},
		{"2130706433", "127.0.0.1"},
		{"0x7f000001", "127.0.0.1"},
		{"0X7F000001", "127.0.0.1"},
		{"017700000001", "127.0.0.1"},
		{"0177.0.0.1", "127.0.0.1"},
		{"0x7f.0.0.1", "127.0.0.1"},
		{"127.1", "127.0.0.1"},
		{"127.0.1", "127.0.0.1"},
		{"0x7f.1", "127.0.0.1"},
		{"169.254.43518", "169.254.169.254"},
		{"2852039166", "169.254.169.254"},
		{"0", "0.0.0.0"},
		{"127.0.0.1.", "127.0.0.1"},
		{"4294967296", ""},
		{"256.0.0.1", ""},
		{"1.2.3.4.5", ""},
		{"08.0.0.1", ""},
		{"example.com", ""},
		{"0x7f.example.com", ""},
		{"1_000", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			ip, ok := literalIP(tt.host)
			got := ""
			if ok {
				got = ip.String()
			}
			if got != tt.want {
				t.Errorf("literalIP(%q) = %q, want %q", tt.host, got, tt.want)
			}
		})
	}
}

// TestPublicHostMessage checks the refusal reads as a sentence: "an" before a vowel.
func TestPublicHostMessage(t *testing.T) {
	tests := []struct {
		host, want string
	}{
		{"127.0.0.1", "127.0.0.1 is a loopback address"},
		{"0.0.0.0", "0.0.0.0 is an unspecified address"},
		{"[::]", "[::] is an unspecified address"},
		{"169.254.169.254", "169.254.169.254 is a cloud metadata address"},
	}
	for _, tt := range tests {
		err := publicHost(tt.host)
		if err == nil || err.Error() != tt.want {
			t.Errorf("publicHost(%q) = %v, want %q", tt.host, err, tt.want)
		}
	}
	e := &refusedError{host: "hooks.example.com", addr: "::", reason: "unspecified"}
	if got, want := e.Error(), "refusing to connect to hooks.example.com (::, an unspecified address)"; !strings.HasPrefix(got, want) {
		t.Errorf("refusal = %q, want prefix %q", got, want)
	}
}
