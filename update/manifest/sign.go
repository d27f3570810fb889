package manifest

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"slices"
)

// signingContext prefixes the signed bytes so a manifest signature can
// never be taken for a signature over anything else made with the same key.
const signingContext = "payterm update manifest v1\x00"

func message(raw []byte) []byte {
	return append([]byte(signingContext), raw...)
}

// Sign encodes m canonically and signs it with each key, in order; the
// result is the manifest file of a bundle. Ed25519 signatures are
// deterministic, so the same manifest and keys give the same bytes.
func Sign(m Manifest, keys ...ed25519.PrivateKey) ([]byte, error) {
	if len(keys) == 0 {
		return nil, fmt.Errorf("manifest: sign: no key")
	}
	raw, err := Encode(m)
	if err != nil {
		return nil, err
	}
	env := envelope{Manifest: raw, Signatures: []Signature{}}
	for _, k := range keys {
		if len(k) != ed25519.PrivateKeySize {
			return nil, fmt.Errorf("manifest: sign: key of %d bytes", len(k))
		}
		env.Signatures = append(env.Signatures, Signature{
			KeyID: ID(k.Public().(ed25519.PublicKey)),
			Sig:   ed25519.Sign(k, message(raw)),
		})
	}
	b, err := json.Marshal(env)
	if err != nil {
		return nil, fmt.Errorf("manifest: sign: %w", err)
	}
	return b, nil
}

// AddSignatures is the signed manifest data with signatures by keys
// added after its own, for a key rotation: a bundle signed by the old key
// is countersigned by the new one, and terminals trusting either accept
// it. The manifest bytes are unchanged; a key that already signed is not
// added twice. data is parsed, not verified.
func AddSignatures(data []byte, keys ...ed25519.PrivateKey) ([]byte, error) {
	if len(keys) == 0 {
		return nil, fmt.Errorf("manifest: sign: no key")
	}
	s, err := Parse(data)
	if err != nil {
		return nil, err
	}
	env := envelope{Manifest: s.raw, Signatures: append([]Signature{}, s.Signatures...)}
	for _, k := range keys {
		if len(k) != ed25519.PrivateKeySize {
			return nil, fmt.Errorf("manifest: sign: key of %d bytes", len(k))
		}
		id := ID(k.Public().(ed25519.PublicKey))
		if slices.ContainsFunc(env.Signatures, func(s Signature) bool { return s.KeyID == id }) {
			continue
		}
		env.Signatures = append(env.Signatures, Signature{KeyID: id, Sig: ed25519.Sign(k, message(s.raw))})
	}
	b, err := json.Marshal(env)
	if err != nil {
		return nil, fmt.Errorf("manifest: sign: %w", err)
	}
	return b, nil
}
