package payhost_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"time"

	"payterm/payhost"
	"payterm/payhost/sandbox"
)

// A customer with CNY 100.00 shows a payment code; the terminal, whose
// key the payment system knows, signs what the customer confirmed and
// charges CNY 25.50 through the HTTP client. The same order cannot be
// paid twice, and a request that differs from its statement is refused.
func Example() {
	dir, err := os.MkdirTemp("", "payhost-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	host, err := sandbox.Open(filepath.Join(dir, "payhost.db"), sandbox.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer host.Close()
	srv := httptest.NewServer(host.Handler())
	defer srv.Close()
	ctx := context.Background()
	acct, _ := host.CreateAccount(ctx, sandbox.NewAccount{Name: "Demo customer", Currency: "CNY", Balance: 10000})
	code, _ := host.IssueCode(ctx, acct.ID)

	// Provisioning: the terminal's public key is registered once.
	pub, key, _ := ed25519.GenerateKey(rand.Reader)
	host.RegisterTerminal(ctx, "PT1-0001", pub)

	// At confirmation the terminal signs the statement.
	hash := strings.Repeat("ab", 32) // order.Hash.String() of the confirmed order
	nonce, _ := payhost.NewNonce(rand.Reader)
	st := payhost.Statement{
		TerminalID: "PT1-0001", KeyID: payhost.KeyIDOf(pub), OrderHash: hash,
		Amount: 2550, Currency: "CNY", Credential: payhost.CredentialDigest(code.Code),
		Nonce: nonce, Time: time.Now().UTC(),
	}
	req := payhost.PayRequest{
		OutTradeNo: "PT1-0001-0001", AuthCode: code.Code, Amount: 2550, Currency: "CNY", OrderHash: hash,
		Statement: &st, Signature: st.Sign(key),
	}
	client := payhost.NewHTTPClient(srv.URL, nil)
	p, err := client.Pay(ctx, req)
	if err != nil {
		log.Fatal(err) // outcome unknown: Query or Reverse PT1-0001-0001
	}
	fmt.Println(p.Status, p.Amount)

	// Someone raises the amount: the statement no longer matches.
	forged := req
	forged.OutTradeNo, forged.Amount = "PT1-0001-0002", 9900
	p, _ = client.Pay(ctx, forged)
	fmt.Println(p.Status, p.Reason)

	// The order again under a new reference (and a new nonce): the first
	// payment comes back, and nothing is charged.
	again := st
	again.Nonce, _ = payhost.NewNonce(rand.Reader)
	retry := req
	retry.OutTradeNo, retry.Statement, retry.Signature = "PT1-0001-0003", &again, again.Sign(key)
	p, _ = client.Pay(ctx, retry)
	fmt.Println(p.Status, p.OutTradeNo)

	a, _ := host.Account(ctx, acct.ID)
	fmt.Println("balance", a.Balance)
	// Output:
	// SUCCESS 2550
	// FAIL STATEMENT_AMOUNT
	// SUCCESS PT1-0001-0001
	// balance 7450
}
