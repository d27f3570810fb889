package manifest

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestVerifyAccepts(t *testing.T) {
	for _, tc := range []struct {
		name string
		m    Manifest
		keys []ed25519.PrivateKey
		term func(*Terminal)
	}{
		{"full, one key", fullManifest(), []ed25519.PrivateKey{devKeyNew}, nil},
		{"full, old key still trusted", fullManifest(), []ed25519.PrivateKey{devKeyOld}, nil},
		{"rotation: revoked and new key", fullManifest(), []ed25519.PrivateKey{devKeyRevoked, devKeyNew}, nil},
		{"unknown key beside a trusted one", fullManifest(), []ed25519.PrivateKey{devKeyUnknown, devKeyOld}, nil},
		{"delta on its base", deltaManifest(), []ed25519.PrivateKey{devKeyNew}, nil},
		{"second board", fullManifest(), []ed25519.PrivateKey{devKeyNew}, func(t *Terminal) { t.Board = "sim" }},
		{"version at the floor", fullManifest(), []ed25519.PrivateKey{devKeyNew}, func(t *Terminal) { t.Floor = "1.4" }},
		{"downgrade above the floor", fullManifest(), []ed25519.PrivateKey{devKeyNew}, func(t *Terminal) { t.Version = "1.5" }},
		{"artefact at the limit", fullManifest(), []ed25519.PrivateKey{devKeyNew}, func(t *Terminal) { t.MaxArtefactSize = 20 << 20 }},
		{"default limit", fullManifest(), []ed25519.PrivateKey{devKeyNew}, func(t *Terminal) { t.MaxArtefactSize = 0 }},
		{"just before expiry", fullManifest(), []ed25519.PrivateKey{devKeyNew}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			term := terminal()
			if tc.term != nil {
				tc.term(&term)
			}
			at := now
			if tc.name == "just before expiry" {
				at = tc.m.Expires.Add(-time.Second)
			}
			got, err := Verify(sign(t, tc.m, tc.keys...), devKeyring(t), at, term)
			if err != nil {
				t.Fatal(err)
			}
			want := tc.m
			if !reflect.DeepEqual(*got, want) {
				t.Fatalf("Verify = %+v\nwant %+v", *got, want)
			}
		})
	}
}

// TestVerifyRefuses: each way a bundle must be refused, with its own error.
func TestVerifyRefuses(t *testing.T) {
	good := sign(t, fullManifest(), devKeyNew)
	for _, tc := range []struct {
		name string
		data func() []byte
		term func(*Terminal)
		at   time.Time
		want error
	}{
		{"bad signature: tampered manifest", func() []byte {
			return bytes.Replace(good, []byte(`"version":"1.4.0"`), []byte(`"version":"1.4.1"`), 1)
		}, nil, now, ErrBadSignature},
		{"bad signature: tampered artefact hash", func() []byte {
			h := hashOf("kernel")
			return bytes.Replace(good, []byte(h), []byte(hashOf("evil kernel")), 1)
		}, nil, now, ErrBadSignature},
		{"bad signature: signature bytes", func() []byte {
			return resign(t, good, func(s []Signature) { s[0].Sig[10] ^= 1 })
		}, nil, now, ErrBadSignature},
		{"bad signature: short signature", func() []byte {
			return resign(t, good, func(s []Signature) { s[0].Sig = s[0].Sig[:10] })
		}, nil, now, ErrBadSignature},
		{"bad signature: another key's signature under a trusted id", func() []byte {
			other := sign(t, fullManifest(), devKeyUnknown)
			var o envelope
			if err := json.Unmarshal(other, &o); err != nil {
				t.Fatal(err)
			}
			return resign(t, good, func(s []Signature) { s[0].Sig = o.Signatures[0].Sig })
		}, nil, now, ErrBadSignature},
		{"unsigned", func() []byte { return resign(t, good, nil) }, nil, now, ErrUnsigned},
		{"unknown key", func() []byte { return sign(t, fullManifest(), devKeyUnknown) }, nil, now, ErrUnknownKey},
		{"revoked key", func() []byte { return sign(t, fullManifest(), devKeyRevoked) }, nil, now, ErrRevokedKey},
		{"revoked and unknown keys", func() []byte { return sign(t, fullManifest(), devKeyUnknown, devKeyRevoked) }, nil, now, ErrRevokedKey},
		{"expired", func() []byte { return good }, nil, fullManifest().Expires, ErrExpired},
		{"wrong product", func() []byte { return good }, func(t *Terminal) { t.Product = "other" }, now, ErrWrongProduct},
		{"wrong board", func() []byte { return good }, func(t *Terminal) { t.Board = "rpi4" }, now, ErrWrongBoard},
		{"version below floor", func() []byte { return good }, func(t *Terminal) { t.Floor = "1.4.1" }, now, ErrBelowFloor},
		{"delta on another version", func() []byte { return sign(t, deltaManifest(), devKeyNew) },
			func(t *Terminal) { t.Version = "1.3.2" }, now, ErrWrongBase},
		{"delta on a changed artefact", func() []byte { return sign(t, deltaManifest(), devKeyNew) },
			func(t *Terminal) { t.Installed[1].SHA256 = hashOf("initrd modified") }, now, ErrWrongBase},
		{"delta on a missing artefact", func() []byte { return sign(t, deltaManifest(), devKeyNew) },
			func(t *Terminal) { t.Installed = t.Installed[:1] }, now, ErrWrongBase},
		{"oversized artefact", func() []byte { return good }, func(t *Terminal) { t.MaxArtefactSize = 20<<20 - 1 }, now, ErrTooLarge},
		{"oversized artefact, default limit", func() []byte {
			m := fullManifest()
			m.Artefacts[0].Size = DefaultMaxArtefactSize + 1
			return sign(t, m, devKeyNew)
		}, func(t *Terminal) { t.MaxArtefactSize = 0 }, now, ErrTooLarge},
		{"truncated", func() []byte { return good[:len(good)/2] }, nil, now, ErrMalformed},
		{"empty", func() []byte { return nil }, nil, now, ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			term := terminal()
			if tc.term != nil {
				tc.term(&term)
			}
			m, err := Verify(tc.data(), devKeyring(t), tc.at, term)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Verify: %v, want %v", err, tc.want)
			}
			if m != nil {
				t.Fatal("refused manifest returned")
			}
			for _, other := range []error{ErrMalformed, ErrUnsigned, ErrBadSignature, ErrUnknownKey, ErrRevokedKey,
				ErrExpired, ErrWrongProduct, ErrWrongBoard, ErrBelowFloor, ErrWrongBase, ErrTooLarge} {
				if other != tc.want && errors.Is(err, other) {
					t.Fatalf("Verify: %v is also %v", err, other)
				}
			}
			if !strings.HasPrefix(err.Error(), "manifest: ") {
				t.Fatalf("error %q lacks the package prefix", err)
			}
		})
	}
}

// resign rewrites data's signatures with edit (nil: none).
func resign(t *testing.T, data []byte, edit func([]Signature)) []byte {
	t.Helper()
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil {
		t.Fatal(err)
	}
	if edit == nil {
		env.Signatures = nil
	} else {
		edit(env.Signatures)
	}
	b, err := json.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestNewKeyringRefuses(t *testing.T) {
	if _, err := NewKeyring(TrustedKey{Name: "short", Public: make([]byte, 31)}); err == nil {
		t.Error("short key accepted")
	}
	k := TrustedKey{Name: "dev-key-new", Public: pub(devKeyNew)}
	if _, err := NewKeyring(k, k); err == nil {
		t.Error("key given twice accepted")
	}
}

func TestKeyringCopiesKeys(t *testing.T) {
	p := append(ed25519.PublicKey(nil), pub(devKeyNew)...)
	kr, err := NewKeyring(TrustedKey{Name: "dev-key-new", Public: p})
	if err != nil {
		t.Fatal(err)
	}
	p[0] ^= 1 // the caller's slice changes after the fact
	if _, err := Verify(sign(t, fullManifest(), devKeyNew), kr, now, terminal()); err != nil {
		t.Fatalf("keyring followed the caller's slice: %v", err)
	}
}
