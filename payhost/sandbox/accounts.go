package sandbox

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"payterm/firmware/order"
	"payterm/payhost"
)

// MaxNameBytes bounds an account holder's name.
const MaxNameBytes = 100

// NewAccount asks for an account; the JSON form is POST /accounts's body.
type NewAccount struct {
	Name     string `json:"name"`     // the holder, 1–MaxNameBytes of printable UTF-8
	Currency string `json:"currency"` // ISO 4217, one the order package knows
	Balance  int64  `json:"balance"`  // opening balance, minor units, 0…order.MaxMinor
	// Phone is the holder's phone number, optional: an optional '+' then
	// 4–20 digits, spaces or dashes (at least 4 digits). Its last four
	// digits settle a close face match (payhost.PayRequest.PhoneLast4).
	Phone string `json:"phone,omitempty"`
	// Limit is Account.Limit: minor units, 0…order.MaxMinor, 0 for none.
	Limit int64 `json:"limit,omitempty"`
}

// Validate checks the fields; errors wrap payhost.ErrInvalidRequest.
func (n NewAccount) Validate() error {
	bad := func(msg string) error {
		return fmt.Errorf("sandbox: new account: %w: %s", payhost.ErrInvalidRequest, msg)
	}
	if n.Name == "" || len(n.Name) > MaxNameBytes || !utf8.ValidString(n.Name) {
		return bad(fmt.Sprintf("name must be 1-%d bytes of UTF-8", MaxNameBytes))
	}
	for _, r := range n.Name {
		if !unicode.IsPrint(r) {
			return bad("name has a control character")
		}
	}
	if _, err := order.LookupCurrency(n.Currency); err != nil {
		return bad(fmt.Sprintf("currency %q is not supported", n.Currency))
	}
	if n.Phone != "" && !validPhone(n.Phone) {
		return bad("phone must be an optional + then 4-20 digits, spaces or dashes")
	}
	if n.Balance < 0 || n.Balance > order.MaxMinor {
		return bad(fmt.Sprintf("balance %d outside 0..%d", n.Balance, int64(order.MaxMinor)))
	}
	if err := validLimit(n.Limit); err != nil {
		return fmt.Errorf("sandbox: new account: %w", err)
	}
	return nil
}

// CreateAccount opens an account; a positive opening balance is its first
// ledger entry. IDs are "acct-" and a sequence number.
func (h *Host) CreateAccount(ctx context.Context, n NewAccount) (Account, error) {
	if err := n.Validate(); err != nil {
		return Account{}, err
	}
	if err := ctx.Err(); err != nil {
		return Account{}, fmt.Errorf("sandbox: create account: %w", err)
	}
	var acct Account
	err := h.db.Update(func(tx *bolt.Tx) error {
		seq, err := nextSeq(tx, bucketAccounts)
		if err != nil {
			return err
		}
		now := h.clock()
		acct = Account{ID: fmt.Sprintf("acct-%06d", seq), Name: n.Name, Currency: n.Currency, Phone: n.Phone, CreatedAt: now, Limit: n.Limit}
		if err := putJSON(tx, bucketAccounts, acct.ID, acct); err != nil {
			return err
		}
		if n.Balance > 0 {
			return move(tx, &acct, n.Balance, entryOpen, "", now)
		}
		return nil
	})
	if err != nil {
		return Account{}, fmt.Errorf("sandbox: create account: %w", err)
	}
	h.log.Info("account created", "account", acct.ID, "currency", acct.Currency, "balance", acct.Balance, "limit", acct.Limit)
	return acct, nil
}

// Account returns the account with its current balance, or an error
// wrapping payhost.ErrNotFound.
func (h *Host) Account(ctx context.Context, id string) (Account, error) {
	if err := ctx.Err(); err != nil {
		return Account{}, fmt.Errorf("sandbox: account %s: %w", id, err)
	}
	var acct Account
	err := h.db.View(func(tx *bolt.Tx) error {
		found, err := getJSON(tx, bucketAccounts, id, &acct)
		if err == nil && !found {
			err = payhost.ErrNotFound
		}
		return err
	})
	if err != nil {
		return Account{}, fmt.Errorf("sandbox: account %s: %w", id, err)
	}
	return acct, nil
}

// Accounts lists every account in ID order.
func (h *Host) Accounts(ctx context.Context) ([]Account, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sandbox: accounts: %w", err)
	}
	var all []Account
	err := h.db.View(func(tx *bolt.Tx) error {
		return forEachJSON(tx, bucketAccounts, func(_ string, a *Account) { all = append(all, *a) })
	})
	if err != nil {
		return nil, fmt.Errorf("sandbox: accounts: %w", err)
	}
	return all, nil
}

// loadAccount reads an account inside tx, or wraps payhost.ErrNotFound.
func loadAccount(tx *bolt.Tx, id string) (Account, error) {
	var acct Account
	found, err := getJSON(tx, bucketAccounts, id, &acct)
	if err != nil {
		return Account{}, err
	}
	if !found {
		return Account{}, fmt.Errorf("account %s: %w", id, payhost.ErrNotFound)
	}
	return acct, nil
}

// validPhone: an optional '+', then 4–20 of digits, spaces and dashes
// with at least 4 digits.
func validPhone(s string) bool {
	s = strings.TrimPrefix(s, "+")
	if len(s) < 4 || len(s) > 20 {
		return false
	}
	digits := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == ' ' || c == '-':
		default:
			return false
		}
	}
	return digits >= 4
}
