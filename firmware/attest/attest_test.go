package attest

import (
	"crypto/ed25519"
	"crypto/rand"
	"testing"

	"payterm/firmware/order"
)

func TestSignVerify(t *testing.T) {
	key := DevKey()
	pub := key.Public().(ed25519.PublicKey)
	base := Claim{POIID: "PT1-0001", TransactionID: "tx1", Hash: order.Hash{1, 2, 3}, Method: "code", Code: "134567890123456789"}
	sig := Sign(key, base)
	if err := Verify(pub, base, sig); err != nil {
		t.Fatalf("own signature: %v", err)
	}
	other, _, _ := ed25519.GenerateKey(rand.Reader)
	tests := []struct {
		name string
		pub  ed25519.PublicKey
		c    Claim
		sig  string
	}{
		{"other order", pub, func() Claim { c := base; c.Hash[0] = 9; return c }(), sig},
		{"other code", pub, func() Claim { c := base; c.Code = "134567890123456780"; return c }(), sig},
		{"other terminal", pub, func() Claim { c := base; c.POIID = "PT1-0002"; return c }(), sig},
		{"field boundary moved", pub, func() Claim { c := base; c.POIID, c.TransactionID = "PT1-0001t", "x1"; return c }(), sig},
		{"other key", other, base, sig},
		{"not base64", pub, base, "%%%"},
		{"empty key", nil, base, sig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := Verify(tt.pub, tt.c, tt.sig); err == nil {
				t.Fatal("verified a claim it must refuse")
			}
		})
	}
}
