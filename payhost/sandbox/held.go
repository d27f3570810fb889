package sandbox

import (
	"context"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"payterm/firmware/order"
	"payterm/payhost"
)

// A code payment above the payer's limit is held (USERPAYING), as WeChat
// Pay's micropay does: the code is spent at once, so it cannot pay a
// second time, but no money moves until the payer confirms on the phone
// page. Refusing it, or letting the host's UserPayingTTL pass, fails it
// (USER_REFUSED, USERPAYING_EXPIRED); a reversal closes it unpaid. Each
// of these is one bbolt read-write transaction, and bbolt runs one at a
// time, so a confirmation racing a reversal has exactly one winner.
// Expiry is checked lazily, with the injected clock, whenever the
// payment is read or acted on.

// heldRecord is what a held payment needs beyond its Payment: whose it
// is and until when it waits.
type heldRecord struct {
	AccountID   string    `json:"account_id"`
	TerminalID  string    `json:"terminal_id,omitempty"`
	Description string    `json:"description,omitempty"`
	HeldAt      time.Time `json:"held_at"`
	ExpiresAt   time.Time `json:"expires_at"`
}

// Held is a payment waiting for its payer's confirmation: one row of the
// phone page. Amount is in minor units of Currency.
type Held struct {
	OutTradeNo  string    `json:"out_trade_no"`
	Amount      int64     `json:"amount"`
	Currency    string    `json:"currency"`
	TerminalID  string    `json:"terminal_id,omitempty"`
	Description string    `json:"description,omitempty"`
	ExpiresAt   time.Time `json:"expires_at"`
}

// overLimit reports whether a code payment of amount from acct must wait
// for the payer's confirmation.
func overLimit(acct Account, cred credential, amount int64) bool {
	return cred.code != nil && acct.Limit > 0 && amount > acct.Limit
}

// hold records p as USERPAYING inside tx: the code is spent, nothing
// moves. The caller stores the payment record.
func (h *Host) hold(tx *bolt.Tx, req payhost.PayRequest, acct Account, cred credential, p payhost.Payment, now time.Time) (payhost.Payment, error) {
	cred.code.UsedBy = req.OutTradeNo
	if err := putJSON(tx, bucketCodes, cred.codeKey, cred.code); err != nil {
		return payhost.Payment{}, err
	}
	held := heldRecord{AccountID: acct.ID, TerminalID: req.TerminalID, Description: req.Description,
		HeldAt: now, ExpiresAt: now.Add(h.heldTTL)}
	if err := putJSON(tx, bucketHeld, req.OutTradeNo, held); err != nil {
		return payhost.Payment{}, err
	}
	p.Status = payhost.StatusUserPaying
	return p, nil
}

// expireHeld fails rec (USERPAYING_EXPIRED) when it is held past its
// time, inside tx; changed says whether it did.
func expireHeld(tx *bolt.Tx, rec *paymentRecord, now time.Time) (changed bool, err error) {
	if rec.Payment.Status != payhost.StatusUserPaying {
		return false, nil
	}
	var held heldRecord
	found, err := getJSON(tx, bucketHeld, rec.Payment.OutTradeNo, &held)
	if err != nil || found && now.Before(held.ExpiresAt) {
		return false, err
	}
	return true, closeHeld(tx, rec, payhost.StatusFail, payhost.ReasonUserPayingExpired, now)
}

// closeHeld ends the held payment rec unpaid with status and reason.
func closeHeld(tx *bolt.Tx, rec *paymentRecord, status payhost.Status, reason string, now time.Time) error {
	rec.Payment.Status, rec.Payment.Reason = status, reason
	if status == payhost.StatusReversed {
		rec.Payment.ReversedAt = now
	}
	if err := tx.Bucket([]byte(bucketHeld)).Delete([]byte(rec.Payment.OutTradeNo)); err != nil {
		return fmt.Errorf("%s: %w", bucketHeld, err)
	}
	return putJSON(tx, bucketPayments, rec.Payment.OutTradeNo, rec)
}

// settleExpired fails outTradeNo if it is held past its time, in a
// transaction of its own; reads call it when they find a USERPAYING
// payment.
func (h *Host) settleExpired(outTradeNo string) (paymentRecord, error) {
	var rec paymentRecord
	err := h.db.Update(func(tx *bolt.Tx) error {
		found, err := getJSON(tx, bucketPayments, outTradeNo, &rec)
		if err == nil && !found {
			err = payhost.ErrNotFound
		}
		if err != nil {
			return err
		}
		_, err = expireHeld(tx, &rec, h.clock())
		return err
	})
	return rec, err
}

// Confirm is the payer's yes on the phone page: the held payment
// outTradeNo of accountID is charged, once, through the ledger, and
// answers SUCCESS — or FAIL when the balance no longer covers it
// (INSUFFICIENT_FUNDS) or its order was paid meanwhile (ORDER_PAID). A
// payment that is not accountID's is payhost.ErrNotFound; one no longer
// held (confirmed, refused, expired, reversed) is payhost.ErrConflict,
// returned with its current state.
func (h *Host) Confirm(ctx context.Context, accountID, outTradeNo string) (payhost.Payment, error) {
	return h.decide(ctx, accountID, outTradeNo, true)
}

// Refuse is the payer's no on the phone page: the held payment fails
// (USER_REFUSED) and nothing moves. Errors as for Confirm.
func (h *Host) Refuse(ctx context.Context, accountID, outTradeNo string) (payhost.Payment, error) {
	return h.decide(ctx, accountID, outTradeNo, false)
}

func (h *Host) decide(ctx context.Context, accountID, outTradeNo string, confirm bool) (payhost.Payment, error) {
	what := map[bool]string{true: "confirm", false: "refuse"}[confirm]
	if err := ctx.Err(); err != nil {
		return payhost.Payment{}, fmt.Errorf("sandbox: %s %s: %w", what, outTradeNo, err)
	}
	var rec paymentRecord
	var conflict bool
	err := h.db.Update(func(tx *bolt.Tx) error {
		found, err := getJSON(tx, bucketPayments, outTradeNo, &rec)
		if err != nil {
			return err
		}
		if !found || rec.Holder == "" || rec.Holder != accountID {
			return fmt.Errorf("payment %s of account %s: %w", outTradeNo, accountID, payhost.ErrNotFound)
		}
		now := h.clock()
		expired, err := expireHeld(tx, &rec, now)
		if err != nil {
			return err
		}
		if expired || rec.Payment.Status != payhost.StatusUserPaying {
			conflict = true
			return nil
		}
		if !confirm {
			return closeHeld(tx, &rec, payhost.StatusFail, payhost.ReasonUserRefused, now)
		}
		return h.chargeHeld(tx, &rec, now)
	})
	if err != nil {
		return payhost.Payment{}, fmt.Errorf("sandbox: %s %s: %w", what, outTradeNo, err)
	}
	h.log.Info("phone "+what, "out_trade_no", outTradeNo, "account", accountID, "status", rec.Payment.Status,
		"reason", rec.Payment.Reason, "conflict", conflict)
	if conflict {
		return rec.Payment, fmt.Errorf("sandbox: %s %s: %w: payment is %s %s, no longer waiting", what, outTradeNo,
			payhost.ErrConflict, rec.Payment.Status, rec.Payment.Reason)
	}
	return rec.Payment, nil
}

// chargeHeld moves the money of a confirmed held payment inside tx.
func (h *Host) chargeHeld(tx *bolt.Tx, rec *paymentRecord, now time.Time) error {
	p := &rec.Payment
	acct, err := loadAccount(tx, rec.Holder)
	if err != nil {
		return closeHeld(tx, rec, payhost.StatusFail, payhost.ReasonAccountUnknown, now)
	}
	_, paid, err := paidOrder(tx, p.OrderHash)
	switch {
	case err != nil:
		return err
	case paid:
		return closeHeld(tx, rec, payhost.StatusFail, payhost.ReasonOrderPaid, now)
	case acct.Currency != p.Currency:
		return closeHeld(tx, rec, payhost.StatusFail, payhost.ReasonCurrencyMismatch, now)
	case acct.Balance < p.Amount:
		return closeHeld(tx, rec, payhost.StatusFail, payhost.ReasonInsufficientFunds, now)
	}
	if err := move(tx, &acct, -p.Amount, entryPay, p.OutTradeNo, now); err != nil {
		return err
	}
	seq, err := nextSeq(tx, bucketPayments)
	if err != nil {
		return err
	}
	p.Status, p.Reason = payhost.StatusSuccess, ""
	p.TradeNo = fmt.Sprintf("SBX%016d", seq)
	p.AccountID = acct.ID
	p.PaidAt = now
	if err := markOrderPaid(tx, *p); err != nil {
		return err
	}
	if err := tx.Bucket([]byte(bucketHeld)).Delete([]byte(p.OutTradeNo)); err != nil {
		return fmt.Errorf("%s: %w", bucketHeld, err)
	}
	return putJSON(tx, bucketPayments, p.OutTradeNo, rec)
}

// HeldFor lists the payments waiting for accountID's confirmation, oldest
// first; those past their time are failed (USERPAYING_EXPIRED) on the way
// and not listed. An unknown account is payhost.ErrNotFound.
func (h *Host) HeldFor(ctx context.Context, accountID string) ([]Held, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sandbox: held payments of %s: %w", accountID, err)
	}
	var out []Held
	err := h.db.Update(func(tx *bolt.Tx) error {
		if _, err := loadAccount(tx, accountID); err != nil {
			return err
		}
		type item struct {
			no   string
			held heldRecord
		}
		var mine []item
		if err := forEachJSON(tx, bucketHeld, func(no string, r *heldRecord) {
			if r.AccountID == accountID {
				mine = append(mine, item{no, *r})
			}
		}); err != nil {
			return err
		}
		now := h.clock()
		for _, it := range mine {
			var rec paymentRecord
			found, err := getJSON(tx, bucketPayments, it.no, &rec)
			if err != nil {
				return err
			}
			if !found {
				continue
			}
			expired, err := expireHeld(tx, &rec, now)
			if err != nil {
				return err
			}
			if expired || rec.Payment.Status != payhost.StatusUserPaying {
				continue
			}
			out = append(out, Held{OutTradeNo: it.no, Amount: rec.Payment.Amount, Currency: rec.Payment.Currency,
				TerminalID: it.held.TerminalID, Description: it.held.Description, ExpiresAt: it.held.ExpiresAt})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sandbox: held payments of %s: %w", accountID, err)
	}
	slices.SortStableFunc(out, func(a, b Held) int { return a.ExpiresAt.Compare(b.ExpiresAt) })
	return out, nil
}

// SetLimit sets accountID's Limit (minor units; 0 for none) and returns
// the account.
func (h *Host) SetLimit(ctx context.Context, accountID string, limit int64) (Account, error) {
	if err := validLimit(limit); err != nil {
		return Account{}, fmt.Errorf("sandbox: set limit: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return Account{}, fmt.Errorf("sandbox: set limit: %w", err)
	}
	var acct Account
	err := h.db.Update(func(tx *bolt.Tx) error {
		var err error
		if acct, err = loadAccount(tx, accountID); err != nil {
			return err
		}
		acct.Limit = limit
		return putJSON(tx, bucketAccounts, acct.ID, acct)
	})
	if err != nil {
		return Account{}, fmt.Errorf("sandbox: set limit of %s: %w", accountID, err)
	}
	h.log.Info("limit set", "account", accountID, "limit", limit)
	return acct, nil
}

// NewLimit is the body of PUT /accounts/{id}/limit.
type NewLimit struct {
	Limit int64 `json:"limit"` // minor units, 0…order.MaxMinor; 0 for none
}

// validLimit checks a limit; errors wrap payhost.ErrInvalidRequest.
func validLimit(limit int64) error {
	if limit < 0 || limit > order.MaxMinor {
		return fmt.Errorf("%w: limit %d outside 0..%d", payhost.ErrInvalidRequest, limit, int64(order.MaxMinor))
	}
	return nil
}
