package pos

import (
	"context"
	"crypto/ed25519"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"payterm/firmware/order"
	"payterm/firmware/poslink"
	"payterm/firmware/poslink/poslinktest"
	"payterm/payhost"
	"payterm/payhost/sandbox"
	"payterm/payhost/sandbox/sandboxtest"
)

// rig is a POS agent talking to a scripted terminal over a real link
// (poslink server in-process) and to a sandbox payment host.
type rig struct {
	agent *Agent
	term  *poslinktest.Terminal
	host  *sandboxtest.Env
	cust  sandbox.Account
}

func newRig(t *testing.T) *rig {
	t.Helper()
	host := sandboxtest.Start(t, sandbox.Options{})
	term := &poslinktest.Terminal{}
	store, err := poslink.OpenStore(filepath.Join(t.TempDir(), "services.db"), poslink.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	key := poslink.SecurityKey{KeyIdentifier: "k", KeyVersion: 1, Passphrase: "test passphrase"}
	keys, err := poslink.NewKeys(key)
	if err != nil {
		t.Fatal(err)
	}
	srv := poslink.NewServer(poslink.ServerConfig{POIID: "PT1-0001", Keys: keys}, term, store, nil)
	transport := func(ctx context.Context, req []byte) ([]byte, error) { return srv.HandleMessage(ctx, req), nil }
	client, err := poslink.NewClient(poslink.ClientConfig{POIID: "PT1-0001", Key: &key, Transport: transport})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	a := &Agent{Terminal: client, POIID: "PT1-0001", SaleID: "POS-1", Payer: host.Client,
		TerminalKey: sandboxtest.TerminalKey().Public().(ed25519.PublicKey), Log: slog.New(slog.DiscardHandler),
		NewServiceID: func() string { n++; return strconv.Itoa(n) }}
	return &rig{agent: a, term: term, host: host, cust: host.Account(t, "Customer", "CNY", 100000)}
}

// signedAcquire captures code for the order with the statement the
// firmware makes, signed by the sandbox's registered terminal at the
// host's time.
func (r *rig) signedAcquire(code string, tamper func(*poslink.Result)) func(context.Context, poslink.Call, order.Order) poslink.Result {
	return func(_ context.Context, c poslink.Call, o order.Order) poslink.Result {
		res := poslink.Result{Approved: true, Hash: o.Hash(), Method: "code", Code: code}
		st := sandboxtest.Statement(payhost.PayRequest{AuthCode: code, Amount: o.Total, Currency: o.Currency.Code, OrderHash: o.Hash().String()},
			sandboxtest.TerminalID, sandboxtest.TerminalKey(), r.host.Clock.Now())
		res.Statement, res.Signature = st.Encode(), st.Sign(sandboxtest.TerminalKey())
		if tamper != nil {
			tamper(&res)
		}
		return res
	}
}

// resign replaces the statement with an edited one, signed again by the
// terminal's key: the POS must still refuse what does not match.
func resign(edit func(*payhost.Statement)) func(*poslink.Result) {
	return func(r *poslink.Result) {
		st, _ := payhost.DecodeStatement(r.Statement)
		edit(&st)
		r.Statement, r.Signature = st.Encode(), st.Sign(sandboxtest.TerminalKey())
	}
}

func TestRelayChargesAndShowsOutcome(t *testing.T) {
	r := newRig(t)
	o, _ := SampleOrder("R-1")
	r.term.AcquireFunc = r.signedAcquire(r.host.Code(t, r.cust.ID), nil)
	out, err := r.agent.Pay(t.Context(), o, Relay)
	if err != nil || !out.Paid {
		t.Fatalf("%v %v", out, err)
	}
	acct, _ := r.host.Host.Account(t.Context(), r.cust.ID)
	if acct.Balance != 100000-o.Total {
		t.Fatalf("balance %d", acct.Balance)
	}
	if r.term.Count("Outcome") != 1 {
		t.Fatalf("outcome shown %d times", r.term.Count("Outcome"))
	}
	if c := r.term.Calls()[1]; c.Method != "Outcome" || !c.Approved {
		t.Fatalf("terminal told %+v", c)
	}
}

func TestRelayRefusesBadCredentials(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(*poslink.Result)
	}{
		{"statement for another code", resign(func(s *payhost.Statement) { s.Credential = payhost.CredentialDigest("1") })},
		{"statement for another amount", resign(func(s *payhost.Statement) { s.Amount++ })},
		{"statement for another order", resign(func(s *payhost.Statement) { s.OrderHash = strings.Repeat("0", 64) })},
		{"no signature", func(r *poslink.Result) { r.Signature = "" }},
		{"signature by another key", func(r *poslink.Result) {
			st, _ := payhost.DecodeStatement(r.Statement)
			r.Signature = st.Sign(ed25519.NewKeyFromSeed(make([]byte, 32)))
		}},
		{"no statement", func(r *poslink.Result) { r.Statement = "" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			o, _ := SampleOrder("R-2")
			r.term.AcquireFunc = r.signedAcquire(r.host.Code(t, r.cust.ID), tt.tamper)
			if out, err := r.agent.Pay(t.Context(), o, Relay); err == nil || out.Paid {
				t.Fatalf("paid with a bad credential: %v %v", out, err)
			}
			acct, _ := r.host.Host.Account(t.Context(), r.cust.ID)
			if acct.Balance != 100000 {
				t.Fatalf("balance moved to %d", acct.Balance)
			}
		})
	}
}

func TestRelayDeclineIsShown(t *testing.T) {
	r := newRig(t)
	o, _ := SampleOrder("R-3")
	code := r.host.Code(t, r.cust.ID)
	r.host.Clock.Advance(61e9) // the code expired while the customer hesitated
	r.term.AcquireFunc = r.signedAcquire(code, nil)
	out, err := r.agent.Pay(t.Context(), o, Relay)
	if err != nil || out.Paid || out.Reason != "CODE_EXPIRED" {
		t.Fatalf("%+v %v", out, err)
	}
	if c := r.term.Calls()[1]; c.Method != "Outcome" || c.Approved || c.Text != "CODE_EXPIRED" {
		t.Fatalf("terminal told %+v", c)
	}
}

func TestRelayFlaggedLines(t *testing.T) {
	r := newRig(t)
	o, _ := SampleOrder("R-4")
	r.term.AcquireFunc = func(context.Context, poslink.Call, order.Order) poslink.Result {
		return poslink.Result{Condition: "Cancel", Reason: "customer reported wrong items", Flagged: []string{"2", "4"}}
	}
	out, err := r.agent.Pay(t.Context(), o, Relay)
	if err != nil || out.Paid || len(out.Flagged) != 2 || out.Flagged[1] != "4" {
		t.Fatalf("%+v %v", out, err)
	}
	if r.term.Count("Outcome") != 0 {
		t.Fatal("an outcome was shown for a sale that never captured a credential")
	}
}

func TestDirectReportsTerminalResult(t *testing.T) {
	r := newRig(t)
	o, _ := SampleOrder("D-1")
	out, err := r.agent.Pay(t.Context(), o, Direct)
	if err != nil || !out.Paid || out.Hash != o.Hash() {
		t.Fatalf("%+v %v", out, err)
	}
	if _, err := r.agent.Pay(t.Context(), o, Mode("cash")); err == nil {
		t.Fatal("unknown mode accepted")
	}
}

func TestRelayPaymentHostDown(t *testing.T) {
	r := newRig(t)
	o, _ := SampleOrder("R-5")
	r.term.AcquireFunc = r.signedAcquire(r.host.Code(t, r.cust.ID), nil)
	r.host.Server.Close()
	out, err := r.agent.Pay(t.Context(), o, Relay)
	if err == nil || out.Paid || out.Condition != "UnreachableHost" {
		t.Fatalf("%+v %v", out, err)
	}
	if c := r.term.Calls()[1]; c.Method != "Outcome" || c.Approved {
		t.Fatalf("customer not told: %+v", c)
	}
}
