package order

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
)

// Hash is the SHA-256 of an order's canonical encoding. A credential leaves
// the terminal bound to the Hash of the order the customer confirmed.
type Hash [32]byte

// String is the lowercase hex form used on the wire and in the journal.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// IsZero reports whether h is the zero hash (no order).
func (h Hash) IsZero() bool { return h == Hash{} }

// ParseHash reads the hex form written by String.
func ParseHash(s string) (Hash, error) {
	var h Hash
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != len(h) {
		return Hash{}, fmt.Errorf("order: hash %q: %w", s, errors.New("want 64 hex digits"))
	}
	copy(h[:], b)
	return h, nil
}

// hashDomain separates this encoding from any other SHA-256 input; bump the
// version if the encoding ever changes.
const hashDomain = "payterm/order/v1"

// Hash returns the canonical hash: every field that the customer sees or
// pays for, in order, each string length-prefixed and each integer as
// big-endian int64, so that no two different orders encode alike.
func (o *Order) Hash() Hash {
	h := sha256.New()
	writeString(h, hashDomain)
	writeString(h, o.ID)
	writeString(h, o.Currency.Code)
	writeInt(h, int64(o.Currency.Exponent))
	writeInt(h, int64(len(o.Lines)))
	for _, l := range o.Lines {
		writeString(h, l.ID)
		writeString(h, l.ProductCode)
		writeString(h, l.Label)
		writeInt(h, int64(l.Quantity))
		writeString(h, l.Unit)
		writeInt(h, l.UnitPrice)
		writeInt(h, l.Amount)
		writeInt(h, l.Discount)
	}
	writeInt(h, int64(len(o.Discounts)))
	for _, d := range o.Discounts {
		writeString(h, d.Label)
		writeInt(h, d.Amount)
	}
	writeInt(h, o.Total)
	var out Hash
	h.Sum(out[:0])
	return out
}

func writeInt(h hash.Hash, v int64) {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(v))
	h.Write(b[:])
}

func writeString(h hash.Hash, s string) {
	writeInt(h, int64(len(s)))
	h.Write([]byte(s))
}
