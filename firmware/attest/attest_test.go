package attest

import (
	"bytes"
	"crypto/ed25519"
	"testing"
	"time"

	"payterm/firmware/order"
	"payterm/payhost"
)

// TestStatementBinds: the statement names the terminal and its key, binds
// the order, amount, currency and credential, verifies with the public key
// and with nothing else, and carries a fresh nonce each time.
func TestStatementBinds(t *testing.T) {
	at := time.Date(2026, 12, 5, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
	s := Signer{POIID: "PT1-0001", Key: DevKey(), Now: func() time.Time { return at }}
	h := order.Hash{1, 2, 3}
	st, sig, err := s.Statement(h, 2350, "CNY", AuthCode("code", "134567890123456789"))
	if err != nil {
		t.Fatal(err)
	}
	want := payhost.Statement{TerminalID: "PT1-0001", KeyID: payhost.KeyIDOf(s.Public()), OrderHash: h.String(),
		Amount: 2350, Currency: "CNY", Credential: payhost.CredentialDigest("134567890123456789"), Nonce: st.Nonce, Time: at.UTC()}
	if st != want {
		t.Fatalf("statement %+v\nwant %+v", st, want)
	}
	if err := st.Verify(s.Public(), sig); err != nil {
		t.Fatalf("own signature: %v", err)
	}
	other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32)).Public().(ed25519.PublicKey)
	if err := st.Verify(other, sig); err == nil {
		t.Error("verified with another key")
	}
	again, _, _ := s.Statement(h, 2350, "CNY", "134567890123456789")
	if again.Nonce == st.Nonce {
		t.Error("two statements share a nonce")
	}
	face, _, _ := s.Statement(h, 2350, "CNY", AuthCode("face", "tok"))
	if face.Credential != payhost.CredentialDigest(payhost.FacePrefix+"tok") {
		t.Error("a face statement does not digest the prefixed token")
	}
}

// TestSignRequest: Sign fills a charge request's statement from the
// request itself, and refuses a request without a valid order hash.
func TestSignRequest(t *testing.T) {
	s := Signer{POIID: "PT1-0001", Key: DevKey(), Now: time.Now}
	req := payhost.PayRequest{OutTradeNo: "x-1", AuthCode: "134567890123456789", Amount: 100, Currency: "EUR", OrderHash: order.Hash{9}.String()}
	if err := s.Sign(&req); err != nil {
		t.Fatal(err)
	}
	if req.Statement == nil || req.Statement.OrderHash != req.OrderHash || req.Statement.Amount != 100 ||
		req.Statement.Verify(s.Public(), req.Signature) != nil {
		t.Fatalf("signed request %+v", req)
	}
	bad := payhost.PayRequest{OrderHash: "not a hash"}
	if err := s.Sign(&bad); err == nil || bad.Statement != nil {
		t.Error("signed a request without an order hash")
	}
}
