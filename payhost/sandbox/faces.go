package sandbox

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"payterm/internal/secret"
	"payterm/payhost"
)

// MaxFaceToken bounds a face token so that "face:"+token fits an AuthCode.
const MaxFaceToken = payhost.MaxAuthCode - len(payhost.FacePrefix)

// NewFace enrols a face; the JSON form is POST /accounts/{id}/faces's body.
type NewFace struct {
	// Token stands for the face: 1–MaxFaceToken visible ASCII characters
	// (no spaces). Secret like a code.
	Token string `json:"token"`
}

// Validate checks the token; errors wrap payhost.ErrInvalidRequest.
func (n NewFace) Validate() error {
	if n.Token == "" || len(n.Token) > MaxFaceToken {
		return fmt.Errorf("sandbox: face: %w: token must be 1-%d characters", payhost.ErrInvalidRequest, MaxFaceToken)
	}
	for i := 0; i < len(n.Token); i++ {
		if n.Token[i] <= ' ' || n.Token[i] > '~' {
			return fmt.Errorf("sandbox: face: %w: token must be visible ASCII", payhost.ErrInvalidRequest)
		}
	}
	return nil
}

// EnrolFace lets AuthCode "face:"+token charge the account. Enrolling the
// same token again for the same account is a no-op (created false); for
// another account it is payhost.ErrConflict.
func (h *Host) EnrolFace(ctx context.Context, accountID string, n NewFace) (created bool, err error) {
	if err := n.Validate(); err != nil {
		return false, err
	}
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("sandbox: enrol face: %w", err)
	}
	err = h.db.Update(func(tx *bolt.Tx) error {
		if _, err := loadAccount(tx, accountID); err != nil {
			return err
		}
		key := secretKey(n.Token)
		var old faceRecord
		found, err := getJSON(tx, bucketFaces, key, &old)
		if err != nil {
			return err
		}
		if found {
			if old.AccountID != accountID {
				return fmt.Errorf("%w: face token enrolled for another account", payhost.ErrConflict)
			}
			return nil
		}
		created = true
		return putJSON(tx, bucketFaces, key, faceRecord{AccountID: accountID, EnrolledAt: h.clock()})
	})
	if err != nil {
		return false, fmt.Errorf("sandbox: enrol face for %s: %w", accountID, err)
	}
	if created {
		h.log.Info("face enrolled", "account", accountID, "token", secret.Code(n.Token))
	}
	return created, nil
}
