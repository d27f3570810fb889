package uart

import "strings"

// Mask hides a payment code for logs: the first 2 and last 4 characters
// stay and every other byte becomes '*' ("134567890123456789" →
// "13************6789"). Codes shorter than 12 bytes are hidden whole, so
// a log never shows more than half of a code.
func Mask(code string) string {
	n := len(code)
	if n < 12 {
		return strings.Repeat("*", n)
	}
	return code[:2] + strings.Repeat("*", n-6) + code[n-4:]
}
