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
}

// Entry is a Record as journaled.
type Entry struct {
	Seq  uint64    // 1 for the first entry, then one more for each
	Time time.Time // from the journal's clock, UTC, to the nanosecond
	Record
	Prev Digest // Hash of entry Seq-1; zero for entry 1
	Hash Digest // SHA-256(Prev || canonical encoding of Seq, Time, Record)
	Sig  []byte // Ed25519 signature over Hash, 64 bytes
}

// Digest is a SHA-256 hash.
type Digest [32]byte

// String is the lowercase hex form.
func (d Digest) String() string { return hex.EncodeToString(d[:]) }

// Field limits, in bytes.
const (
	maxKind   = 64
	maxMethod = 64
	maxDetail = 4096
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
	for _, s := range []string{r.Kind, r.Method, r.Detail} {
		if hasDigitRun(s, codeDigits) {
			return ErrLooksLikeCode
		}
	}
	return nil
}
