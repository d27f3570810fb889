package journal

// codeDigits is the shortest digit run taken for a payment code. Alipay
// and WeChat Pay codes are 16 to 24 digits and card numbers 12 to 19; an
// order ID or amount is shorter.
const codeDigits = 12

// hasDigitRun reports whether s holds n or more ASCII digits in a row,
// where spaces and hyphens between them (as in "1234 5678 9012") do not
// break the run. It is the strict rule, for fields that are fixed words
// (Kind, Method) and so never hold a reference.
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

// looksLikeCode reports whether s holds a payment code: a run of
// codeDigits or more ASCII digits that is a token of its own. Spaces and
// hyphens inside the run do not break it ("6222 0212 3456 7890",
// "4111-1111-1111-1111"). A run that starts right after an ASCII letter is
// part of an alphanumeric reference — the payment host's trade_no
// "SBX0000000000000001", a nonce "o1234567890123" — and is not a code;
// such a run ends at the first non-digit, so a code written after a
// reference and a space is still caught.
func looksLikeCode(s string) bool {
	run := 0       // digits in the current run
	glued := false // the current run started right after a letter
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if run == 0 {
				glued = i > 0 && isASCIILetter(s[i-1])
			}
			run++
			if run >= codeDigits && !glued {
				return true
			}
		case (c == ' ' || c == '-') && !glued:
			// a separator inside a free-standing run
		default:
			run = 0
		}
	}
	return false
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
