package poslink

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

// adyenVector is Adyen's published encrypted local-mode PaymentResponse
// (testdata/README.md) and its key.
var adyenVectorKey = SecurityKey{KeyIdentifier: "CryptoKeyIdentifier12345", KeyVersion: 1, Passphrase: "p@ssw0rd123456"}

func readAdyenVector(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/adyen-local-payment-response.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAdyenVectorDecrypts(t *testing.T) {
	keys, err := NewKeys(adyenVectorKey)
	if err != nil {
		t.Fatal(err)
	}
	e, err := splitEnvelope(readAdyenVector(t))
	if err != nil {
		t.Fatal(err)
	}
	k, err := keyFor(&e, keys)
	if err != nil {
		t.Fatal(err)
	}
	in, err := openEnvelope(&e, k)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	if in.BodyName != "PaymentResponse" || in.Header.ServiceID != "325488592" {
		t.Fatalf("inner message: %s, header %+v", in.BodyName, in.Header)
	}
	var p PaymentResponse
	if err := json.Unmarshal(in.Body, &p); err != nil {
		t.Fatal(err)
	}
	if p.Response.Result != ResultSuccess || p.SaleData.SaleTransactionID.TransactionID != "999" {
		t.Errorf("decoded %+v", p)
	}
	if a := p.PaymentResult.AmountsResp; a.Currency != "EUR" || a.AuthorizedAmount != "1" {
		t.Errorf("AmountsResp %+v, want EUR 1", a)
	}
	if got := ParseAdditional(p.Response.AdditionalResponse).Get("pspReference"); got != "8815573255107661" {
		t.Errorf("pspReference %q", got)
	}
}

func TestAdyenVectorRefusesWrongKeyOrTamper(t *testing.T) {
	vec := readAdyenVector(t)
	tests := []struct {
		name   string
		key    SecurityKey
		mutate func(*envelope)
		want   error
	}{
		{"wrong passphrase", SecurityKey{"CryptoKeyIdentifier12345", 1, "p@ssw0rd123457"}, nil, ErrAuthentication},
		{"flipped blob byte", adyenVectorKey, func(e *envelope) {
			b, _ := base64.StdEncoding.DecodeString(e.Blob)
			b[100] ^= 1
			e.Blob = base64.StdEncoding.EncodeToString(b)
		}, ErrAuthentication},
		{"flipped last block", adyenVectorKey, func(e *envelope) {
			b, _ := base64.StdEncoding.DecodeString(e.Blob)
			b[len(b)-1] ^= 0x80
			e.Blob = base64.StdEncoding.EncodeToString(b)
		}, ErrAuthentication},
		{"flipped nonce", adyenVectorKey, func(e *envelope) { e.Trailer.Nonce[0] ^= 1 }, ErrAuthentication},
		{"flipped hmac", adyenVectorKey, func(e *envelope) { e.Trailer.Hmac[31] ^= 1 }, ErrAuthentication},
		{"short hmac", adyenVectorKey, func(e *envelope) { e.Trailer.Hmac = e.Trailer.Hmac[:16] }, ErrAuthentication},
		{"short nonce", adyenVectorKey, func(e *envelope) { e.Trailer.Nonce = e.Trailer.Nonce[:15] }, ErrAuthentication},
		{"cut blob", adyenVectorKey, func(e *envelope) {
			b, _ := base64.StdEncoding.DecodeString(e.Blob)
			e.Blob = base64.StdEncoding.EncodeToString(b[:len(b)-3])
		}, ErrAuthentication},
		{"not base64", adyenVectorKey, func(e *envelope) { e.Blob = "!!" + e.Blob }, ErrAuthentication},
		{"empty blob", adyenVectorKey, func(e *envelope) { e.Blob = "" }, ErrAuthentication},
		{"outer header lies", adyenVectorKey, func(e *envelope) { e.Header.ServiceID = "1" }, ErrMessageFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := splitEnvelope(vec)
			if err != nil {
				t.Fatal(err)
			}
			dk, err := DeriveKey(tt.key.Passphrase)
			if err != nil {
				t.Fatal(err)
			}
			if tt.mutate != nil {
				tt.mutate(&e)
			}
			_, err = openEnvelope(&e, sealKey{dk: dk})
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			// Every decryption failure is the one bare error value.
			if tt.want == ErrAuthentication && err != ErrAuthentication {
				t.Fatalf("err = %#v, want the bare ErrAuthentication", err)
			}
		})
	}
}

func TestSealOpenRoundTrip(t *testing.T) {
	k, err := DeriveKey("round trip")
	if err != nil {
		t.Fatal(err)
	}
	for n := 0; n <= 50; n++ {
		plain := bytes.Repeat([]byte{byte('a' + n%26)}, n)
		blob, nonce, mac := k.Seal(plain)
		if len(blob)%16 != 0 || len(blob) <= n {
			t.Fatalf("len %d: blob of %d bytes", n, len(blob))
		}
		got, err := k.Open(blob, nonce, mac)
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("len %d: got %q, %v", n, got, err)
		}
	}
}

// TestMACOfPrefixIsHMAC checks the fixed-work HMAC against crypto/hmac
// for every length the padding can leave.
func TestMACOfPrefixIsHMAC(t *testing.T) {
	k, _ := DeriveKey("prefix")
	for _, size := range []int{16, 32, 64, 80, 128} {
		buf := bytes.Repeat([]byte("0123456789abcdef"), size/16)
		for n := size - 16; n <= size; n++ {
			if got, want := k.macOfPrefix(buf, n), k.mac(buf[:n]); !bytes.Equal(got, want) {
				t.Fatalf("size %d, n %d: %x, want %x", size, n, got, want)
			}
		}
	}
}

// TestOpenFailuresAreOneError: whatever is wrong, Open says only
// ErrAuthentication, the same value.
func TestOpenFailuresAreOneError(t *testing.T) {
	k, _ := DeriveKey("one error")
	other, _ := DeriveKey("another")
	blob, nonce, mac := k.Seal([]byte("a message of some length"))
	// A blob that decrypts to a bad padding but carries the MAC of its
	// whole plaintext: only the padding is wrong.
	badPad := bytes.Repeat([]byte{0}, 32)
	padBlob := k.sealWithNonce(badPad, nonce)[:32]
	tests := []struct {
		name             string
		k                *DerivedKey
		blob, nonce, mac []byte
	}{
		{"wrong passphrase", other, blob, nonce, mac},
		{"bad hmac", k, blob, nonce, append(bytes.Clone(mac[:31]), mac[31]^1)},
		{"short hmac", k, blob, nonce, mac[:16]},
		{"short nonce", k, blob, nonce[:8], mac},
		{"blob not whole blocks", k, blob[:len(blob)-1], nonce, mac},
		{"empty blob", k, nil, nonce, mac},
		{"bad padding", k, padBlob, nonce, k.mac(badPad)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plain, err := tt.k.Open(tt.blob, tt.nonce, tt.mac)
			if err != ErrAuthentication || plain != nil {
				t.Fatalf("Open = %q, %v; want nil, ErrAuthentication", plain, err)
			}
		})
	}
}

func TestSealUsesFreshNonces(t *testing.T) {
	k, _ := DeriveKey("nonce")
	b1, n1, _ := k.Seal([]byte("same message"))
	b2, n2, _ := k.Seal([]byte("same message"))
	if bytes.Equal(n1, n2) || bytes.Equal(b1, b2) {
		t.Fatal("two seals of one message share nonce or ciphertext")
	}
}

func TestOpenRefusesEveryFlippedBit(t *testing.T) {
	k, _ := DeriveKey("flip")
	plain := []byte(`{"SaleToPOIRequest":{"MessageHeader":{}}}`)
	blob, nonce, mac := k.Seal(plain)
	for i := range len(blob) * 8 {
		b := bytes.Clone(blob)
		b[i/8] ^= 1 << (i % 8)
		if _, err := k.Open(b, nonce, mac); !errors.Is(err, ErrAuthentication) {
			t.Fatalf("bit %d flipped: err = %v", i, err)
		}
	}
}

func TestOpenRefusesOtherKey(t *testing.T) {
	k1, _ := DeriveKey("key one")
	k2, _ := DeriveKey("key two")
	blob, nonce, mac := k1.Seal([]byte("secret"))
	if _, err := k2.Open(blob, nonce, mac); !errors.Is(err, ErrAuthentication) {
		t.Fatalf("err = %v", err)
	}
}

func TestUnpadLen(t *testing.T) {
	block := func(tail ...byte) []byte {
		b := bytes.Repeat([]byte{'x'}, 32-len(tail))
		return append(b, tail...)
	}
	tests := []struct {
		name string
		buf  []byte
		n    int
		ok   int
	}{
		{"one", block(1), 31, 1},
		{"three", block(3, 3, 3), 29, 1},
		{"full block", append(bytes.Repeat([]byte{'x'}, 16), bytes.Repeat([]byte{16}, 16)...), 16, 1},
		{"zero", block(0), 32, 0},
		{"seventeen", append(bytes.Repeat([]byte{'x'}, 15), bytes.Repeat([]byte{17}, 17)...), 32, 0},
		{"inconsistent", block(2, 3, 3), 32, 0},
		{"one short", block('x', 3, 3), 32, 0},
	}
	for _, tt := range tests {
		n, ok := unpadLen(tt.buf)
		if n != tt.n || ok != tt.ok {
			t.Errorf("%s: unpadLen = %d, %d; want %d, %d", tt.name, n, ok, tt.n, tt.ok)
		}
	}
}

func TestDeriveKeyRefusesEmptyPassphrase(t *testing.T) {
	if _, err := DeriveKey(""); err == nil {
		t.Fatal("empty passphrase accepted")
	}
}

func TestKeys(t *testing.T) {
	keys, err := NewKeys(SecurityKey{"A", 1, "one"}, SecurityKey{"A", 2, "two"})
	if err != nil {
		t.Fatal(err)
	}
	one, ok1 := keys.lookup("A", 1)
	two, ok2 := keys.lookup("A", 2)
	if !ok1 || !ok2 || *one == *two {
		t.Fatal("versions not kept apart")
	}
	if _, ok := keys.lookup("A", 3); ok {
		t.Error("unknown version found")
	}
	if _, ok := keys.lookup("B", 1); ok {
		t.Error("unknown identifier found")
	}
	keys.Remove("A", 1)
	if _, ok := keys.lookup("A", 1); ok {
		t.Error("removed key found")
	}
	if err := keys.Add(SecurityKey{"", 1, "x"}); err == nil {
		t.Error("empty identifier accepted")
	}
	if err := keys.Add(SecurityKey{"C", 1, ""}); err == nil || !strings.Contains(err.Error(), "C v1") {
		t.Errorf("empty passphrase: %v", err)
	}
	var none *Keys
	if _, ok := none.lookup("A", 2); ok {
		t.Error("nil Keys found a key")
	}
}
