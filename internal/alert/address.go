package alert

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// metadata are the cloud instance-metadata addresses (AWS, GCP, Azure; AWS's
// IPv6 one), named apart so refusals say what they are.
var metadata = []netip.Addr{netip.MustParseAddr("169.254.169.254"), netip.MustParseAddr("fd00:ec2::254")}

// reserved are the ranges, beyond the ones netip classifies, that a
// notification may not reach: each is internal, special-purpose, or embeds an
// IPv4 address a gateway would connect to on the caller's behalf.
var reserved = []struct {
	prefix netip.Prefix
	reason string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "this-network"},
	{netip.MustParsePrefix("100.64.0.0/10"), "carrier-grade NAT"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},
	{netip.MustParsePrefix("::/96"), "IPv4-compatible"},
	{netip.MustParsePrefix("64:ff9b::/96"), "NAT64"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "NAT64"},
	{netip.MustParsePrefix("100::/64"), "discard"},
	{netip.MustParsePrefix("2001::/32"), "Teredo"},
	{netip.MustParsePrefix("2002::/16"), "6to4"},
	{netip.MustParsePrefix("fec0::/10"), "site-local"},
}

// withArticle puts "a" or "an" before a reason of blockedReason.
func withArticle(reason string) string {
	if strings.ContainsRune("aeiou", rune(reason[0])) {
		return "an " + reason
	}
	return "a " + reason
}

// blockedReason says why ip is not a public address ("" when it is): loopback,
// private, link-local, unique-local, multicast, unspecified, CGNAT, metadata,
// and the same addresses written as IPv4-mapped IPv6.
func blockedReason(ip netip.Addr) string {
	ip = ip.WithZone("").Unmap()
	switch {
	case !ip.IsValid():
		return "invalid"
	case ip.IsUnspecified():
		return "unspecified"
	case ip.IsLoopback():
		return "loopback"
	case ip == metadata[0] || ip == metadata[1]:
		return "cloud metadata"
	case ip.IsPrivate() && ip.Is6():
		return "unique-local"
	case ip.IsPrivate():
		return "private"
	case ip.IsLinkLocalUnicast():
		return "link-local"
	case ip.IsMulticast(), ip.IsLinkLocalMulticast(), ip.IsInterfaceLocalMulticast():
		return "multicast"
	}
	for _, r := range reserved {
		if r.prefix.Contains(ip) {
			return r.reason
		}
	}
	return ""
}

// literalIP parses host as an IP address: IPv6 (with or without brackets or a
// zone), dotted IPv4, or one of the IPv4 spellings resolvers accept: fewer
// than four parts ("127.1"), decimal ("2130706433"), octal ("0177.0.0.1") and
// hex ("0x7f000001").
func literalIP(host string) (netip.Addr, bool) {
	h := canonicalHost(host)
	if ip, err := netip.ParseAddr(h); err == nil {
		return ip, true
	}
	return numericIPv4(h)
}

// numericIPv4 parses the inet_aton forms: one to four dot-separated numbers,
// each decimal, octal (leading 0) or hex (0x); the last fills the remaining bytes.
func numericIPv4(h string) (netip.Addr, bool) {
	parts := strings.Split(h, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var v uint64
	for i, p := range parts {
		n, err := strconv.ParseUint(p, 0, 32)
		if p == "" || err != nil || strings.ContainsAny(p, "_+-") {
			return netip.Addr{}, false
		}
		bits := uint(8)
		if i == len(parts)-1 {
			bits = uint(8 * (5 - len(parts)))
		}
		if n >= 1<<bits {
			return netip.Addr{}, false
		}
		v = v<<bits | n
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

// publicHost reports why a customer's channel may not name host: an internal
// address in any spelling, a number that is not dotted decimal, or a name that
// only resolves inside a network (localhost, *.local, single labels).
func publicHost(host string) error {
	h := canonicalHost(host)
	if h == "" {
		return fmt.Errorf("the address has no host")
	}
	if ip, ok := literalIP(h); ok {
		if reason := blockedReason(ip); reason != "" {
			return fmt.Errorf("%s is %s address", host, withArticle(reason))
		}
		if _, err := netip.ParseAddr(h); err != nil {
			return fmt.Errorf("%s is an address in an unusual spelling; write it as %s", host, ip)
		}
		return nil
	}
	for _, suffix := range []string{".localhost", ".local", ".internal", ".localdomain", ".home.arpa"} {
		if h == strings.TrimPrefix(suffix, ".") || strings.HasSuffix(h, suffix) {
			return fmt.Errorf("%s is a local name", host)
		}
	}
	if !strings.Contains(h, ".") {
		return fmt.Errorf("%s is not a fully qualified domain name", host)
	}
	return nil
}
