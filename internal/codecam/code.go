package codecam

// Payment codes are the digits a wallet app shows as a QR code and a bar
// code: WeChat Pay's are 18 digits starting 10–15, Alipay's 16–24
// starting 25–30, UnionPay's 19 starting 62; the sandbox issues
// WeChat's shape. The terminal cannot know every scheme's prefixes, and
// the payment system judges the code itself, so only the shape is
// checked here: what a camera sees that is not a code of any scheme (a
// URL, a price label, a parcel number) stays out.
const (
	MinCodeDigits = 16
	MaxCodeDigits = 24
)

// PaymentCode reports whether text has the form of a payment code:
// MinCodeDigits to MaxCodeDigits ASCII digits and nothing else.
func PaymentCode(text string) bool {
	if len(text) < MinCodeDigits || len(text) > MaxCodeDigits {
		return false
	}
	for i := 0; i < len(text); i++ {
		if text[i] < '0' || text[i] > '9' {
			return false
		}
	}
	return true
}
