package payhost_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"payterm/payhost"
)

func TestSealFaceBinding(t *testing.T) {
	key, err := payhost.NewFaceKey()
	if err != nil {
		t.Fatal(err)
	}
	other, err := payhost.NewFaceKey()
	if err != nil {
		t.Fatal(err)
	}
	crop := bytes.Repeat([]byte{0xff, 0xd8, 1, 2, 3}, 2500) // ~12 KiB, like a real crop
	bind := payhost.FaceBinding{TerminalID: "PT1-0001", OrderHash: strings.Repeat("ab", 32)}
	token, err := payhost.SealFace(key.Public(), crop, bind)
	if err != nil {
		t.Fatal(err)
	}
	if len(payhost.FacePrefix+token) > payhost.MaxAuthCode {
		t.Fatalf("a 12 KiB crop's AuthCode is %d bytes, over MaxAuthCode %d", len(payhost.FacePrefix+token), payhost.MaxAuthCode)
	}
	got, err := payhost.OpenFace(key, token, bind)
	if err != nil || !bytes.Equal(got, crop) {
		t.Fatalf("OpenFace = %d bytes, %v; want the crop back", len(got), err)
	}
	flipped := []byte(token)
	flipped[len(flipped)/2] ^= 'A' ^ 'B'
	for _, tc := range []struct {
		name  string
		key   *payhost.FaceKey
		token string
		bind  payhost.FaceBinding
	}{
		{"another order", key, token, payhost.FaceBinding{TerminalID: bind.TerminalID, OrderHash: strings.Repeat("ac", 32)}},
		{"another terminal", key, token, payhost.FaceBinding{TerminalID: "PT1-0002", OrderHash: bind.OrderHash}},
		{"fields shifted", key, token, payhost.FaceBinding{TerminalID: bind.TerminalID + bind.OrderHash[:1], OrderHash: bind.OrderHash[1:]}},
		{"another key", other, token, bind},
		{"altered", key, string(flipped), bind},
		{"truncated", key, token[:len(token)-4], bind},
		{"not base64url", key, token[:10] + "+" + token[11:], bind},
		{"empty", key, "", bind},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, err := payhost.OpenFace(tc.key, tc.token, tc.bind); !errors.Is(err, payhost.ErrFaceToken) || got != nil {
				t.Fatalf("OpenFace = %d bytes, %v; want ErrFaceToken", len(got), err)
			}
		})
	}
}

func TestSealFaceRefuses(t *testing.T) {
	key, _ := payhost.NewFaceKey()
	bind := payhost.FaceBinding{TerminalID: "T", OrderHash: "h"}
	for _, tc := range []struct {
		name string
		pub  []byte
		crop []byte
	}{
		{"empty crop", key.Public(), nil},
		{"crop too large", key.Public(), make([]byte, payhost.MaxFaceToken)},
		{"short key", key.Public()[:31], []byte{1}},
	} {
		if _, err := payhost.SealFace(tc.pub, tc.crop, bind); err == nil {
			t.Errorf("%s: SealFace succeeded", tc.name)
		}
	}
}

func TestFaceKeyRoundTrip(t *testing.T) {
	key, _ := payhost.NewFaceKey()
	again, err := payhost.ParseFaceKey(key.Bytes())
	if err != nil || !bytes.Equal(again.Public(), key.Public()) {
		t.Fatalf("ParseFaceKey(Bytes()) = %v; public keys equal: %v", err, err == nil && bytes.Equal(again.Public(), key.Public()))
	}
	if _, err := payhost.ParseFaceKey(make([]byte, 31)); err == nil {
		t.Error("ParseFaceKey accepted 31 bytes")
	}
	if s := key.String(); strings.Contains(s, string(key.Bytes())) {
		t.Error("String shows the key")
	}
}

// FuzzOpenFace: any token either opens to the sealed crop (only the real
// one) or fails with ErrFaceToken; nothing panics.
func FuzzOpenFace(f *testing.F) {
	key, err := payhost.ParseFaceKey(bytes.Repeat([]byte{7}, payhost.FaceKeySize))
	if err != nil {
		f.Fatal(err)
	}
	bind := payhost.FaceBinding{TerminalID: "T1", OrderHash: strings.Repeat("0", 64)}
	token, err := payhost.SealFace(key.Public(), []byte("crop"), bind)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(token)
	f.Add("")
	f.Add("AAAA")
	f.Add(token[:len(token)-1])
	f.Add(strings.Repeat("A", payhost.MaxFaceToken+1))
	f.Fuzz(func(t *testing.T, tok string) {
		crop, err := payhost.OpenFace(key, tok, bind)
		if err != nil {
			if !errors.Is(err, payhost.ErrFaceToken) || crop != nil {
				t.Fatalf("OpenFace: %v with %d bytes", err, len(crop))
			}
			return
		}
		if string(crop) != "crop" {
			t.Fatalf("a token opened to %q", crop)
		}
	})
}
