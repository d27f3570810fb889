package payhost

import "time"

// FacePrefix marks an AuthCode that is a sealed face crop rather than a
// payment code: "face:<token>" (see SealFace).
const FacePrefix = "face:"

// PayRequest asks the payment system to charge a credential. The JSON
// form is the wire format of POST /v1/pay.
type PayRequest struct {
	// OutTradeNo is the merchant's order reference and the idempotency
	// key: the same OutTradeNo with the same content is charged at most
	// once and always answered with the same stored Payment, FAIL
	// included. Reusing it with other content is ErrConflict, so every new
	// attempt (the customer shows a fresh code after a FAIL) needs a new
	// OutTradeNo. 1–64 characters of A–Z a–z 0–9 '-' '_' ':'.
	OutTradeNo string `json:"out_trade_no"`
	// AuthCode is the customer's 18-digit payment code, or FacePrefix
	// followed by a sealed face crop (SealFace, bound to TerminalID and
	// OrderHash). Secret: log it as a secret.Code.
	AuthCode string `json:"auth_code"`
	// Amount is in minor units of Currency (CNY 12.34 is 1234); > 0.
	Amount int64 `json:"amount"`
	// Currency is the ISO 4217 code; it must match the payer's account.
	Currency string `json:"currency"`
	// OrderHash is the lowercase hex SHA-256 of the order the customer
	// confirmed (order.Hash.String()), binding the charge to that order.
	OrderHash string `json:"order_hash"`
	// TerminalID names the terminal that captured the credential; may be
	// empty, at most 64 bytes.
	TerminalID string `json:"terminal_id,omitempty"`
	// Description is shown on the customer's statement; may be empty, at
	// most 256 bytes of UTF-8.
	Description string `json:"description,omitempty"`
	// Statement is what the terminal signed when the customer confirmed
	// (see Statement); the payment system refuses a request without one,
	// or whose fields differ from it. Forward it unchanged.
	Statement *Statement `json:"statement"`
	// Signature is Statement.Sign by the terminal's key, standard base64.
	Signature string `json:"signature"`
	// PhoneLast4 is the last four digits of the payer's phone number, typed
	// by the customer when a face payment was refused with
	// ReasonPhoneDigitsRequired; empty otherwise. Exactly 4 ASCII digits
	// when present. Secret like the AuthCode.
	PhoneLast4 string `json:"phone_last4,omitempty"`
}

// Status is the state of a Payment.
type Status string

const (
	StatusSuccess  Status = "SUCCESS"  // charged: the money moved
	StatusFail     Status = "FAIL"     // refused: nothing moved; see Reason
	StatusReversed Status = "REVERSED" // charged, then given back (or never charged; see ReasonNotPaid)
	// StatusUserPaying: the payer must confirm on their phone; nothing
	// moved yet. Query until SUCCESS or FAIL (USER_REFUSED,
	// USERPAYING_EXPIRED); Reverse closes it unpaid. It is never final.
	StatusUserPaying Status = "USERPAYING"
)

// Valid reports whether s is one of the statuses above.
func (s Status) Valid() bool {
	return s == StatusSuccess || s == StatusFail || s == StatusReversed || s == StatusUserPaying
}

// Reasons a payment FAILed (or, for ReasonNotPaid, was reversed without a
// charge). Callers should treat an unlisted reason as a refusal too.
const (
	ReasonCodeExpired = "CODE_EXPIRED" // payment code older than its lifetime
	ReasonCodeUsed    = "CODE_USED"    // payment code already charged once
	ReasonCodeUnknown = "CODE_UNKNOWN" // well-formed code that was never issued
	ReasonCodeInvalid = "CODE_INVALID" // neither 18 digits nor a face token
	ReasonFaceUnknown = "FACE_UNKNOWN" // no enrolled face close enough, or the sealed crop does not open or show one face
	// ReasonPhoneDigitsRequired: the face is a close call (two accounts
	// near, or the match not confident); ask the customer for the last
	// four digits of the account's phone and try again, as a new attempt
	// carrying PhoneLast4.
	ReasonPhoneDigitsRequired = "PHONE_DIGITS_REQUIRED"
	ReasonPhoneDigitsWrong    = "PHONE_DIGITS_WRONG" // PhoneLast4 matches no candidate account
	ReasonInsufficientFunds   = "INSUFFICIENT_FUNDS" // balance below the amount
	ReasonCurrencyMismatch    = "CURRENCY_MISMATCH"  // account holds another currency
	ReasonAccountUnknown      = "ACCOUNT_UNKNOWN"    // the credential's account is gone
	ReasonUserPayingExpired   = "USERPAYING_EXPIRED" // the payer did not confirm on the phone in time
	ReasonUserRefused         = "USER_REFUSED"       // the payer refused on the phone
	ReasonOrderPaid           = "ORDER_PAID"         // confirmed on the phone after the order was paid another way
	// ReasonNotPaid goes with StatusReversed when a reversal arrived for an
	// OutTradeNo the system had never seen: it is closed so that a charge
	// arriving late cannot take money.
	ReasonNotPaid = "NOT_PAID"
)

// Reasons the statement check refused a request (see Statement). Such a
// FAIL is not stored under the OutTradeNo, charges nothing and spends no
// code or nonce: it answers only the request that carried it.
const (
	ReasonStatementMissing    = "STATEMENT_MISSING"    // no statement or signature
	ReasonTerminalUnknown     = "TERMINAL_UNKNOWN"     // terminal or key not registered, or another terminal_id
	ReasonSignatureInvalid    = "SIGNATURE_INVALID"    // the signature does not match the registered key
	ReasonStatementAmount     = "STATEMENT_AMOUNT"     // amount differs from the statement's
	ReasonStatementCurrency   = "STATEMENT_CURRENCY"   // currency differs
	ReasonStatementOrder      = "STATEMENT_ORDER"      // order hash differs
	ReasonStatementCredential = "STATEMENT_CREDENTIAL" // auth_code is not the one the statement digests
	ReasonNonceReused         = "NONCE_REUSED"         // the nonce already served another out_trade_no
	ReasonStatementStale      = "STATEMENT_STALE"      // signed too long ago, or in the future
)

// Payment is the payment system's record of one OutTradeNo. The JSON form
// is the wire format of the pay, query and reverse answers.
type Payment struct {
	OutTradeNo string `json:"out_trade_no"`
	// TradeNo is the payment system's own reference; empty unless the
	// payment was charged (SUCCESS, or REVERSED after a charge).
	TradeNo string `json:"trade_no,omitempty"`
	Status  Status `json:"status"`
	// Amount and Currency echo the request: minor units of Currency.
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
	// AccountID is the charged account; empty when nothing was charged.
	AccountID string `json:"account_id,omitempty"`
	// Reason says why, for FAIL (and ReasonNotPaid); empty otherwise.
	Reason string `json:"reason,omitempty"`
	// OrderHash echoes the request's, so the POS can check the binding.
	OrderHash string `json:"order_hash,omitempty"`
	// PaidAt is when the charge happened; zero unless charged.
	PaidAt time.Time `json:"paid_at,omitzero"`
	// ReversedAt is when the payment was reversed; zero unless REVERSED.
	ReversedAt time.Time `json:"reversed_at,omitzero"`
}

// Paid reports whether the money is with the merchant now.
func (p Payment) Paid() bool { return p.Status == StatusSuccess }
