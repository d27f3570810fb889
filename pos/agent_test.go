package pos

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"payterm/firmware/attest"
	"payterm/firmware/order"
	"payterm/firmware/poslink"
	"payterm/firmware/poslink/poslinktest"
	"payterm/internal/secret"
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
	srv := poslink.NewServer(poslink.ServerConfig{POIID: "PT1-0001", Keys: keys, Identity: devIdentity{}, Version: "1.0.0"}, term, store, nil)
	transport := func(ctx context.Context, req []byte) ([]byte, error) { return srv.HandleMessage(ctx, req), nil }
	client, err := poslink.NewClient(poslink.ClientConfig{POIID: "PT1-0001", Key: &key, Transport: transport})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	a := &Agent{Terminal: client, POIID: "PT1-0001", SaleID: "POS-1", Payer: host.Client,
		Pairing: PairingOf("PT1-0001", devPublic()), Log: slog.New(slog.DiscardHandler),
		NewServiceID: func() string { n++; return strconv.Itoa(n) }}
	host.RegisterTerminal(t, "PT1-0001", devPublic())
	return &rig{agent: a, term: term, host: host, cust: host.Account(t, "Customer", "CNY", 100000)}
}

// devIdentity is the terminal's identity at pairing: the dev key.
type devIdentity struct{}

func (devIdentity) PublicKey() ed25519.PublicKey { return devPublic() }

func devPublic() ed25519.PublicKey { return attest.DevKey().Public().(ed25519.PublicKey) }

// signedAcquire captures code for the order with the statement the
// firmware makes, signed with the dev key at the host's time.
func (r *rig) signedAcquire(code string, tamper func(*poslink.Result)) func(context.Context, poslink.Call, order.Order) poslink.Result {
	return func(_ context.Context, c poslink.Call, o order.Order) poslink.Result {
		res := poslink.Result{Approved: true, Hash: o.Hash(), Method: "code", Code: secret.Code(code)}
		st := sandboxtest.Statement(payhost.PayRequest{AuthCode: code, Amount: o.Total, Currency: o.Currency.Code, OrderHash: o.Hash().String()},
			"PT1-0001", attest.DevKey(), r.host.Clock.Now())
		res.Statement, res.Signature = st.Encode(), st.Sign(attest.DevKey())
		if tamper != nil {
			tamper(&res)
		}
		return res
	}
}

// resign replaces the statement with an edited one signed again by the
// terminal's key: the POS must still refuse what does not match.
func resign(edit func(*payhost.Statement)) func(*poslink.Result) {
	return func(r *poslink.Result) {
		st, _ := payhost.DecodeStatement(r.Statement)
		edit(&st)
		r.Statement, r.Signature = st.Encode(), st.Sign(attest.DevKey())
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
		name    string
		tamper  func(*poslink.Result)
		pairing Pairing // zero: the rig's (the dev key)
	}{
		{"statement for another code", resign(func(s *payhost.Statement) { s.Credential = payhost.CredentialDigest("1") }), Pairing{}},
		{"statement for another amount", resign(func(s *payhost.Statement) { s.Amount++ }), Pairing{}},
		{"statement for another order", resign(func(s *payhost.Statement) { s.OrderHash = strings.Repeat("0", 64) }), Pairing{}},
		{"statement by another terminal", resign(func(s *payhost.Statement) { s.TerminalID = "PT1-0002" }), Pairing{}},
		{"no statement", func(r *poslink.Result) { r.Statement = "" }, Pairing{}},
		{"no signature", func(r *poslink.Result) { r.Signature = "" }, Pairing{}},
		{"not base64", func(r *poslink.Result) { r.Signature = "%%%" }, Pairing{}},
		{"forged with another key", func(r *poslink.Result) {
			st, _ := payhost.DecodeStatement(r.Statement)
			r.Signature = st.Sign(otherKey())
		}, Pairing{}},
		{"signed by a key the POS did not pair with", nil, PairingOf("PT1-0001", otherKey().Public().(ed25519.PublicKey))},
		{"paired with another terminal", nil, PairingOf("PT1-0002", devPublic())},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			if tt.pairing != (Pairing{}) {
				r.agent.Pairing = tt.pairing
			}
			o, _ := SampleOrder("R-2")
			r.term.AcquireFunc = r.signedAcquire(r.host.Code(t, r.cust.ID), tt.tamper)
			if out, err := r.agent.Pay(t.Context(), o, Relay); err == nil || out.Paid {
				t.Fatalf("paid with a bad credential: %v %v", out, err)
			}
			acct, _ := r.host.Host.Account(t.Context(), r.cust.ID)
			if acct.Balance != 100000 {
				t.Fatalf("balance moved to %d", acct.Balance)
			}
			if c := r.term.Calls(); len(c) != 2 || c[1].Method != "Outcome" || c[1].Approved {
				t.Fatalf("customer not told the credential was refused: %+v", c)
			}
		})
	}
}

// TestRelayRefusedWithoutPairing: an agent that never paired has no key,
// so it charges nothing (there is no unverified default).
func TestRelayRefusedWithoutPairing(t *testing.T) {
	r := newRig(t)
	r.agent.Pairing = Pairing{}
	o, _ := SampleOrder("R-6")
	r.term.AcquireFunc = r.signedAcquire(r.host.Code(t, r.cust.ID), nil)
	out, err := r.agent.Pay(t.Context(), o, Relay)
	if !errors.Is(err, ErrNotPaired) || out.Paid {
		t.Fatalf("%+v %v, want ErrNotPaired", out, err)
	}
	if acct, _ := r.host.Host.Account(t.Context(), r.cust.ID); acct.Balance != 100000 {
		t.Fatalf("balance moved to %d", acct.Balance)
	}
}

// TestPairThenRelay: pairing over the link learns the terminal's key,
// and the agent then verifies and charges with it.
func TestPairThenRelay(t *testing.T) {
	r := newRig(t)
	p, err := Pair(t.Context(), r.agent.Terminal, r.agent.SaleID, "pair-1", Versions{Min: "1.0.0"})
	if err != nil {
		t.Fatal(err)
	}
	if want := PairingOf("PT1-0001", devPublic()); p != want {
		t.Fatalf("paired %+v, want %+v", p, want)
	}
	path := filepath.Join(t.TempDir(), "sub", "pairing.json")
	if err := WritePairing(path, p); err != nil {
		t.Fatal(err)
	}
	back, err := ReadPairing(path)
	if err != nil || back != p {
		t.Fatalf("read back %+v, %v", back, err)
	}
	r.agent.Pairing = back
	o, _ := SampleOrder("R-7")
	r.term.AcquireFunc = r.signedAcquire(r.host.Code(t, r.cust.ID), nil)
	if out, err := r.agent.Pay(t.Context(), o, Relay); err != nil || !out.Paid {
		t.Fatalf("%v %v", out, err)
	}
}

func otherKey() ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("not the terminal"))
	return ed25519.NewKeyFromSeed(seed[:])
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
