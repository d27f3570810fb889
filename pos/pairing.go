package pos

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"payterm/firmware/poslink"
)

// Pairing is what a POS learned about its terminal when it paired: the
// key the terminal signs relay credentials with. The agent verifies every
// relayed credential with it and refuses one it cannot verify. Stored as
// JSON (WritePairing).
type Pairing struct {
	POIID     string `json:"poiid"`
	KeyID     string `json:"key_id"`     // poslink.KeyIDOf(the key)
	PublicKey string `json:"public_key"` // Ed25519, lowercase hex
}

// ErrNotPaired means the agent has no terminal key to verify with.
var ErrNotPaired = errors.New("pos: not paired with the terminal (pos pair)")

// PairingOf is the pairing with a terminal known by its POIID and key.
func PairingOf(poiid string, pub ed25519.PublicKey) Pairing {
	return Pairing{POIID: poiid, KeyID: poslink.KeyIDOf(pub), PublicKey: hex.EncodeToString(pub)}
}

// Pair checks that the terminal runs a firmware version in supported
// (ErrUnsupportedTerminal otherwise: no pairing), then asks it for its
// identity (poslink.AdminIdentity, over the client's encrypted link) and
// returns the pairing. Both requests use serviceID as a prefix.
func Pair(ctx context.Context, c *poslink.Client, saleID, serviceID string, supported Versions) (Pairing, error) {
	if _, err := TerminalVersion(ctx, c, saleID, serviceID+"v", supported); err != nil {
		return Pairing{}, fmt.Errorf("pos: pair: %w", err)
	}
	id, err := c.Identity(ctx, saleID, serviceID)
	if err != nil {
		return Pairing{}, fmt.Errorf("pos: pair: %w", err)
	}
	return PairingOf(id.POIID, id.PublicKey), nil
}

// Key checks p and returns the terminal's key. The zero Pairing is
// ErrNotPaired.
func (p Pairing) Key() (ed25519.PublicKey, error) {
	if p == (Pairing{}) {
		return nil, ErrNotPaired
	}
	id, err := poslink.TerminalIdentity{POIID: p.POIID, KeyID: p.KeyID, PublicKey: p.PublicKey}.Parse()
	if err != nil {
		return nil, fmt.Errorf("pos: pairing: %w", err)
	}
	return id.PublicKey, nil
}

// maxPairingFile bounds what ReadPairing reads.
const maxPairingFile = 4096

// ReadPairing reads a pairing file; a missing file is an error wrapping
// fs.ErrNotExist.
func ReadPairing(path string) (Pairing, error) {
	f, err := os.Open(path)
	if err != nil {
		return Pairing{}, fmt.Errorf("pos: pairing: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxPairingFile+1))
	if err != nil {
		return Pairing{}, fmt.Errorf("pos: pairing: %w", err)
	}
	return ParsePairing(b)
}

// ParsePairing decodes a pairing file's content and checks it.
func ParsePairing(b []byte) (Pairing, error) {
	if len(b) > maxPairingFile {
		return Pairing{}, fmt.Errorf("pos: pairing: over %d bytes", maxPairingFile)
	}
	var p Pairing
	if err := json.Unmarshal(b, &p); err != nil {
		return Pairing{}, fmt.Errorf("pos: pairing: %w", err)
	}
	if _, err := p.Key(); err != nil {
		return Pairing{}, err
	}
	return p, nil
}

// WritePairing stores p at path atomically (a synced temporary file
// renamed into place), readable by the owner only.
func WritePairing(path string, p Pairing) error {
	if _, err := p.Key(); err != nil {
		return err
	}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Errorf("pos: pairing: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("pos: pairing: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".pairing-*")
	if err != nil {
		return fmt.Errorf("pos: pairing: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(append(b, '\n'))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("pos: pairing: %w", err)
	}
	return nil
}
