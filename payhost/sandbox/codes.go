package sandbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	bolt "go.etcd.io/bbolt"

	"payterm/internal/secret"
)

// Payment codes look like WeChat's: 18 digits whose first two are 10–15.
// The sandbox always issues the prefix CodePrefix.
const (
	CodeDigits = 18
	CodePrefix = "13"
	// codeDraws bounds the attempts to find an unused code; with 10^16
	// codes a second draw is already rare.
	codeDraws = 8
)

// Code is a freshly issued one-time payment code.
type Code struct {
	Code      string    `json:"code"` // CodeDigits digits; secret
	AccountID string    `json:"account_id"`
	ExpiresAt time.Time `json:"expires_at"` // invalid from this instant on
}

// IsCode reports whether s has the form of a payment code.
func IsCode(s string) bool {
	if len(s) != CodeDigits {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// IssueCode issues a one-time code for the account, valid for the host's
// CodeTTL. A code still valid (or used and not yet expired) is never
// issued again; an expired one may be, as WeChat's are recycled.
func (h *Host) IssueCode(ctx context.Context, accountID string) (Code, error) {
	if err := ctx.Err(); err != nil {
		return Code{}, fmt.Errorf("sandbox: issue code: %w", err)
	}
	var c Code
	err := h.db.Update(func(tx *bolt.Tx) error {
		if _, err := loadAccount(tx, accountID); err != nil {
			return err
		}
		now := h.clock()
		for range codeDraws {
			code, err := drawCode(h.rand)
			if err != nil {
				return err
			}
			var old codeRecord
			found, err := getJSON(tx, bucketCodes, secretKey(code), &old)
			if err != nil {
				return err
			}
			if found && now.Before(old.ExpiresAt) {
				continue
			}
			rec := codeRecord{AccountID: accountID, IssuedAt: now, ExpiresAt: now.Add(h.codeTTL)}
			if err := putJSON(tx, bucketCodes, secretKey(code), rec); err != nil {
				return err
			}
			c = Code{Code: code, AccountID: accountID, ExpiresAt: rec.ExpiresAt}
			return nil
		}
		return errors.New("no free code after repeated draws")
	})
	if err != nil {
		return Code{}, fmt.Errorf("sandbox: issue code for %s: %w", accountID, err)
	}
	h.log.Info("code issued", "account", accountID, "code", secret.Code(c.Code), "expires_at", c.ExpiresAt)
	return c, nil
}

// drawCode returns CodePrefix and uniformly random digits. Bytes ≥ 250
// are dropped so that each digit is exactly equally likely.
func drawCode(r io.Reader) (string, error) {
	b := []byte(CodePrefix)
	var buf [32]byte
	for len(b) < CodeDigits {
		if _, err := io.ReadFull(r, buf[:]); err != nil {
			return "", fmt.Errorf("random digits: %w", err)
		}
		for _, x := range buf {
			if x < 250 && len(b) < CodeDigits {
				b = append(b, '0'+x%10)
			}
		}
	}
	return string(b), nil
}

// secretKey is the database key of a secret (code or face token): its
// SHA-256, so the file holds no usable credentials.
func secretKey(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
