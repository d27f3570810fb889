package sandbox

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"payterm/payhost"
)

// Query returns the payment stored for outTradeNo, or an error wrapping
// payhost.ErrNotFound. A held payment past its time is failed
// (USERPAYING_EXPIRED) first.
func (h *Host) Query(ctx context.Context, outTradeNo string) (payhost.Payment, error) {
	if !payhost.ValidOutTradeNo(outTradeNo) {
		return payhost.Payment{}, fmt.Errorf("sandbox: query: %w: bad out_trade_no", payhost.ErrInvalidRequest)
	}
	if err := ctx.Err(); err != nil {
		return payhost.Payment{}, fmt.Errorf("sandbox: query %s: %w", outTradeNo, err)
	}
	var rec paymentRecord
	err := h.db.View(func(tx *bolt.Tx) error {
		found, err := getJSON(tx, bucketPayments, outTradeNo, &rec)
		if err == nil && !found {
			err = payhost.ErrNotFound
		}
		return err
	})
	if err == nil && rec.Payment.Status == payhost.StatusUserPaying {
		rec, err = h.settleExpired(outTradeNo)
	}
	if err != nil {
		return payhost.Payment{}, fmt.Errorf("sandbox: query %s: %w", outTradeNo, err)
	}
	return rec.Payment, nil
}

// Reverse gives back the money of a SUCCESS payment, once, through the
// ledger; the payment becomes REVERSED. Reversing a REVERSED or FAIL
// payment changes nothing and returns it as stored. An unknown
// outTradeNo is closed as REVERSED with ReasonNotPaid, so that a charge
// delayed in the network cannot take money after the merchant gave up;
// so is a payment held for the payer's confirmation (USERPAYING), which
// then can no longer be confirmed.
// The code of a reversed payment stays used; its order may be paid again.
func (h *Host) Reverse(ctx context.Context, outTradeNo string) (payhost.Payment, error) {
	if !payhost.ValidOutTradeNo(outTradeNo) {
		return payhost.Payment{}, fmt.Errorf("sandbox: reverse: %w: bad out_trade_no", payhost.ErrInvalidRequest)
	}
	if err := ctx.Err(); err != nil {
		return payhost.Payment{}, fmt.Errorf("sandbox: reverse %s: %w", outTradeNo, err)
	}
	var (
		rec     paymentRecord
		changed bool
	)
	err := h.db.Update(func(tx *bolt.Tx) error {
		found, err := getJSON(tx, bucketPayments, outTradeNo, &rec)
		if err != nil {
			return err
		}
		now := h.clock()
		switch {
		case !found:
			rec = paymentRecord{Payment: payhost.Payment{
				OutTradeNo: outTradeNo, Status: payhost.StatusReversed,
				Reason: payhost.ReasonNotPaid, ReversedAt: now,
			}}
		case rec.Payment.Status == payhost.StatusUserPaying:
			expired, err := expireHeld(tx, &rec, now)
			if expired || err != nil {
				return err
			}
			changed = true
			return closeHeld(tx, &rec, payhost.StatusReversed, payhost.ReasonNotPaid, now)
		case rec.Payment.Status == payhost.StatusSuccess:
			acct, err := loadAccount(tx, rec.Payment.AccountID)
			if err != nil {
				return err
			}
			if err := move(tx, &acct, rec.Payment.Amount, entryReverse, outTradeNo, now); err != nil {
				return err
			}
			if err := unmarkOrderPaid(tx, rec.Payment); err != nil {
				return err
			}
			rec.Payment.Status, rec.Payment.ReversedAt = payhost.StatusReversed, now
		default:
			return nil
		}
		changed = true
		return putJSON(tx, bucketPayments, outTradeNo, rec)
	})
	if err != nil {
		return payhost.Payment{}, fmt.Errorf("sandbox: reverse %s: %w", outTradeNo, err)
	}
	h.log.Info("reverse", "out_trade_no", outTradeNo, "status", rec.Payment.Status,
		"reason", rec.Payment.Reason, "changed", changed)
	return rec.Payment, nil
}
