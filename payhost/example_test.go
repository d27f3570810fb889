package payhost_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"payterm/payhost"
	"payterm/payhost/sandbox"
)

// A customer with CNY 100.00 shows a payment code; the terminal charges
// CNY 25.50 through the HTTP client, then shows the same code again.
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

	client := payhost.NewHTTPClient(srv.URL, nil)
	req := payhost.PayRequest{
		OutTradeNo: "POS1-0001",
		AuthCode:   code.Code,
		Amount:     2550,
		Currency:   "CNY",
		OrderHash:  strings.Repeat("ab", 32), // order.Hash.String() of the confirmed order
	}
	p, err := client.Pay(ctx, req)
	if err != nil {
		log.Fatal(err) // outcome unknown: Query or Reverse POS1-0001
	}
	fmt.Println(p.Status, p.Amount)

	req.OutTradeNo = "POS1-0002"
	p, _ = client.Pay(ctx, req)
	fmt.Println(p.Status, p.Reason)

	a, _ := host.Account(ctx, acct.ID)
	fmt.Println("balance", a.Balance)
	// Output:
	// SUCCESS 2550
	// FAIL CODE_USED
	// balance 7450
}
