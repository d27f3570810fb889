package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"payterm/internal/version"
	"payterm/pos"
)

// pairingPath is where the pairing with o's terminal is kept: -pairing,
// or pairing-<POIID>.json under payterm/ in the user config directory.
func pairingPath(o options) (string, error) {
	if o.pairingFile != "" {
		return o.pairingFile, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("pairing: no -pairing and no user config directory: %w", err)
	}
	return filepath.Join(dir, "payterm", "pairing-"+filepath.Base(o.poiID)+".json"), nil
}

// pairCommand asks the terminal for its identity and writes the pairing.
func pairCommand(ctx context.Context, a *pos.Agent, o options, stdout io.Writer) error {
	path := o.outFile
	if path == "" {
		var err error
		if path, err = pairingPath(o); err != nil {
			return err
		}
	}
	p, err := pos.Pair(ctx, a.Terminal, o.saleID, newServiceID(), supportedTerminals())
	if err != nil {
		return err
	}
	if err := pos.WritePairing(path, p); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "paired with terminal %s: key %s (public key %s) in %s\n", p.POIID, p.KeyID, p.PublicKey, path)
	return nil
}

// ensurePairing gives a relay-mode agent its terminal key: the pinned
// -terminal-key, else the pairing file, else a pairing made now over the
// encrypted link and written to that file (trust on first use; delete
// the file, or run pos pair, to pair again).
func ensurePairing(ctx context.Context, a *pos.Agent, o options, stdout io.Writer) error {
	if o.mode != string(pos.Relay) || o.terminalKey != "" {
		return nil
	}
	path, err := pairingPath(o)
	if err != nil {
		return err
	}
	p, err := pos.ReadPairing(path)
	switch {
	case err == nil:
	case errors.Is(err, fs.ErrNotExist):
		if p, err = pos.Pair(ctx, a.Terminal, o.saleID, newServiceID(), supportedTerminals()); err != nil {
			return err
		}
		if err := pos.WritePairing(path, p); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "paired with terminal %s (key %s), kept in %s\n", p.POIID, p.KeyID, path)
	default:
		return err
	}
	if p.POIID != o.poiID {
		return fmt.Errorf("pairing %s is for terminal %s, not %s", path, p.POIID, o.poiID)
	}
	a.Pairing = p
	return nil
}

// journalKey is the key the journal export is verified with: the pinned
// -terminal-key, else the pairing file's.
func journalKey(a *pos.Agent, o options) (ed25519.PublicKey, error) {
	if o.terminalKey != "" {
		return a.Pairing.Key()
	}
	path, err := pairingPath(o)
	if err != nil {
		return nil, err
	}
	p, err := pos.ReadPairing(path)
	if err != nil {
		return nil, fmt.Errorf("journal: -terminal-key or a pairing (pos pair) is required to verify the journal: %w", err)
	}
	if p.POIID != o.poiID {
		return nil, fmt.Errorf("journal: pairing %s is for terminal %s, not %s", path, p.POIID, o.poiID)
	}
	return p.Key()
}

// supportedTerminals is the terminal firmware this POS release works
// with, refusing to pair with another: from 0.9.0, the first to report
// its version, to this release's own (a newer terminal may speak a link
// this POS does not know).
func supportedTerminals() pos.Versions {
	return pos.Versions{Min: "0.9.0", Max: version.Firmware()}
}
