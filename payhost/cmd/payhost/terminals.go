package main

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"strings"

	"payterm/payhost/sandbox"
)

// terminalArg is one -terminal ID=HEXPUBKEY.
type terminalArg struct {
	id  string
	pub ed25519.PublicKey
}

// terminalFlags collects repeated -terminal flags (a flag.Value).
type terminalFlags []terminalArg

func (t *terminalFlags) String() string {
	ids := make([]string, len(*t))
	for i, a := range *t {
		ids[i] = a.id
	}
	return strings.Join(ids, ",")
}

// Set parses ID=HEXPUBKEY. The key is split off at the last '=' (hex
// has none), so an ID may contain one.
func (t *terminalFlags) Set(v string) error {
	i := strings.LastIndexByte(v, '=')
	if i < 0 {
		return fmt.Errorf("want ID=HEXPUBKEY, got %q", v)
	}
	id, keyHex := v[:i], v[i+1:]
	if !sandbox.ValidTerminalID(id) {
		return fmt.Errorf("terminal id %q: 1-64 bytes of UTF-8 without control characters", id)
	}
	raw, err := hex.DecodeString(keyHex)
	if err != nil || len(raw) != ed25519.PublicKeySize {
		return fmt.Errorf("terminal %s: public key must be %d hex digits", id, 2*ed25519.PublicKeySize)
	}
	*t = append(*t, terminalArg{id: id, pub: ed25519.PublicKey(raw)})
	return nil
}

// register registers every terminal given, replacing keys they had.
func (t terminalFlags) register(ctx context.Context, host *sandbox.Host) error {
	for _, a := range t {
		if err := host.RegisterTerminal(ctx, a.id, a.pub); err != nil {
			return fmt.Errorf("-terminal: %w", err)
		}
	}
	return nil
}
