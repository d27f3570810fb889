package poslink_test

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"

	"payterm/firmware/poslink"
)

type fixedIdentity ed25519.PublicKey

func (k fixedIdentity) PublicKey() ed25519.PublicKey { return ed25519.PublicKey(k) }

func testIdentityKey() ed25519.PublicKey {
	seed := sha256.Sum256([]byte("poslink identity test"))
	return ed25519.NewKeyFromSeed(seed[:]).Public().(ed25519.PublicKey)
}

// TestIdentity: the terminal tells its POIID and key, with the key id
// that names it, to an encrypted client only; without an identity it
// refuses.
func TestIdentity(t *testing.T) {
	pub := testIdentityKey()
	sum := sha256.Sum256(pub)
	tests := []struct {
		name      string
		source    poslink.IdentitySource
		encrypted bool
		cond      string
	}{
		{"encrypted", fixedIdentity(pub), true, ""},
		{"plain", fixedIdentity(pub), false, poslink.CondNotAllowed},
		{"no identity", nil, true, poslink.CondUnavailableService},
		{"bad key", fixedIdentity(pub[:5]), true, poslink.CondUnavailableService},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, func(c *poslink.ServerConfig) { c.Identity = tt.source })
			c := r.plain
			if tt.encrypted {
				c = r.client
			}
			id, err := c.Identity(bg, testSale, "1")
			if tt.cond != "" {
				var re *poslink.ResponseError
				if !errors.As(err, &re) || re.Condition != tt.cond {
					t.Fatalf("identity %+v, err %v, want %s", id, err, tt.cond)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if id.POIID != testPOI || !id.PublicKey.Equal(pub) || id.KeyID != hex.EncodeToString(sum[:8]) {
				t.Fatalf("identity %+v", id)
			}
			// Changes nothing: the same ServiceID may ask again.
			if _, err := c.Identity(bg, testSale, "1"); err != nil {
				t.Fatalf("asked again: %v", err)
			}
		})
	}
}

func TestTerminalIdentityParse(t *testing.T) {
	pub := testIdentityKey()
	good := poslink.TerminalIdentity{POIID: testPOI, KeyID: poslink.KeyIDOf(pub), PublicKey: hex.EncodeToString(pub)}
	other := testOrderKey()
	tests := []struct {
		name string
		edit func(*poslink.TerminalIdentity)
		ok   bool
	}{
		{"good", func(*poslink.TerminalIdentity) {}, true},
		{"no POIID", func(i *poslink.TerminalIdentity) { i.POIID = "" }, false},
		{"key id of another key", func(i *poslink.TerminalIdentity) { i.KeyID = poslink.KeyIDOf(other) }, false},
		{"short key", func(i *poslink.TerminalIdentity) { i.PublicKey = i.PublicKey[:62] }, false},
		{"not hex", func(i *poslink.TerminalIdentity) { i.PublicKey = "zz" + i.PublicKey[2:] }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ti := good
			tt.edit(&ti)
			id, err := ti.Parse()
			if (err == nil) != tt.ok {
				t.Fatalf("Parse: %+v, %v", id, err)
			}
		})
	}
}

func testOrderKey() ed25519.PublicKey {
	seed := sha256.Sum256([]byte("another key"))
	return ed25519.NewKeyFromSeed(seed[:]).Public().(ed25519.PublicKey)
}

// FuzzTerminalIdentityParse: Parse never panics and accepts only an
// identity whose key id names its key.
func FuzzTerminalIdentityParse(f *testing.F) {
	pub := testIdentityKey()
	f.Add(testPOI, poslink.KeyIDOf(pub), hex.EncodeToString(pub))
	f.Add("", "", "")
	f.Fuzz(func(t *testing.T, poiid, keyID, pubHex string) {
		id, err := poslink.TerminalIdentity{POIID: poiid, KeyID: keyID, PublicKey: pubHex}.Parse()
		if err == nil && (len(id.PublicKey) != ed25519.PublicKeySize || poslink.KeyIDOf(id.PublicKey) != keyID || id.POIID != poiid) {
			t.Fatalf("accepted %+v", id)
		}
	})
}
