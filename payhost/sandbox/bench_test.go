package sandbox_test

import (
	"fmt"
	"testing"

	"payterm/payhost"
	"payterm/payhost/sandbox"
	"payterm/payhost/sandbox/sandboxtest"
)

// BenchmarkIssueAndPay measures one customer payment end to end over HTTP:
// issue a code, then charge it (two fsynced transactions).
func BenchmarkIssueAndPay(b *testing.B) {
	env := sandboxtest.Start(b, sandbox.Options{})
	acct := env.Account(b, "Bench", "CNY", 1_000_000_000)
	ctx := b.Context()
	i := 0
	for b.Loop() {
		i++
		code := env.Code(b, acct.ID)
		p, err := env.Client.Pay(ctx, env.Sign(payReq(fmt.Sprint("b", i), code, 1)))
		if err != nil || p.Status != payhost.StatusSuccess {
			b.Fatalf("pay: %+v %v", p, err)
		}
	}
}

// BenchmarkVerify measures Verify over 300 payments.
func BenchmarkVerify(b *testing.B) {
	env := sandboxtest.Start(b, sandbox.Options{})
	acct := env.Account(b, "Bench", "CNY", 1_000_000)
	for i := range 300 {
		env.Host.Pay(b.Context(), env.Sign(payReq(fmt.Sprint("v", i), env.Code(b, acct.ID), 1)))
	}
	for b.Loop() {
		if err := env.Host.Verify(b.Context()); err != nil {
			b.Fatal(err)
		}
	}
}
