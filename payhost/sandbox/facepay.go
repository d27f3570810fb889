package sandbox

import (
	"strings"

	bolt "go.etcd.io/bbolt"

	"payterm/payhost"
)

// faceMatch is what a face AuthCode's crop resolved to before the
// payment's transaction: the accounts near it, or why there are none.
type faceMatch struct {
	near   []candidate
	reason string // a refusal reason; empty when near was searched
}

// matchFace opens the sealed crop for the request's terminal and order,
// computes its descriptor and searches the gallery. It runs outside the
// database transaction (the network takes tens of milliseconds); the
// crop is wiped after use.
func (h *Host) matchFace(req payhost.PayRequest, token string) faceMatch {
	if h.faceKey == nil || h.recog == nil {
		return faceMatch{reason: payhost.ReasonFaceUnknown}
	}
	crop, err := payhost.OpenFace(h.faceKey, token, payhost.FaceBinding{TerminalID: req.TerminalID, OrderHash: req.OrderHash})
	if err != nil {
		// Sealed for another order, terminal or key, or altered.
		return faceMatch{reason: payhost.ReasonCodeInvalid}
	}
	defer clear(crop)
	d, err := h.describe(crop)
	if err != nil {
		return faceMatch{reason: payhost.ReasonFaceUnknown}
	}
	return faceMatch{near: h.gallery.nearest(d)}
}

// decideFace applies the identification rules (see FaceThreshold) to m
// inside the payment's transaction, where the accounts' phones are read.
// With phoneLast4 given, the payer is the one near account (below
// FaceThreshold; for a confident match, the matched account) whose phone
// ends in those digits.
func decideFace(tx *bolt.Tx, m faceMatch, phoneLast4 string) (accountID, reason string, err error) {
	if m.reason != "" {
		return "", m.reason, nil
	}
	if len(m.near) == 0 || m.near[0].distance >= FaceThreshold {
		return "", payhost.ReasonFaceUnknown, nil
	}
	best := m.near[0]
	var close []string // accounts that could be the payer
	for _, c := range m.near {
		if c.distance < FaceThreshold && c.distance < best.distance+FaceMargin {
			close = append(close, c.account)
		}
	}
	rivals := len(m.near) > 1 && m.near[1].distance < best.distance+FaceMargin
	confident := best.distance < FaceConfident && !rivals
	if phoneLast4 == "" {
		if confident {
			return best.account, "", nil
		}
		return "", payhost.ReasonPhoneDigitsRequired, nil
	}
	if confident {
		close = close[:1]
	}
	var match []string
	for _, id := range close {
		acct, err := loadAccount(tx, id)
		if err != nil {
			return "", "", err
		}
		if phoneEndsIn(acct.Phone, phoneLast4) {
			match = append(match, id)
		}
	}
	switch len(match) {
	case 1:
		return match[0], "", nil
	case 0:
		return "", payhost.ReasonPhoneDigitsWrong, nil
	}
	// Two look-alikes whose phones end alike: nothing tells them apart.
	return "", payhost.ReasonFaceUnknown, nil
}

// phoneEndsIn reports whether the digits of phone end in last4.
func phoneEndsIn(phone, last4 string) bool {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, phone)
	return len(digits) >= 4 && digits[len(digits)-4:] == last4
}
