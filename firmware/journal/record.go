package journal

import (
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"payterm/firmware/order"
)

// Record is what the caller journals. It mirrors checkout's Journal
// effect without importing checkout.
type Record struct {
	Kind      string     // what happened: "received", "confirmed", "captured", "outcome"...; required
	OrderHash order.Hash // the order it happened to; zero for none
	Method    string     // "code", "face" or empty
	Detail    string     // short free text; never a credential
	// Ref is a payment reference: the terminal's out_trade_no
	// ("PT1-0001-o3fa9…-1") or the payment host's trade_no
	// ("SBX0000000000000001"); empty for none. At most 64 bytes of
	// [A-Za-z0-9._:/-].
	Ref string
	// Request is the POS request it answers, "<SaleID>/<ServiceID>";
	// empty for none. At most 160 bytes of printable ASCII, no spaces.
	Request string
	// Reference is the payment system's reference of a paid outcome
	// ("SBX0000000000000001"); same charset and limit as Ref.
	Reference string
	// Status is an outcome's status word ("paid", "declined",
	// "reversed"); at most 16 bytes of [a-z-].
	Status string
	// Amount is in minor units of Currency (order's money model); zero
	// with an empty Currency for none.
	Amount int64
	// Currency is an ISO 4217 code ("CNY"), or empty when Amount is zero.
	Currency string
}

// Entry is a Record as journaled.
type Entry struct {
	Seq  uint64    // 1 for the first entry, then one more for each
	Time time.Time // from the journal's clock, UTC, to the nanosecond
	Record
	Prev Digest // Hash of entry Seq-1; zero for entry 1
	Hash Digest // SHA-256(Prev || canonical encoding of Seq, Time, Record)
	Sig  []byte // Ed25519 signature over Hash, 64 bytes

	// format is the encoding the entry was written in; 0 means the
	// current one. Entries of format 1 have none of Ref, Request, Amount
	// and Currency, and their Hash covers only the fields they have.
	format byte
}

// Digest is a SHA-256 hash.
type Digest [32]byte

// String is the lowercase hex form.
func (d Digest) String() string { return hex.EncodeToString(d[:]) }

// Field limits, in bytes.
const (
	maxKind     = 64
	maxMethod   = 64
	maxDetail   = 4096
	maxRef      = 64  // Ref and Reference
	maxRequest  = 160 // a SaleID and a ServiceID of 64 bytes each, and more
	maxStatus   = 16
	maxCurrency = 3
)

// ErrLooksLikeCode: a text field holds a run of digits as long as a
// payment code's. Payment codes must never reach the journal.
var ErrLooksLikeCode = errors.New("journal: text looks like a payment code")

func (r Record) validate() error {
	switch {
	case r.Kind == "":
		return errors.New("journal: record without a kind")
	case len(r.Kind) > maxKind:
		return fmt.Errorf("journal: kind of %d bytes, over %d", len(r.Kind), maxKind)
	case len(r.Method) > maxMethod:
		return fmt.Errorf("journal: method of %d bytes, over %d", len(r.Method), maxMethod)
	case len(r.Detail) > maxDetail:
		return fmt.Errorf("journal: detail of %d bytes, over %d", len(r.Detail), maxDetail)
	}
	// Kind and Method are fixed words: any long digit run is suspect.
	// Free text and references go through the token-aware filter, so the
	// host's "SBX0000000000000001" passes and a customer's code does not.
	if hasDigitRun(r.Kind, codeDigits) || hasDigitRun(r.Method, codeDigits) {
		return ErrLooksLikeCode
	}
	for _, s := range []string{r.Detail, r.Ref, r.Request, r.Reference} {
		if looksLikeCode(s) {
			return ErrLooksLikeCode
		}
	}
	if err := checkRef("ref", r.Ref); err != nil {
		return err
	}
	if err := checkRef("reference", r.Reference); err != nil {
		return err
	}
	if err := checkRequest(r.Request); err != nil {
		return err
	}
	if err := checkStatus(r.Status); err != nil {
		return err
	}
	if err := checkMoney(r.Amount, r.Currency); err != nil {
		return err
	}
	return nil
}

// checkRef checks a reference field: at most maxRef bytes of
// [A-Za-z0-9._:/-].
func checkRef(name, s string) error {
	if len(s) > maxRef {
		return fmt.Errorf("journal: %s of %d bytes, over %d", name, len(s), maxRef)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isASCIILetter(c) || c >= '0' && c <= '9' || c == '.' || c == '_' || c == ':' || c == '/' || c == '-') {
			return fmt.Errorf("journal: %s holds %q at byte %d; want [A-Za-z0-9._:/-]", name, c, i)
		}
	}
	return nil
}

// checkRequest: at most maxRequest bytes of printable ASCII without
// spaces, which is what SaleIDs and ServiceIDs hold.
func checkRequest(s string) error {
	if len(s) > maxRequest {
		return fmt.Errorf("journal: request of %d bytes, over %d", len(s), maxRequest)
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return fmt.Errorf("journal: request holds %q at byte %d; want printable ASCII", s[i], i)
		}
	}
	return nil
}

// checkStatus: a status is a short lowercase word.
func checkStatus(s string) error {
	if len(s) > maxStatus {
		return fmt.Errorf("journal: status of %d bytes, over %d", len(s), maxStatus)
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= 'a' && s[i] <= 'z' || s[i] == '-') {
			return fmt.Errorf("journal: status holds %q at byte %d; want [a-z-]", s[i], i)
		}
	}
	return nil
}

// checkMoney: a currency is three capital letters, and an amount needs one.
func checkMoney(amount int64, currency string) error {
	switch {
	case currency == "" && amount != 0:
		return errors.New("journal: amount without a currency")
	case currency == "":
		return nil
	case len(currency) != 3:
		return fmt.Errorf("journal: currency %.8q is not three letters", currency)
	}
	for i := 0; i < 3; i++ {
		if c := currency[i]; c < 'A' || c > 'Z' {
			return fmt.Errorf("journal: currency %q is not three capital letters", currency)
		}
	}
	return nil
}
