package main

import (
	"context"
	"fmt"

	"payterm/payhost/sandbox"
)

// The demo customer: CNY 1000.00 in minor units.
const (
	demoName     = "Demo customer"
	demoCurrency = "CNY"
	demoBalance  = 100000
)

// seedDemo returns the account named demoName, creating it with the demo
// balance if there is none. An existing one keeps whatever it holds.
func seedDemo(ctx context.Context, host *sandbox.Host) (sandbox.Account, error) {
	all, err := host.Accounts(ctx)
	if err != nil {
		return sandbox.Account{}, fmt.Errorf("seed demo: %w", err)
	}
	for _, a := range all {
		if a.Name == demoName {
			return a, nil
		}
	}
	a, err := host.CreateAccount(ctx, sandbox.NewAccount{Name: demoName, Currency: demoCurrency, Balance: demoBalance})
	if err != nil {
		return sandbox.Account{}, fmt.Errorf("seed demo: %w", err)
	}
	return a, nil
}
