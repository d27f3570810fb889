package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"payterm/payhost"
)

// move is the only way a balance changes: it applies delta to acct, writes
// the account and appends the ledger entry, inside the caller's
// transaction. A move that would leave the balance negative is refused.
func move(tx *bolt.Tx, acct *Account, delta int64, kind, outTradeNo string, at time.Time) error {
	if acct.Balance+delta < 0 {
		return fmt.Errorf("ledger: %s %d would overdraw account %s", kind, delta, acct.ID)
	}
	seq, err := nextSeq(tx, bucketLedger)
	if err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	acct.Balance += delta
	e := ledgerEntry{Seq: seq, AccountID: acct.ID, Delta: delta, Kind: kind, OutTradeNo: outTradeNo, At: at}
	if err := putJSON(tx, bucketLedger, seqKey(seq), e); err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	if err := putJSON(tx, bucketAccounts, acct.ID, acct); err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	return nil
}

// Verify checks the books in one consistent snapshot and reports every
// broken rule (joined), or nil:
//   - each account's balance is the sum of its ledger entries and ≥ 0;
//   - each entry names an existing account, has the sign its kind demands,
//     and (for pay and reverse) an existing payment;
//   - a SUCCESS payment has exactly one pay entry of −Amount on its
//     account; a charged-then-REVERSED one also has one reverse entry of
//     +Amount; a FAIL or NOT_PAID payment has none;
//   - no order hash has two SUCCESS payments, and the order index names
//     only SUCCESS payments of the order it is filed under;
//   - a payment is USERPAYING exactly when it has a held record (and so
//     no ledger moves yet).
func (h *Host) Verify(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sandbox: verify: %w", err)
	}
	var problems []error
	bad := func(format string, args ...any) { problems = append(problems, fmt.Errorf(format, args...)) }
	err := h.db.View(func(tx *bolt.Tx) error {
		accounts := map[string]Account{}
		if err := forEachJSON(tx, bucketAccounts, func(_ string, a *Account) {
			accounts[a.ID] = *a
		}); err != nil {
			return err
		}
		payments := map[string]payhost.Payment{}
		if err := forEachJSON(tx, bucketPayments, func(k string, r *paymentRecord) {
			payments[k] = r.Payment
		}); err != nil {
			return err
		}
		sums := map[string]int64{}
		type moves struct{ pays, reverses, payDelta, reverseDelta int64 }
		byTrade := map[string]*moves{}
		if err := forEachJSON(tx, bucketLedger, func(_ string, e *ledgerEntry) {
			if _, ok := accounts[e.AccountID]; !ok {
				bad("ledger %d: unknown account %q", e.Seq, e.AccountID)
			}
			sums[e.AccountID] += e.Delta
			switch e.Kind {
			case entryOpen:
				if e.Delta < 0 {
					bad("ledger %d: negative opening %d", e.Seq, e.Delta)
				}
				return
			case entryPay:
				if e.Delta >= 0 {
					bad("ledger %d: pay of %d", e.Seq, e.Delta)
				}
			case entryReverse:
				if e.Delta <= 0 {
					bad("ledger %d: reverse of %d", e.Seq, e.Delta)
				}
			default:
				bad("ledger %d: unknown kind %q", e.Seq, e.Kind)
				return
			}
			p, ok := payments[e.OutTradeNo]
			if !ok {
				bad("ledger %d: %s for unknown payment %q", e.Seq, e.Kind, e.OutTradeNo)
				return
			}
			if p.AccountID != e.AccountID {
				bad("ledger %d: %s on account %s, payment %s charged %q", e.Seq, e.Kind, e.AccountID, e.OutTradeNo, p.AccountID)
			}
			m := byTrade[e.OutTradeNo]
			if m == nil {
				m = &moves{}
				byTrade[e.OutTradeNo] = m
			}
			if e.Kind == entryPay {
				m.pays++
				m.payDelta += e.Delta
			} else {
				m.reverses++
				m.reverseDelta += e.Delta
			}
		}); err != nil {
			return err
		}
		for id, a := range accounts {
			if a.Balance < 0 {
				bad("account %s: negative balance %d", id, a.Balance)
			}
			if sums[id] != a.Balance {
				bad("account %s: balance %d, ledger sums to %d", id, a.Balance, sums[id])
			}
		}
		for no, p := range payments {
			m := byTrade[no]
			if m == nil {
				m = &moves{}
			}
			charged := p.Status == payhost.StatusSuccess || p.Status == payhost.StatusReversed && p.TradeNo != ""
			want := moves{}
			if charged {
				want.pays, want.payDelta = 1, -p.Amount
			}
			if charged && p.Status == payhost.StatusReversed {
				want.reverses, want.reverseDelta = 1, p.Amount
			}
			if *m != want {
				bad("payment %s (%s): ledger moves %+v, want %+v", no, p.Status, *m, want)
			}
		}
		if err := verifyHeld(tx, payments, bad); err != nil {
			return err
		}
		return verifyOrders(tx, payments, bad)
	})
	if err != nil {
		return fmt.Errorf("sandbox: verify: %w", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("sandbox: verify: %w", errors.Join(problems...))
	}
	return nil
}

// forEachJSON decodes every record of bucket in key order into a fresh T.
func forEachJSON[T any](tx *bolt.Tx, bucket string, fn func(key string, v *T)) error {
	return tx.Bucket([]byte(bucket)).ForEach(func(k, raw []byte) error {
		v := new(T)
		if err := json.Unmarshal(raw, v); err != nil {
			return fmt.Errorf("%s %q: %w", bucket, k, err)
		}
		fn(string(k), v)
		return nil
	})
}

// verifyOrders checks that each order is paid at most once and that the
// index of paid orders points at those payments.
func verifyOrders(tx *bolt.Tx, payments map[string]payhost.Payment, bad func(string, ...any)) error {
	paidBy := map[string]string{}
	for no, p := range payments {
		if !p.Paid() {
			continue
		}
		key := orderKey(p.OrderHash)
		if other, dup := paidBy[key]; dup {
			bad("order %s: paid twice, by %s and %s", key, min(no, other), max(no, other))
		}
		paidBy[key] = no
	}
	return tx.Bucket([]byte(bucketOrders)).ForEach(func(k, v []byte) error {
		p, ok := payments[string(v)]
		if !ok || !p.Paid() || orderKey(p.OrderHash) != string(k) {
			bad("order index %s: names %q, not a SUCCESS payment of that order", k, v)
		}
		return nil
	})
}

// verifyHeld checks that the held records and the USERPAYING payments
// are the same set.
func verifyHeld(tx *bolt.Tx, payments map[string]payhost.Payment, bad func(string, ...any)) error {
	held := map[string]bool{}
	if err := tx.Bucket([]byte(bucketHeld)).ForEach(func(k, _ []byte) error {
		held[string(k)] = true
		if p, ok := payments[string(k)]; !ok || p.Status != payhost.StatusUserPaying {
			bad("held %s: payment is %q, not USERPAYING", k, p.Status)
		}
		return nil
	}); err != nil {
		return err
	}
	for no, p := range payments {
		if p.Status == payhost.StatusUserPaying && !held[no] {
			bad("payment %s: USERPAYING without a held record", no)
		}
	}
	return nil
}
