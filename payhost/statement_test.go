package payhost

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

func testKey(tag string) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("payhost statement test " + tag))
	return ed25519.NewKeyFromSeed(seed[:])
}

func goodStatement() Statement {
	key := testKey("a")
	return Statement{
		TerminalID: "PT1-0001",
		KeyID:      KeyIDOf(key.Public().(ed25519.PublicKey)),
		OrderHash:  strings.Repeat("ab", 32),
		Amount:     2350,
		Currency:   "CNY",
		Credential: CredentialDigest("134567890123456789"),
		Nonce:      strings.Repeat("0f", NonceLen/2),
		Time:       time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC),
	}
}

// TestStatementSignatureCoversEveryField: changing any one field, or the
// key, makes the signature fail; the time zone alone does not.
func TestStatementSignatureCoversEveryField(t *testing.T) {
	key := testKey("a")
	pub := key.Public().(ed25519.PublicKey)
	s := goodStatement()
	sig := s.Sign(key)
	if err := s.Verify(pub, sig); err != nil {
		t.Fatalf("Verify of a good signature: %v", err)
	}
	same := s
	same.Time = s.Time.In(time.FixedZone("CST", 8*3600))
	if err := same.Verify(pub, sig); err != nil {
		t.Errorf("the same instant in another zone: %v", err)
	}
	edits := map[string]func(*Statement){
		"terminal":   func(s *Statement) { s.TerminalID = "PT1-0002" },
		"key id":     func(s *Statement) { s.KeyID = KeyIDOf(testKey("b").Public().(ed25519.PublicKey)) },
		"order":      func(s *Statement) { s.OrderHash = strings.Repeat("ac", 32) },
		"amount":     func(s *Statement) { s.Amount++ },
		"currency":   func(s *Statement) { s.Currency = "EUR" },
		"credential": func(s *Statement) { s.Credential = CredentialDigest("134567890123456780") },
		"nonce":      func(s *Statement) { s.Nonce = strings.Repeat("f0", NonceLen/2) },
		"time":       func(s *Statement) { s.Time = s.Time.Add(time.Nanosecond) },
		// Moving bytes between adjacent fields must not keep the encoding.
		"shifted boundary": func(s *Statement) { s.TerminalID += s.KeyID[:1]; s.KeyID = s.KeyID[1:] },
	}
	for name, edit := range edits {
		c := s
		edit(&c)
		if err := c.Verify(pub, sig); !errors.Is(err, ErrBadSignature) {
			t.Errorf("%s changed: Verify = %v, want ErrBadSignature", name, err)
		}
	}
	other := testKey("b").Public().(ed25519.PublicKey)
	bad := map[string]struct {
		pub ed25519.PublicKey
		sig string
	}{
		"another key":    {other, sig},
		"short key":      {pub[:31], sig},
		"not base64":     {pub, "!!" + sig[2:]},
		"truncated":      {pub, sig[:len(sig)-4]},
		"empty":          {pub, ""},
		"url alphabet":   {pub, strings.NewReplacer("+", "-", "/", "_").Replace(sig) + "-"},
		"other's signed": {pub, s.Sign(testKey("b"))},
	}
	for name, b := range bad {
		if err := s.Verify(b.pub, b.sig); !errors.Is(err, ErrBadSignature) {
			t.Errorf("%s: Verify = %v, want ErrBadSignature", name, err)
		}
	}
}

func TestStatementValidate(t *testing.T) {
	cases := []struct {
		name string
		edit func(*Statement)
		ok   bool
	}{
		{"good", func(*Statement) {}, true},
		{"face credential", func(s *Statement) { s.Credential = CredentialDigest(FacePrefix + "tok") }, true},
		{"no terminal", func(s *Statement) { s.TerminalID = "" }, false},
		{"long terminal", func(s *Statement) { s.TerminalID = strings.Repeat("t", MaxTerminalID+1) }, false},
		{"bad UTF-8 terminal", func(s *Statement) { s.TerminalID = "\xff" }, false},
		{"short key id", func(s *Statement) { s.KeyID = s.KeyID[1:] }, false},
		{"capital key id", func(s *Statement) { s.KeyID = strings.ToUpper(s.KeyID) }, false},
		{"capital order hash", func(s *Statement) { s.OrderHash = strings.ToUpper(s.OrderHash) }, false},
		{"short order hash", func(s *Statement) { s.OrderHash = "ab" }, false},
		{"zero amount", func(s *Statement) { s.Amount = 0 }, false},
		{"huge amount", func(s *Statement) { s.Amount = 1_000_000_000_000_001 }, false},
		{"unknown currency", func(s *Statement) { s.Currency = "XBT" }, false},
		{"credential in clear", func(s *Statement) { s.Credential = "134567890123456789" }, false},
		{"short nonce", func(s *Statement) { s.Nonce = "0f0f" }, false},
		{"non-hex nonce", func(s *Statement) { s.Nonce = strings.Repeat("zz", NonceLen/2) }, false},
		{"no time", func(s *Statement) { s.Time = time.Time{} }, false},
		{"year 1970", func(s *Statement) { s.Time = time.Unix(0, 0) }, false},
	}
	for _, tc := range cases {
		s := goodStatement()
		tc.edit(&s)
		err := s.Validate()
		if (err == nil) != tc.ok {
			t.Errorf("%s: Validate = %v, want ok=%v", tc.name, err, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("%s: %v does not wrap ErrInvalidRequest", tc.name, err)
		}
	}
}

func TestCredentialDigestAndKeyID(t *testing.T) {
	d := CredentialDigest("134567890123456789")
	if !lowerHex(d, CredentialLen) || d == CredentialDigest("134567890123456780") || d == CredentialDigest(FacePrefix+"134567890123456789") {
		t.Errorf("digest %q is not a distinct 64-hex digest", d)
	}
	// The digest is domain-separated, not a bare SHA-256 of the code.
	if bare := sha256.Sum256([]byte("134567890123456789")); d == string(bare[:]) {
		t.Error("digest is a bare SHA-256")
	}
	id := KeyIDOf(testKey("a").Public().(ed25519.PublicKey))
	if !lowerHex(id, KeyIDLen) || id == KeyIDOf(testKey("b").Public().(ed25519.PublicKey)) {
		t.Errorf("key id %q", id)
	}
}

func TestNewNonce(t *testing.T) {
	n, err := NewNonce(bytes.NewReader(bytes.Repeat([]byte{0xab}, 16)))
	if err != nil || n != strings.Repeat("ab", 16) {
		t.Errorf("NewNonce = %q %v", n, err)
	}
	if _, err := NewNonce(iotest.ErrReader(errors.New("no entropy"))); err == nil {
		t.Error("NewNonce from a failing reader: no error")
	}
	if _, err := NewNonce(bytes.NewReader(make([]byte, 15))); err == nil {
		t.Error("NewNonce from a short reader: no error")
	}
}

func TestStatementEncodeDecode(t *testing.T) {
	s := goodStatement()
	s.Time = s.Time.In(time.FixedZone("CST", 8*3600))
	enc := s.Encode()
	if strings.ContainsAny(enc, "+/=") {
		t.Errorf("Encode %q is not unpadded base64url", enc)
	}
	got, err := DecodeStatement(enc)
	if err != nil {
		t.Fatal(err)
	}
	if got.Time.Location() != time.UTC || !got.Time.Equal(s.Time) {
		t.Errorf("time %v, want %v in UTC", got.Time, s.Time)
	}
	s.Time = got.Time
	if got != s {
		t.Errorf("round trip %+v, want %+v", got, s)
	}
	for name, bad := range map[string]string{
		"padded":        enc + "==",
		"std alphabet":  strings.NewReplacer("-", "+", "_", "/").Replace(enc) + "+",
		"empty":         "",
		"too long":      strings.Repeat("A", MaxStatementChars+1),
		"invalid field": Statement{}.Encode(),
	} {
		if _, err := DecodeStatement(bad); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
}
