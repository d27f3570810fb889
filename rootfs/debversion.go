package rootfs

import (
	"strings"
)

// CompareDebianVersions orders two Debian package versions
// ([epoch:]upstream[-revision]) as dpkg does (Debian Policy 5.6.12):
// negative when a is older than b, zero when equal, positive when newer.
// Malformed parts compare as text; it never fails.
func CompareDebianVersions(a, b string) int {
	ae, au, ar := splitDebianVersion(a)
	be, bu, br := splitDebianVersion(b)
	if c := compareNumeric(ae, be); c != 0 {
		return c
	}
	if c := compareVersionPart(au, bu); c != 0 {
		return c
	}
	return compareVersionPart(ar, br)
}

func splitDebianVersion(v string) (epoch, upstream, revision string) {
	if e, rest, ok := strings.Cut(v, ":"); ok {
		epoch, v = e, rest
	}
	if i := strings.LastIndexByte(v, '-'); i >= 0 {
		return epoch, v[:i], v[i+1:]
	}
	return epoch, v, ""
}

// compareVersionPart alternates non-digit runs (compared with '~' before
// everything, letters before other characters) and digit runs (compared
// as numbers).
func compareVersionPart(a, b string) int {
	for a != "" || b != "" {
		var an, bn string
		an, a = cutRun(a, false)
		bn, b = cutRun(b, false)
		if c := compareLexical(an, bn); c != 0 {
			return c
		}
		an, a = cutRun(a, true)
		bn, b = cutRun(b, true)
		if c := compareNumeric(an, bn); c != 0 {
			return c
		}
	}
	return 0
}

func cutRun(s string, digits bool) (run, rest string) {
	i := 0
	for i < len(s) && isDigit(s[i]) == digits {
		i++
	}
	return s[:i], s[i:]
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func lexicalOrder(c byte, ok bool) int {
	switch {
	case !ok:
		return 0
	case c == '~':
		return -1
	case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		return int(c)
	default:
		return int(c) + 256
	}
}

func compareLexical(a, b string) int {
	for i := 0; i < len(a) || i < len(b); i++ {
		var ca, cb byte
		oka, okb := i < len(a), i < len(b)
		if oka {
			ca = a[i]
		}
		if okb {
			cb = b[i]
		}
		if d := lexicalOrder(ca, oka) - lexicalOrder(cb, okb); d != 0 {
			return d
		}
	}
	return 0
}

// compareNumeric compares digit strings of any length without overflow.
func compareNumeric(a, b string) int {
	a = strings.TrimLeft(a, "0")
	b = strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}
