package sandbox

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"payterm/payhost"
)

// Terminal is a registered terminal: the public key the host checks its
// statements with. The JSON form is the answer of the admin API.
type Terminal struct {
	ID           string    `json:"id"`         // the terminal's POIID, Statement.TerminalID
	KeyID        string    `json:"key_id"`     // payhost.KeyIDOf(the key)
	PublicKey    string    `json:"public_key"` // Ed25519, lowercase hex
	RegisteredAt time.Time `json:"registered_at"`
}

// terminalRecord is a Terminal as stored, with the key already decoded.
type terminalRecord struct {
	KeyID        string            `json:"key_id"`
	PublicKey    ed25519.PublicKey `json:"public_key"` // base64 in the file
	RegisteredAt time.Time         `json:"registered_at"`
}

func (r terminalRecord) terminal(id string) Terminal {
	return Terminal{ID: id, KeyID: r.KeyID, PublicKey: hex.EncodeToString(r.PublicKey), RegisteredAt: r.RegisteredAt}
}

// ValidTerminalID reports whether id can name a terminal: 1 to
// payhost.MaxTerminalID bytes of UTF-8 without control characters.
func ValidTerminalID(id string) bool {
	if id == "" || len(id) > payhost.MaxTerminalID || !utf8.ValidString(id) {
		return false
	}
	for _, r := range id {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// RegisterTerminal lets terminalID sign statements with pub. Registering
// an ID again replaces its key: statements signed with the old key are
// refused from then on (a re-provisioned or replaced terminal). Errors
// for a bad ID or key wrap payhost.ErrInvalidRequest.
func (h *Host) RegisterTerminal(ctx context.Context, terminalID string, pub ed25519.PublicKey) error {
	_, err := h.registerTerminal(ctx, terminalID, pub)
	return err
}

// registerTerminal is RegisterTerminal that also returns the record.
func (h *Host) registerTerminal(ctx context.Context, terminalID string, pub ed25519.PublicKey) (Terminal, error) {
	if !ValidTerminalID(terminalID) {
		return Terminal{}, fmt.Errorf("sandbox: register terminal: %w: id must be 1-%d bytes of UTF-8 without control characters",
			payhost.ErrInvalidRequest, payhost.MaxTerminalID)
	}
	if len(pub) != ed25519.PublicKeySize {
		return Terminal{}, fmt.Errorf("sandbox: register terminal %s: %w: public key must be %d bytes",
			terminalID, payhost.ErrInvalidRequest, ed25519.PublicKeySize)
	}
	if err := ctx.Err(); err != nil {
		return Terminal{}, fmt.Errorf("sandbox: register terminal %s: %w", terminalID, err)
	}
	rec := terminalRecord{KeyID: payhost.KeyIDOf(pub), PublicKey: pub, RegisteredAt: h.clock()}
	err := h.db.Update(func(tx *bolt.Tx) error {
		return putJSON(tx, bucketTerminals, terminalID, rec)
	})
	if err != nil {
		return Terminal{}, fmt.Errorf("sandbox: register terminal %s: %w", terminalID, err)
	}
	h.log.Info("terminal registered", "terminal", terminalID, "key_id", rec.KeyID)
	return rec.terminal(terminalID), nil
}

// Terminal returns the registered terminal, or an error wrapping
// payhost.ErrNotFound.
func (h *Host) Terminal(ctx context.Context, terminalID string) (Terminal, error) {
	if err := ctx.Err(); err != nil {
		return Terminal{}, fmt.Errorf("sandbox: terminal %s: %w", terminalID, err)
	}
	var rec terminalRecord
	err := h.db.View(func(tx *bolt.Tx) error {
		found, err := getJSON(tx, bucketTerminals, terminalID, &rec)
		if err == nil && !found {
			err = payhost.ErrNotFound
		}
		return err
	})
	if err != nil {
		return Terminal{}, fmt.Errorf("sandbox: terminal %s: %w", terminalID, err)
	}
	return rec.terminal(terminalID), nil
}

// NewTerminal is the body of PUT /admin/terminals/{id}.
type NewTerminal struct {
	PublicKey string `json:"public_key"` // Ed25519, hex
}

// Key decodes and checks the key; errors wrap payhost.ErrInvalidRequest.
func (n NewTerminal) Key() (ed25519.PublicKey, error) {
	raw, err := hex.DecodeString(n.PublicKey)
	if err != nil || len(raw) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("sandbox: terminal: %w: public_key must be %d hex digits",
			payhost.ErrInvalidRequest, 2*ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(raw), nil
}
