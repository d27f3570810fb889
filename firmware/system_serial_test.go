package main

import (
	"context"
	"net/http"
	"testing"
	"time"

	"payterm/firmware/poslink"
	"payterm/firmware/poslink/stream"
	"payterm/internal/ptypair"
	"payterm/pos"
)

// startSerialSystem starts the terminal with the tty end of a pty pair as
// its POS serial port and returns a POS agent on the master end: the
// framed stream over the kernel's tty layer, as over a UART cable.
func startSerialSystem(t *testing.T) (*system, *pos.Agent) {
	s, agent, _ := startSerialLink(t)
	return s, agent
}

// startSerialLink is startSerialSystem that also returns the POS end's
// transport, for clients of the test's own.
func startSerialLink(t *testing.T) (*system, *pos.Agent, poslink.Transport) {
	t.Helper()
	pair, err := ptypair.Open()
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	// Registered first, so it runs last: the terminal lets go of the tty
	// before the pair goes away.
	t.Cleanup(func() { pair.Close() })
	s := startSystem(t, func(c *config) { c.Serial = pair.Name })
	s.WaitLog("nexo over serial")
	conn := stream.New(pair.Master, stream.Options{})
	client := stream.NewClient(conn)
	t.Cleanup(func() {
		client.Close()
		conn.Close()
	})
	return s, s.AgentOn(client.RoundTrip), client.RoundTrip
}

// TestSerialPays: the whole sale over the serial link, in relay mode (the
// POS charges the credential and sends the outcome back over the same
// link) and in direct mode (the terminal charges).
func TestSerialPays(t *testing.T) {
	for _, mode := range []pos.Mode{pos.Relay, pos.Direct} {
		t.Run(string(mode), func(t *testing.T) {
			s, agent := startSerialSystem(t)
			const balance = 50000
			cust := s.Customer(balance)
			o, err := pos.SampleOrder("T-SERIAL-" + string(mode))
			if err != nil {
				t.Fatal(err)
			}
			done := payAsync(t, agent, o, mode)
			st := s.WaitScreen("order")
			if st.OrderHash != o.Hash().String() || st.Phase != "order" {
				t.Fatalf("terminal shows order %s in phase %s, POS sent %s", st.OrderHash, st.Phase, o.Hash())
			}
			if st.ScannerArmed {
				t.Fatal("scanner armed before the customer confirmed")
			}
			s.Tap("confirm", "")
			s.WaitScreen("method")
			s.Tap("choose-code", "")
			s.WaitScreen("show-code")
			s.Scan(s.Code(cust.ID), http.StatusOK)
			out := waitPay(t, done)
			if !out.Paid || out.Hash != o.Hash() || out.Reference == "" {
				t.Fatalf("POS outcome %+v, want paid for %s with a reference", out, o.Hash())
			}
			if got, want := s.Balance(cust.ID), int64(balance)-o.Total; got != want {
				t.Fatalf("balance %d, want %d", got, want)
			}
			if st := s.WaitScreen("paid"); st.ScannerArmed {
				t.Fatal("scanner still armed after the payment")
			}
		})
	}
}

// TestSerialAbortAndStatus: an Abort sent over the serial link while the
// customer is being asked for a code ends the Payment with Aborted and
// frees the terminal; TransactionStatus then repeats the stored response,
// and the next sale goes through.
func TestSerialAbortAndStatus(t *testing.T) {
	s, agent, link := startSerialLink(t)
	// The Payment is stamped with a fixed time so that its repeat below is
	// the very same request, as a POS that lost the reply resends it.
	stamp := time.Now()
	cashier := s.Client(link, func() time.Time { return stamp })
	const balance = 50000
	cust := s.Customer(balance)
	o, err := pos.SampleOrder("T-SERIAL-ABORT")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const sale, paySvc = "POS-TEST", "abort-me-1"
	type result struct {
		res poslink.Result
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := cashier.Payment(ctx, sale, paySvc, o)
		done <- result{res, err}
	}()
	s.WaitScreen("order")
	s.Tap("confirm", "")
	s.WaitScreen("method")
	s.Tap("choose-code", "")
	s.WaitScreen("show-code")

	ref := poslink.MessageReference{MessageCategory: poslink.CategoryPayment, ServiceID: paySvc}
	if err := agent.Terminal.Abort(ctx, sale, "abort-1", ref, "MerchantAbort"); err != nil {
		t.Fatalf("Abort: %v", err)
	}
	var aborted poslink.Result
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatalf("Payment: %v", r.err)
		}
		aborted = r.res
	case <-time.After(10 * time.Second):
		t.Fatal("Payment still pending 10 s after the Abort")
	}
	if aborted.Approved || aborted.Condition != poslink.CondAborted || aborted.Reason == "" {
		t.Fatalf("aborted Payment answered %+v, want Failure Aborted with a reason", aborted)
	}
	if st := s.WaitScreen("idle"); st.Phase != "idle" || st.ScannerArmed {
		t.Fatalf("after the Abort: phase %s, scanner armed %v", st.Phase, st.ScannerArmed)
	}
	code := s.Code(cust.ID)
	s.Scan(code, http.StatusConflict) // too late: nobody asks for a code
	if got := s.Balance(cust.ID); got != balance {
		t.Fatalf("balance %d after an aborted payment, want %d", got, balance)
	}

	st, err := agent.Terminal.TransactionStatus(ctx, sale, "status-1", ref)
	if err != nil {
		t.Fatalf("TransactionStatus: %v", err)
	}
	if st.Response.Result != poslink.ResultSuccess || st.Category != poslink.CategoryPayment || st.Header.ServiceID != paySvc {
		t.Fatalf("TransactionStatus %+v, want Success repeating Payment %s", st, paySvc)
	}
	if st.Result.Approved || st.Result.Condition != aborted.Condition || st.Result.Reason != aborted.Reason {
		t.Fatalf("TransactionStatus repeats %+v, the Payment was answered %+v", st.Result, aborted)
	}
	// A repeat of the Payment itself is answered from the store, not run
	// again: the customer is not asked a second time.
	again, err := cashier.Payment(ctx, sale, paySvc, o)
	if err != nil || again.Approved || again.Condition != poslink.CondAborted {
		t.Fatalf("repeated Payment: %+v, %v; want the stored Aborted", again, err)
	}
	if st := s.State(); st.Phase != "idle" {
		t.Fatalf("repeated Payment started a session: phase %s", st.Phase)
	}

	// The terminal is free for the next sale on the same link.
	o2, err := pos.SampleOrder("T-SERIAL-AFTER-ABORT")
	if err != nil {
		t.Fatal(err)
	}
	done2 := payAsync(t, agent, o2, pos.Direct)
	s.WaitScreen("order")
	s.Tap("confirm", "")
	s.WaitScreen("method")
	s.Tap("choose-code", "")
	s.WaitScreen("show-code")
	s.Scan(code, http.StatusOK)
	if out := waitPay(t, done2); !out.Paid {
		t.Fatalf("sale after the Abort: %+v", out)
	}
	if got, want := s.Balance(cust.ID), int64(balance)-o2.Total; got != want {
		t.Fatalf("balance %d, want %d", got, want)
	}
	paid, err := agent.Terminal.TransactionStatus(ctx, sale, "status-2", poslink.MessageReference{})
	if err != nil || paid.Response.Result != poslink.ResultSuccess || !paid.Result.Approved || paid.Result.Reference == "" {
		t.Fatalf("TransactionStatus of the latest sale: %+v, %v; want the paid response", paid, err)
	}
}
