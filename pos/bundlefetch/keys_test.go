package bundlefetch

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"

	"payterm/update/bundle/bundletest"
	"payterm/update/manifest"
)

func TestReadKeyring(t *testing.T) {
	pub := bundletest.Key().Public().(ed25519.PublicKey)
	pkix, _ := x509.MarshalPKIXPublicKey(pub)
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(bundletest.Key())
	for _, tt := range []struct {
		name, file string
		ok         bool
	}{
		{"PEM public key", string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Headers: map[string]string{"Name": "release-2026"}, Bytes: pkix})), true},
		{"hex", hex.EncodeToString(pub) + "\n", true},
		{"private key", string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})), false},
		{"short hex", hex.EncodeToString(pub[:31]), false},
		{"garbage", "hello", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "k")
			os.WriteFile(p, []byte(tt.file), 0o644)
			kr, err := ReadKeyring(p)
			if (err == nil) != tt.ok {
				t.Fatalf("err %v, want ok %v", err, tt.ok)
			}
			if tt.ok {
				if _, found := kr.Key(manifest.ID(pub)); !found {
					t.Fatal("the key is not in the keyring")
				}
			}
		})
	}
}

func FuzzParseKey(f *testing.F) {
	pkix, _ := x509.MarshalPKIXPublicKey(bundletest.Key().Public())
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pkix}))
	f.Add([]byte(hex.EncodeToString(make([]byte, 32))))
	f.Fuzz(func(t *testing.T, b []byte) {
		k, err := parseKey("k", b)
		if err == nil && len(k.Public) != ed25519.PublicKeySize {
			t.Fatalf("accepted a %d-byte key", len(k.Public))
		}
	})
}
