package checkout

// A face the payment system cannot tell apart from another account's (a
// close call) is declined with CheckPhoneDigits: the customer enters the
// last four digits of their phone on a keypad and the same face is
// charged again as a new attempt carrying them. Digits that do not match
// (CheckPhoneDigitsWrong) get one more try; then the payment fails. The
// digits live only in the State until the Charge effect takes them: never
// in a view (only their count), a journal record or a reply.

// phoneDigits is how many digits the payment system asks for.
const phoneDigits = 4

// maxDigitTries is how many charges may carry digits: the first, and one
// retry after wrong ones.
const maxDigitTries = 2

// askDigits turns a decline that asks for the phone digits into the
// keypad; ok is false when the decline is final (a plain refusal, or the
// tries are used up).
func (s State) askDigits(e ChargeResult) (State, []Effect, bool) {
	c := *s.charge
	var msg string
	switch {
	case e.Check == CheckPhoneDigits && s.digitTries == 0:
	case e.Check == CheckPhoneDigitsWrong && s.digitTries > 0 && s.digitTries < maxDigitTries:
		msg = "the digits did not match: please try again"
	default:
		return s, nil, false
	}
	s.charge = nil
	s.retryFace = c.cred
	s.digits = ""
	rec := Record{Kind: RecordOutcome, Hash: s.confirmed, Method: s.method, Ref: c.ref, Status: ChargeDeclined,
		Detail: "declined: the payment system asks for the phone number's last digits"}
	s = s.enter(PhoneDigits)
	return s, []Effect{Journal{rec}, s.show(s.digitsView(msg))}, true
}

// digitsView is the keypad screen with the digits entered so far.
func (s State) digitsView(msg string) View {
	v := s.sessionView(ScreenPhoneDigits, msg)
	v.Digits = len(s.digits)
	return v
}

// touchDigits handles the keypad. Every key restarts the phase's timeout:
// a customer typing is not idle.
func touchDigits(s State, t Touch) (State, []Effect) {
	msg := s.view.Message
	switch t.Action {
	case ActDigit:
		if t.Digit < 0 || t.Digit > 9 || len(s.digits) >= phoneDigits {
			return s, []Effect{Beep{OK: false}}
		}
		s.digits += string(rune('0' + t.Digit))
	case ActDelete:
		if s.digits == "" {
			return s, nil
		}
		s.digits = s.digits[:len(s.digits)-1]
	case ActEnter:
		if len(s.digits) != phoneDigits {
			return s, []Effect{Beep{OK: false}}
		}
		return s.chargeWithDigits()
	case ActCancel:
		s.digits, s.retryFace = "", Credential{}
		return s.cancel()
	default:
		return s, nil
	}
	s = s.rearm()
	return s, []Effect{s.show(s.digitsView(msg))}
}

// chargeWithDigits charges the face again, as the next attempt, with the
// digits entered.
func (s State) chargeWithDigits() (State, []Effect) {
	c := s.retryFace
	s.retryFace = Credential{}
	s.digitTries++
	s, out := beginCharge(s, c, nil)
	s = s.enter(Captured)
	return s, append(out, s.show(s.sessionView(ScreenProcessing, "")))
}
