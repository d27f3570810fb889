// Package secret holds payment codes and face tokens so that printing or
// logging one shows it masked, by the one masking rule of the project.
//
// It imports only the standard library, so drivers, the link, the payment
// host and the POS can all use it.
package secret

import "strings"

// facePrefix marks a face token (payhost.FacePrefix); it stays visible so
// logs tell faces from codes.
const facePrefix = "face:"

// minShown is the shortest code whose ends are shown: 2+4 characters of at
// least 12, so a log never shows more than half of a code.
const minShown = 12

// Mask hides a payment code or face token for people reading logs: of a
// code of 12 characters or more the first 2 and last 4 stay and every
// other byte becomes '*' ("134567890123456789" → "13************6789");
// shorter codes, and codes with anything but printable ASCII, are hidden
// whole. A leading "face:" stays and the rule applies to the rest. The
// result has as many bytes as s.
//
// Mask is the only masking rule: log a Code rather than calling it.
func Mask(s string) string {
	prefix := ""
	if rest, ok := strings.CutPrefix(s, facePrefix); ok {
		prefix, s = facePrefix, rest
	}
	n := len(s)
	if n < minShown || !printableASCII(s) {
		return prefix + strings.Repeat("*", n)
	}
	return prefix + s[:2] + strings.Repeat("*", n-6) + s[n-4:]
}

// printableASCII: only then are the kept ends whole characters that a log
// shows as they are.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}
