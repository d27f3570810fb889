package systemtest

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"log/slog"
	"net"
	"sync/atomic"
	"testing"

	"payterm/firmware/attest"
	"payterm/firmware/order"
	"payterm/firmware/poslink"
	"payterm/firmware/poslink/stream"
	"payterm/payhost/sandbox"
	"payterm/payhost/sandbox/sandboxtest"
	"payterm/pos"
)

// The firmware's dev link key, which the image runs with (public values,
// printed in its start banner).
const (
	devKeyID      = "payterm-dev"
	devKeyVersion = 1
	devPassphrase = "payterm-dev-passphrase"
)

// cashier is the POS on the host: the agent on the guest's POS UART in
// relay mode, charging through a sandbox payment system in this process.
type cashier struct {
	agent   *pos.Agent
	link    *poslink.Client
	replies *replyTap // what the link received, decrypted
	host    *sandboxtest.Env
}

// devKey is the link key the image's firmware accepts.
func devKey() poslink.SecurityKey {
	return poslink.SecurityKey{KeyIdentifier: devKeyID, KeyVersion: devKeyVersion, Passphrase: devPassphrase}
}

// newLink connects a nexo client to the POS UART's socket, its replies
// kept in the tap. Call it once the firmware has opened its end (the
// console says "nexo over serial"): before that the guest's tty drops
// what arrives.
func newLink(t testing.TB, g *guest) (*poslink.Client, *replyTap) {
	t.Helper()
	return linkOver(t, g.dial(g.posSock))
}

// linkOver is newLink on a connection already dialled: a test that pulls
// the cable closes c.
func linkOver(t testing.TB, c net.Conn) (*poslink.Client, *replyTap) {
	t.Helper()
	// As the POS agent does (pos serve -baud): wait for a frame's wire
	// time at the terminal's 115200 baud before counting a missing ACK.
	// The guest's emulated UART takes a 29 KiB update chunk in well over
	// the bare 500 ms, so without it the POS resent and gave up.
	conn := stream.New(c, stream.Options{ByteRate: stream.ByteRate(115200)})
	client := stream.NewClient(conn)
	t.Cleanup(func() {
		client.Close()
		conn.Close()
	})
	key := devKey()
	tap, err := newReplyTap(client.RoundTrip, key)
	if err != nil {
		t.Fatal(err)
	}
	link, err := poslink.NewClient(poslink.ClientConfig{POIID: poiID, Transport: tap.roundTrip, Key: &key})
	if err != nil {
		t.Fatal(err)
	}
	return link, tap
}

// newCashier connects to the POS UART's socket (see newLink).
func newCashier(t testing.TB, g *guest) *cashier {
	t.Helper()
	link, tap := newLink(t, g)
	// The guest signs statements at its own (real) time with the dev key.
	env := sandboxtest.StartLive(t, sandbox.Options{})
	env.RegisterTerminal(t, poiID, attest.DevKey().Public().(ed25519.PublicKey))
	var n atomic.Int64
	agent := &pos.Agent{
		Terminal: link, POIID: poiID, SaleID: "POS-QEMU", Payer: env.Client,
		Pairing: pos.PairingOf(poiID, attest.DevKey().Public().(ed25519.PublicKey)),
		Log:     slog.New(slog.DiscardHandler),
		NewServiceID: func() string {
			return fmt.Sprintf("qemu-%d", n.Add(1))
		},
	}
	return &cashier{agent: agent, link: link, replies: tap, host: env}
}

// customer opens an account able to pay a few orders.
func (c *cashier) customer(t testing.TB) sandbox.Account {
	return c.host.Account(t, "QEMU customer", "CNY", 10_000_00)
}

func (c *cashier) balance(t testing.TB, id string) int64 {
	t.Helper()
	a, err := c.host.Host.Account(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a.Balance
}

// sale is one Pay running in the background.
type sale struct {
	done chan saleResult
}

type saleResult struct {
	out pos.Outcome
	err error
}

// pay starts a sale of o in relay mode.
func (c *cashier) pay(ctx context.Context, o order.Order) *sale {
	s := &sale{done: make(chan saleResult, 1)}
	go func() {
		out, err := c.agent.Pay(ctx, o, pos.Relay)
		s.done <- saleResult{out, err}
	}()
	return s
}

// wait waits for the sale's outcome.
func (s *sale) wait(t testing.TB, ctx context.Context) pos.Outcome {
	t.Helper()
	select {
	case r := <-s.done:
		if r.err != nil {
			t.Fatalf("POS: %v", r.err)
		}
		return r.out
	case <-ctx.Done():
		t.Fatalf("POS: no outcome: %v", ctx.Err())
	}
	return pos.Outcome{}
}
