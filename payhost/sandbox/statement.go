package sandbox

import (
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"payterm/firmware/order"
	"payterm/payhost"
)

// nonceRecord remembers which payment spent a statement's nonce.
type nonceRecord struct {
	OutTradeNo string    `json:"out_trade_no"`
	Time       time.Time `json:"time"` // the statement's, which decides when to forget it
}

// pruneBatch bounds the nonces forgotten in one payment's transaction, so
// that a backlog (a host restarted after a long pause) is spread out.
const pruneBatch = 256

// checkStatement decides whether req is bound to what its terminal
// signed, reading only. It returns "" when req may be charged, or the
// payhost.ReasonStatement… / Terminal… / Signature… / Nonce… reason to
// refuse it with. The order of the checks makes the reason the most
// telling one: who signed, that they signed this, that this is what the
// request asks, that it is fresh and new.
func (h *Host) checkStatement(tx *bolt.Tx, req payhost.PayRequest, now time.Time) (string, error) {
	s := req.Statement
	if s == nil || req.Signature == "" {
		return payhost.ReasonStatementMissing, nil
	}
	var term terminalRecord
	found, err := getJSON(tx, bucketTerminals, s.TerminalID, &term)
	switch {
	case err != nil:
		return "", err
	case !found, term.KeyID != s.KeyID:
		return payhost.ReasonTerminalUnknown, nil
	case req.TerminalID != "" && req.TerminalID != s.TerminalID:
		// The request names another terminal than the one that signed.
		return payhost.ReasonTerminalUnknown, nil
	}
	if s.Verify(term.PublicKey, req.Signature) != nil {
		return payhost.ReasonSignatureInvalid, nil
	}
	if reason := compareStatement(*s, req); reason != "" {
		return reason, nil
	}
	if s.Time.Before(now.Add(-h.maxAge)) || s.Time.After(now.Add(h.skew)) {
		return payhost.ReasonStatementStale, nil
	}
	var used nonceRecord
	found, err = getJSON(tx, bucketNonces, s.Nonce, &used)
	switch {
	case err != nil:
		return "", err
	case found && used.OutTradeNo != req.OutTradeNo:
		// The same out_trade_no may come again with its nonce: a retry
		// of a request answered with the order's earlier payment.
		return payhost.ReasonNonceReused, nil
	}
	return "", nil
}

// compareStatement compares the signed fields with the request's.
func compareStatement(s payhost.Statement, req payhost.PayRequest) string {
	switch {
	case s.Amount != req.Amount:
		return payhost.ReasonStatementAmount
	case s.Currency != req.Currency:
		return payhost.ReasonStatementCurrency
	case orderKey(s.OrderHash) != orderKey(req.OrderHash):
		return payhost.ReasonStatementOrder
	case s.Credential != payhost.CredentialDigest(req.AuthCode):
		return payhost.ReasonStatementCredential
	}
	return ""
}

// orderKey is the canonical (lowercase) form of a valid order hash, so
// that "AB…" and "ab…" name one order; "" for an invalid one.
func orderKey(hash string) string {
	h, err := order.ParseHash(hash)
	if err != nil {
		return ""
	}
	return h.String()
}

// spendNonce records that s's nonce served outTradeNo, and forgets nonces
// of statements too old to be accepted any more.
func (h *Host) spendNonce(tx *bolt.Tx, s payhost.Statement, outTradeNo string, now time.Time) error {
	if err := putJSON(tx, bucketNonces, s.Nonce, nonceRecord{OutTradeNo: outTradeNo, Time: s.Time}); err != nil {
		return err
	}
	if err := tx.Bucket([]byte(bucketNonceTimes)).Put(nonceTimeKey(s.Time, s.Nonce), nil); err != nil {
		return fmt.Errorf("%s: %w", bucketNonceTimes, err)
	}
	return h.pruneNonces(tx, now)
}

// nonceTimeKey sorts by the statement's time: 8 big-endian bytes of Unix
// nanoseconds (statements are accepted only near now, well inside its
// range), then the nonce.
func nonceTimeKey(t time.Time, nonce string) []byte {
	return append(binary.BigEndian.AppendUint64(nil, uint64(t.UnixNano())), nonce...)
}

// pruneNonces forgets up to pruneBatch nonces whose statements are older
// than the maximum age: any statement carrying them is stale now, so the
// age check refuses a replay without them. (A clock set back could let one
// through again; the sandbox trusts its clock.)
func (h *Host) pruneNonces(tx *bolt.Tx, now time.Time) error {
	cutoff := nonceTimeKey(now.Add(-h.maxAge), "")
	times := tx.Bucket([]byte(bucketNonceTimes))
	var old [][]byte
	c := times.Cursor()
	for k, _ := c.First(); k != nil && len(old) < pruneBatch && string(k) < string(cutoff); k, _ = c.Next() {
		old = append(old, k)
	}
	nonces := tx.Bucket([]byte(bucketNonces))
	for _, k := range old {
		if err := times.Delete(k); err != nil {
			return fmt.Errorf("%s: %w", bucketNonceTimes, err)
		}
		if err := nonces.Delete(k[8:]); err != nil {
			return fmt.Errorf("%s: %w", bucketNonces, err)
		}
	}
	return nil
}

// paidOrder returns the SUCCESS payment of req's order, if there is one.
func paidOrder(tx *bolt.Tx, orderHash string) (payhost.Payment, bool, error) {
	raw := tx.Bucket([]byte(bucketOrders)).Get([]byte(orderKey(orderHash)))
	if raw == nil {
		return payhost.Payment{}, false, nil
	}
	var rec paymentRecord
	found, err := getJSON(tx, bucketPayments, string(raw), &rec)
	if err != nil || !found || rec.Payment.Status != payhost.StatusSuccess {
		return payhost.Payment{}, false, err
	}
	return rec.Payment, true, nil
}

// markOrderPaid indexes p as its order's payment.
func markOrderPaid(tx *bolt.Tx, p payhost.Payment) error {
	if err := tx.Bucket([]byte(bucketOrders)).Put([]byte(orderKey(p.OrderHash)), []byte(p.OutTradeNo)); err != nil {
		return fmt.Errorf("%s: %w", bucketOrders, err)
	}
	return nil
}

// unmarkOrderPaid drops p from the index when it was reversed, so that
// the order may be paid again.
func unmarkOrderPaid(tx *bolt.Tx, p payhost.Payment) error {
	b := tx.Bucket([]byte(bucketOrders))
	key := []byte(orderKey(p.OrderHash))
	if string(b.Get(key)) != p.OutTradeNo {
		return nil
	}
	if err := b.Delete(key); err != nil {
		return fmt.Errorf("%s: %w", bucketOrders, err)
	}
	return nil
}
