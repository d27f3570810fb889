package journal

// codeDigits is the shortest digit run taken for a payment code. Alipay
// and WeChat Pay codes are 16 to 24 digits and card numbers 12 to 19; an
// order ID or amount is shorter.
const codeDigits = 12

// hasDigitRun reports whether s holds n or more ASCII digits in a row,
// where spaces and hyphens between them (as in "1234 5678 9012") do not
// break the run.
func hasDigitRun(s string, n int) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			run++
			if run >= n {
				return true
			}
		case c == ' ' || c == '-':
		default:
			run = 0
		}
	}
	return false
}
