package poslink_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"payterm/firmware/order"
	"payterm/firmware/poslink"
	"payterm/firmware/poslink/poslinktest"
)

// A POS asks the terminal for the customer's credential for an itemized
// order (relay mode), charges it elsewhere, and tells the outcome. Here
// the transport is a direct call into the terminal's server; over the
// network it would be NewHTTPSTransport, over a serial link stream's
// Client.
func Example() {
	dir, err := os.MkdirTemp("", "poslink-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// Terminal side.
	key := poslink.SecurityKey{KeyIdentifier: "shop-1", KeyVersion: 1, Passphrase: "not a real passphrase"}
	keys, err := poslink.NewKeys(key)
	if err != nil {
		log.Fatal(err)
	}
	store, err := poslink.OpenStore(filepath.Join(dir, "services.db"), poslink.StoreOptions{})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	srv := poslink.NewServer(poslink.ServerConfig{POIID: "PT1-0001", Keys: keys},
		&poslinktest.Terminal{}, store, nil)

	// POS side.
	pos, err := poslink.NewClient(poslink.ClientConfig{POIID: "PT1-0001", Key: &key,
		Transport: func(ctx context.Context, req []byte) ([]byte, error) { return srv.HandleMessage(ctx, req), nil }})
	if err != nil {
		log.Fatal(err)
	}
	o := order.Order{ID: "R-1001", Currency: order.MustCurrency("EUR"), Total: 717, Lines: []order.Line{
		{ID: "1", Label: "Bread", Quantity: 2 * order.One, UnitPrice: 120, Amount: 240},
		{ID: "2", Label: "Cheese", Quantity: 455, Unit: "kg", UnitPrice: 1049, Amount: 477},
	}}
	ctx := context.Background()
	res, err := pos.Acquire(ctx, "POS-7", "1", o)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("captured:", res.Approved, res.Method, res.Hash == o.Hash())
	// ... charge res.Code for o at the payment system, then:
	if err := pos.Outcome(ctx, "POS-7", "2", poslink.RelayOutcome{Session: "1", Approved: true, Reason: "Thank you"}); err != nil {
		log.Fatal(err)
	}
	st, err := pos.TransactionStatus(ctx, "POS-7", "3", poslink.MessageReference{MessageCategory: "CardAcquisition", ServiceID: "1"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("status:", st.Response.Result, st.Category, st.Result.Approved)
	// Output:
	// captured: true code true
	// status: Success CardAcquisition true
}
