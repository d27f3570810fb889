package sandbox

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"payterm/payhost"
)

// Bucket names. Each record is JSON under its key.
const (
	bucketAccounts = "accounts"         // account ID → Account
	bucketCodes    = "codes"            // secretKey(code) → codeRecord
	bucketFaces    = "face_descriptors" // big-endian sequence → faceRecord (the old "faces" of tokens is unused)
	bucketPayments = "payments"         // out_trade_no → paymentRecord
	bucketLedger   = "ledger"           // big-endian sequence → ledgerEntry, in order of writing
	// Binding of a charge to what the terminal signed (see statement.go).
	bucketTerminals  = "terminals"   // terminal ID → terminalRecord
	bucketNonces     = "nonces"      // nonce → nonceRecord
	bucketNonceTimes = "nonce_times" // nonceTimeKey → nothing: the nonces by statement time, for pruning
	bucketOrders     = "orders"      // lowercase order hash → out_trade_no of its SUCCESS payment
	// Payments held for the payer's confirmation on the phone (USERPAYING).
	bucketHeld = "held" // out_trade_no → heldRecord
)

func createBuckets(tx *bolt.Tx) error {
	for _, name := range []string{bucketAccounts, bucketCodes, bucketFaces, bucketPayments, bucketLedger,
		bucketTerminals, bucketNonces, bucketNonceTimes, bucketOrders, bucketHeld} {
		if _, err := tx.CreateBucketIfNotExists([]byte(name)); err != nil {
			return fmt.Errorf("bucket %s: %w", name, err)
		}
	}
	return nil
}

// Account is a customer's wallet. Balance is in minor units of Currency
// and never negative.
type Account struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Currency  string    `json:"currency"`
	Balance   int64     `json:"balance"`
	Phone     string    `json:"phone,omitempty"` // the holder's phone, for the last-four-digits check
	CreatedAt time.Time `json:"created_at"`
	// Limit is the largest code payment, in minor units, charged without
	// the payer's confirmation on the phone; 0 means no limit.
	Limit int64 `json:"limit,omitempty"`
}

// codeRecord is an issued payment code, stored under a hash of the code
// so that a copy of the database does not hand out live codes.
type codeRecord struct {
	AccountID string    `json:"account_id"`
	IssuedAt  time.Time `json:"issued_at"`
	ExpiresAt time.Time `json:"expires_at"`
	UsedBy    string    `json:"used_by,omitempty"` // out_trade_no that charged it
}

// faceRecord is one enrolled face: its descriptor, never the image.
type faceRecord struct {
	AccountID  string    `json:"account_id"`
	Descriptor []float32 `json:"descriptor"` // facerec.Descriptor's 128 numbers
	EnrolledAt time.Time `json:"enrolled_at"`
}

// paymentRecord is the stored answer for one out_trade_no.
type paymentRecord struct {
	Payment payhost.Payment `json:"payment"`
	// Fingerprint identifies the request's content (see fingerprint);
	// empty for a NOT_PAID closure, which answers any later request.
	Fingerprint string `json:"fingerprint,omitempty"`
	// Credential is the masked AuthCode, for people reading the file.
	Credential string `json:"credential,omitempty"`
	// Holder is the account whose confirmation a payment held above its
	// limit awaits (or awaited): only it may confirm or refuse.
	Holder string `json:"holder,omitempty"`
}

// Ledger entry kinds; the sign of Delta follows from the kind.
const (
	entryOpen    = "open"    // opening balance, Delta ≥ 0
	entryPay     = "pay"     // a charge, Delta < 0
	entryReverse = "reverse" // a charge given back, Delta > 0
)

// ledgerEntry is one movement of money on one account.
type ledgerEntry struct {
	Seq        uint64    `json:"seq"`
	AccountID  string    `json:"account_id"`
	Delta      int64     `json:"delta"` // minor units; negative debits
	Kind       string    `json:"kind"`
	OutTradeNo string    `json:"out_trade_no,omitempty"`
	At         time.Time `json:"at"`
}

// getJSON loads key from bucket into v; found is false for a missing key.
func getJSON(tx *bolt.Tx, bucket, key string, v any) (found bool, err error) {
	raw := tx.Bucket([]byte(bucket)).Get([]byte(key))
	if raw == nil {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return false, fmt.Errorf("%s %q: %w", bucket, key, err)
	}
	return true, nil
}

func putJSON(tx *bolt.Tx, bucket, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("%s %q: %w", bucket, key, err)
	}
	if err := tx.Bucket([]byte(bucket)).Put([]byte(key), raw); err != nil {
		return fmt.Errorf("%s %q: %w", bucket, key, err)
	}
	return nil
}

// nextSeq draws the bucket's next sequence number (1, 2, …).
func nextSeq(tx *bolt.Tx, bucket string) (uint64, error) {
	n, err := tx.Bucket([]byte(bucket)).NextSequence()
	if err != nil {
		return 0, fmt.Errorf("%s sequence: %w", bucket, err)
	}
	return n, nil
}

// seqKey is a sequence as a big-endian key, so keys sort in writing order.
func seqKey(n uint64) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	return string(b[:])
}
