package sandbox

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	bolt "go.etcd.io/bbolt"

	"payterm/payhost"
)

// TestVerifyFindsBrokenBooks tampers with a consistent database in ways
// no API allows and expects Verify to name each.
func TestVerifyFindsBrokenBooks(t *testing.T) {
	cases := []struct {
		name   string
		tamper func(tx *bolt.Tx) error
		want   string
	}{
		{"balance edited", func(tx *bolt.Tx) error {
			a, _ := loadAccount(tx, "acct-000001")
			a.Balance += 1
			return putJSON(tx, bucketAccounts, a.ID, a)
		}, "ledger sums to"},
		{"ledger entry lost", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte(bucketLedger)).Delete([]byte(seqKey(2)))
		}, "ledger moves"},
		{"payment marked paid without a charge", func(tx *bolt.Tx) error {
			var r paymentRecord
			getJSON(tx, bucketPayments, "fail-1", &r)
			r.Payment.Status, r.Payment.Reason, r.Payment.AccountID = payhost.StatusSuccess, "", "acct-000001"
			return putJSON(tx, bucketPayments, "fail-1", r)
		}, "ledger moves"},
		{"entry for an unknown account", func(tx *bolt.Tx) error {
			return putJSON(tx, bucketLedger, seqKey(99), ledgerEntry{Seq: 99, AccountID: "acct-x", Delta: 5, Kind: entryOpen})
		}, "unknown account"},
		{"order paid twice", func(tx *bolt.Tx) error {
			var r paymentRecord
			getJSON(tx, bucketPayments, "paid-1", &r)
			r.Payment.OutTradeNo, r.Payment.TradeNo = "paid-2", "SBX9"
			putJSON(tx, bucketPayments, "paid-2", r)
			a, _ := loadAccount(tx, "acct-000001")
			return move(tx, &a, -r.Payment.Amount, entryPay, "paid-2", r.Payment.PaidAt)
		}, "paid twice"},
		{"order index names a failed payment", func(tx *bolt.Tx) error {
			return tx.Bucket([]byte(bucketOrders)).Put([]byte(strings.Repeat("cd", 32)), []byte("fail-1"))
		}, "order index"},
		{"negative balance", func(tx *bolt.Tx) error {
			a, _ := loadAccount(tx, "acct-000001")
			a.Balance = -1
			putJSON(tx, bucketLedger, seqKey(99), ledgerEntry{Seq: 99, AccountID: a.ID, Delta: -1 - 6000, Kind: entryPay, OutTradeNo: "paid-1"})
			return putJSON(tx, bucketAccounts, a.ID, a)
		}, "negative balance"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := openBooks(t)
			if err := h.Verify(t.Context()); err != nil {
				t.Fatalf("before tampering: %v", err)
			}
			if err := h.db.Update(tc.tamper); err != nil {
				t.Fatal(err)
			}
			err := h.Verify(t.Context())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Verify = %v, want an error about %q", err, tc.want)
			}
		})
	}
}

// openBooks makes a small consistent history: an account of 10000 that
// paid 4000 (paid-1), failed once (fail-1).
func openBooks(t *testing.T) *Host {
	t.Helper()
	h, err := Open(filepath.Join(t.TempDir(), "db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	ctx := context.Background()
	a, err := h.CreateAccount(ctx, NewAccount{Name: "A", Currency: "CNY", Balance: 10000})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := h.IssueCode(ctx, a.ID)
	key := testKey()
	if err := h.RegisterTerminal(ctx, "T1", key.Public().(ed25519.PublicKey)); err != nil {
		t.Fatal(err)
	}
	paid := signedForTest(payhost.PayRequest{OutTradeNo: "paid-1", AuthCode: c.Code, Amount: 4000, Currency: "CNY",
		OrderHash: strings.Repeat("ab", 32)}, key, h.clock(), "01")
	if p, err := h.Pay(ctx, paid); err != nil || !p.Paid() {
		t.Fatalf("pay: %+v %v", p, err)
	}
	fail := signedForTest(payhost.PayRequest{OutTradeNo: "fail-1", AuthCode: c.Code, Amount: 1, Currency: "CNY",
		OrderHash: strings.Repeat("cd", 32)}, key, h.clock(), "02")
	if p, err := h.Pay(ctx, fail); err != nil || p.Paid() {
		t.Fatalf("pay: %+v %v", p, err)
	}
	return h
}

func TestDrawCode(t *testing.T) {
	cases := []struct {
		name  string
		bytes []byte
		want  string
	}{
		// 250..255 are skipped: they would make digits 0-5 likelier.
		{"skips the biased tail", append(bytes.Repeat([]byte{255, 250, 3}, 16), make([]byte, 64)...), "133333333333333333"},
		{"digit is the byte mod 10", append([]byte{10, 21, 32, 43, 54, 65, 76, 87, 98, 109, 110, 121, 132, 143, 154, 249}, make([]byte, 48)...), "130123456789012349"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := drawCode(iotest.OneByteReader(bytes.NewReader(tc.bytes)))
			if err != nil || got != tc.want {
				t.Fatalf("drawCode = %q %v, want %q", got, err, tc.want)
			}
		})
	}
	if _, err := drawCode(bytes.NewReader([]byte{1, 2, 3})); err == nil {
		t.Error("drawCode on a short reader: no error")
	}
}

// testKey is terminal T1's key in this package's tests (sandboxtest,
// which has one, imports this package).
func testKey() ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("sandbox internal test terminal"))
	return ed25519.NewKeyFromSeed(seed[:])
}

// signedForTest returns req with a matching statement by T1 at at, its
// nonce nonceTag repeated to length.
func signedForTest(req payhost.PayRequest, key ed25519.PrivateKey, at time.Time, nonceTag string) payhost.PayRequest {
	s := payhost.Statement{
		TerminalID: "T1", KeyID: payhost.KeyIDOf(key.Public().(ed25519.PublicKey)),
		OrderHash: req.OrderHash, Amount: req.Amount, Currency: req.Currency,
		Credential: payhost.CredentialDigest(req.AuthCode),
		Nonce:      strings.Repeat(nonceTag, payhost.NonceLen/len(nonceTag)), Time: at,
	}
	req.Statement, req.Signature = &s, s.Sign(key)
	return req
}
