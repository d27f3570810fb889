package sandbox

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"payterm/internal/secret"
	"payterm/payhost"
)

// Pay charges req.AuthCode, all in one transaction:
//  1. look up req.OutTradeNo: a stored answer is replayed (even if its
//     statement is stale by now), or ErrConflict for different content;
//  2. check the statement (checkStatement): a refusal is a FAIL answered
//     to this request only, not stored, and spends no code or nonce;
//  3. spend the statement's nonce;
//  4. an order already paid (SUCCESS, not reversed) is answered with that
//     payment, under its own out_trade_no, and nothing is charged or stored;
//  5. resolve the credential, check currency and funds, debit through the
//     ledger, mark the code used, store the answer and index the order —
//     or, for a code payment above the account's limit, spend the code and
//     hold the payment for the payer's confirmation (USERPAYING, held.go).
//
// A refusal in step 5 is stored too, as a FAIL, and leaves the balance
// and the code untouched.
func (h *Host) Pay(ctx context.Context, req payhost.PayRequest) (payhost.Payment, error) {
	if err := req.Validate(); err != nil {
		return payhost.Payment{}, err
	}
	if err := ctx.Err(); err != nil {
		return payhost.Payment{}, fmt.Errorf("sandbox: pay %s: %w", req.OutTradeNo, err)
	}
	fp := fingerprint(req)
	// A face is recognised before the transaction: the network is slow
	// and needs nothing from the database.
	var face *faceMatch
	if token, ok := strings.CutPrefix(req.AuthCode, payhost.FacePrefix); ok {
		m := h.matchFace(req, token)
		face = &m
	}
	var (
		p       payhost.Payment
		outcome = "new" // or replay, refused, paid-earlier
	)
	err := h.db.Update(func(tx *bolt.Tx) error {
		var rec paymentRecord
		found, err := getJSON(tx, bucketPayments, req.OutTradeNo, &rec)
		if err != nil {
			return err
		}
		now := h.clock()
		if found {
			if rec.Fingerprint != "" && rec.Fingerprint != fp {
				return fmt.Errorf("%w: out_trade_no reused with different content", payhost.ErrConflict)
			}
			if _, err := expireHeld(tx, &rec, now); err != nil {
				return err
			}
			p, outcome = rec.Payment, "replay"
			return nil
		}
		reason, err := h.checkStatement(tx, req, now)
		if err != nil {
			return err
		}
		if reason != "" {
			p, outcome = refusal(req, reason), "refused"
			return nil
		}
		if err := h.spendNonce(tx, *req.Statement, req.OutTradeNo, now); err != nil {
			return err
		}
		earlier, paid, err := paidOrder(tx, req.OrderHash)
		if err != nil {
			return err
		}
		if paid {
			p, outcome = earlier, "paid-earlier"
			return nil
		}
		var holder string
		if p, holder, err = h.charge(tx, req, face, now); err != nil {
			return err
		}
		if p.Paid() {
			if err := markOrderPaid(tx, p); err != nil {
				return err
			}
		}
		return putJSON(tx, bucketPayments, req.OutTradeNo,
			paymentRecord{Payment: p, Fingerprint: fp, Credential: secret.Mask(req.AuthCode), Holder: holder})
	})
	if err != nil {
		return payhost.Payment{}, fmt.Errorf("sandbox: pay %s: %w", req.OutTradeNo, err)
	}
	level := slog.LevelInfo
	if outcome == "refused" {
		level = slog.LevelWarn
	}
	h.log.Log(ctx, level, "pay", "out_trade_no", req.OutTradeNo, "code", secret.Code(req.AuthCode),
		"amount", req.Amount, "currency", req.Currency, "status", p.Status, "reason", p.Reason,
		"outcome", outcome, "answer_for", p.OutTradeNo)
	return p, nil
}

// refusal is the answer to a request whose statement does not bind it.
func refusal(req payhost.PayRequest, reason string) payhost.Payment {
	return payhost.Payment{OutTradeNo: req.OutTradeNo, Status: payhost.StatusFail, Reason: reason,
		Amount: req.Amount, Currency: req.Currency, OrderHash: req.OrderHash}
}

// charge decides and applies one new payment inside tx. A code payment
// above the account's limit is held instead (USERPAYING, see hold);
// holder is then the account whose confirmation it awaits.
func (h *Host) charge(tx *bolt.Tx, req payhost.PayRequest, face *faceMatch, now time.Time) (_ payhost.Payment, holder string, _ error) {
	p := payhost.Payment{OutTradeNo: req.OutTradeNo, Amount: req.Amount, Currency: req.Currency, OrderHash: req.OrderHash}
	fail := func(reason string) (payhost.Payment, string, error) {
		p.Status, p.Reason = payhost.StatusFail, reason
		return p, "", nil
	}
	cred, reason, err := resolveCredential(tx, req, face, now)
	if err != nil {
		return payhost.Payment{}, "", err
	}
	if reason != "" {
		return fail(reason)
	}
	var acct Account
	found, err := getJSON(tx, bucketAccounts, cred.accountID, &acct)
	switch {
	case err != nil:
		return payhost.Payment{}, "", err
	case !found:
		return fail(payhost.ReasonAccountUnknown)
	case acct.Currency != req.Currency:
		return fail(payhost.ReasonCurrencyMismatch)
	case acct.Balance < req.Amount:
		return fail(payhost.ReasonInsufficientFunds)
	case overLimit(acct, cred, req.Amount):
		p, err := h.hold(tx, req, acct, cred, p, now)
		return p, acct.ID, err
	}
	if err := move(tx, &acct, -req.Amount, entryPay, req.OutTradeNo, now); err != nil {
		return payhost.Payment{}, "", err
	}
	if cred.code != nil {
		cred.code.UsedBy = req.OutTradeNo
		if err := putJSON(tx, bucketCodes, cred.codeKey, cred.code); err != nil {
			return payhost.Payment{}, "", err
		}
	}
	seq, err := nextSeq(tx, bucketPayments)
	if err != nil {
		return payhost.Payment{}, "", err
	}
	p.Status = payhost.StatusSuccess
	p.TradeNo = fmt.Sprintf("SBX%016d", seq)
	p.AccountID = acct.ID
	p.PaidAt = now
	return p, "", nil
}

// credential is what an AuthCode resolved to.
type credential struct {
	accountID string
	code      *codeRecord // a payment code, to be marked used; nil for a face
	codeKey   string
}

// resolveCredential finds the account behind the request's AuthCode, or
// the reason it cannot pay: a face by face (matchFace's result) and the
// phone digits, a code by its record. A used code reports CODE_USED even
// once expired: the more useful answer for a customer who shows an old
// screenshot.
func resolveCredential(tx *bolt.Tx, req payhost.PayRequest, face *faceMatch, now time.Time) (credential, string, error) {
	if face != nil {
		id, reason, err := decideFace(tx, *face, req.PhoneLast4)
		return credential{accountID: id}, reason, err
	}
	auth := req.AuthCode
	if !IsCode(auth) {
		return credential{}, payhost.ReasonCodeInvalid, nil
	}
	key := secretKey(auth)
	var c codeRecord
	found, err := getJSON(tx, bucketCodes, key, &c)
	switch {
	case err != nil:
		return credential{}, "", err
	case !found:
		return credential{}, payhost.ReasonCodeUnknown, nil
	case c.UsedBy != "":
		return credential{}, payhost.ReasonCodeUsed, nil
	case !now.Before(c.ExpiresAt):
		return credential{}, payhost.ReasonCodeExpired, nil
	}
	return credential{accountID: c.AccountID, code: &c, codeKey: key}, "", nil
}

// fingerprint identifies a request's content for the idempotency check:
// SHA-256 over every field but OutTradeNo, each length-prefixed so that
// no two requests encode alike, then (when present) the statement's signed
// encoding and the signature, so a replay with another statement is a
// conflict. A request without a statement hashes as before statements
// existed, so stored answers keep matching.
func fingerprint(r payhost.PayRequest) string {
	h := sha256.New()
	var n [8]byte
	field := func(s string) {
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	for _, s := range []string{r.AuthCode, r.Currency, r.OrderHash, r.TerminalID, r.Description} {
		field(s)
	}
	binary.BigEndian.PutUint64(n[:], uint64(r.Amount))
	h.Write(n[:])
	if r.Statement != nil || r.Signature != "" {
		stmt := "none"
		if r.Statement != nil {
			stmt = r.Statement.Encode()
		}
		field(stmt)
		field(r.Signature)
	}
	if r.PhoneLast4 != "" { // absent, the hash is as before the field existed
		field("phone_last4")
		field(r.PhoneLast4)
	}
	return hex.EncodeToString(h.Sum(nil))
}
