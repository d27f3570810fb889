package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/pem"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"payterm/firmware/attest"
	"payterm/firmware/order"
	"payterm/firmware/poslink"
	"payterm/firmware/poslink/poslinktest"
	"payterm/internal/secret"
	"payterm/internal/version"
	"payterm/payhost"
	"payterm/payhost/sandbox"
	"payterm/payhost/sandbox/sandboxtest"
	"payterm/pos"
)

// terminal serves nexo over TLS for a scripted terminal, with the dev key,
// and writes its certificate for -ca.
func terminal(t *testing.T, term *poslinktest.Terminal) (url, caFile string) {
	t.Helper()
	store, err := poslink.OpenStore(filepath.Join(t.TempDir(), "s.db"), poslink.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	keys, _ := poslink.NewKeys(poslink.SecurityKey{KeyIdentifier: "payterm-dev", KeyVersion: 1, Passphrase: "payterm-dev-passphrase"})
	srv := poslink.NewServer(poslink.ServerConfig{POIID: "PT1-0001", Keys: keys, Identity: devIdentity{}, Version: version.Firmware()}, term, store, nil)
	ts := httptest.NewTLSServer(srv.Handler())
	t.Cleanup(ts.Close)
	caFile = filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw}), 0o644)
	return ts.URL + "/nexo", caFile
}

func TestSendDirect(t *testing.T) {
	url, ca := terminal(t, &poslinktest.Terminal{})
	var out bytes.Buffer
	err := run(t.Context(), []string{"send", "-terminal", url, "-ca", ca, "-mode", "direct", "-order", "../../sample-order.json"}, strings.NewReader(""), &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "PAID") || !strings.Contains(out.String(), "CNY 46.72") {
		t.Fatalf("output:\n%s", out.String())
	}
}

func TestSendErrors(t *testing.T) {
	url, ca := terminal(t, &poslinktest.Terminal{})
	tests := []struct {
		name string
		args []string
		has  string
	}{
		{"no command", nil, "usage"},
		{"unknown command", []string{"refund"}, "unknown command"},
		{"no order", []string{"send", "-terminal", url, "-ca", ca}, "-order"},
		{"missing file", []string{"send", "-terminal", url, "-ca", ca, "-order", "nope.json"}, "no such file"},
		{"bad terminal", []string{"send", "-terminal", "ftp://x", "-order", "../../sample-order.json"}, "https://"},
		{"wrong key", []string{"send", "-terminal", url, "-ca", ca, "-passphrase", "wrong", "-mode", "direct", "-order", "../../sample-order.json"}, "not paid"},
		{"bad terminal key", []string{"send", "-terminal", url, "-terminal-key", "zz", "-order", "../../sample-order.json"}, "64 hex"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(t.Context(), tt.args, strings.NewReader(""), &out)
			if err == nil || !strings.Contains(err.Error(), tt.has) {
				t.Fatalf("err %v, want %q\n%s", err, tt.has, out.String())
			}
		})
	}
}

// The demo sends the sample order on Enter and keeps running after its
// input ends, until stopped.
func TestDemo(t *testing.T) {
	host := sandboxtest.Start(t, sandbox.Options{})
	host.RegisterTerminal(t, "PT1-0001", attest.DevKey().Public().(ed25519.PublicKey))
	term := &poslinktest.Terminal{}
	url, ca := terminal(t, term)
	ctx, cancel := context.WithCancel(t.Context())
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"demo", "-terminal", url, "-ca", ca, "-payhost", host.Server.URL,
			"-pairing", filepath.Join(t.TempDir(), "pairing.json")}, strings.NewReader("\n"), &out)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "order DEMO-0001:") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	select {
	case err := <-done:
		t.Fatalf("demo ended on its own: %v\n%s", err, out.String())
	default:
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"paired with terminal PT1-0001", "a payment code to try", "order DEMO-0001 sent", "no more input", "order DEMO-0001:"} {
		if !strings.Contains(s, want) {
			t.Fatalf("output lacks %q:\n%s", want, s)
		}
	}
	if term.Count("Acquire") != 1 {
		t.Fatalf("terminal asked %d times", term.Count("Acquire"))
	}
}

func TestLogs(t *testing.T) {
	url, ca := terminal(t, &poslinktest.Terminal{})
	var out bytes.Buffer
	if err := run(t.Context(), []string{"logs", "-terminal", url, "-ca", ca}, strings.NewReader(""), &out); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "terminal PT1-0001: OK") {
		t.Fatalf("output %q", out.String())
	}
	if err := run(t.Context(), []string{"logs", "-terminal", url, "-ca", ca, "-plain"}, strings.NewReader(""), &out); err == nil {
		t.Fatal("log tail sent over a plain request")
	}
}

// devIdentity is the scripted terminal's identity: the dev key.
type devIdentity struct{}

func (devIdentity) PublicKey() ed25519.PublicKey { return attest.DevKey().Public().(ed25519.PublicKey) }

// signedAcquire captures code with the statement the firmware makes,
// signed with the dev key at host's time.
func signedAcquire(host *sandboxtest.Env, code string) func(context.Context, poslink.Call, order.Order) poslink.Result {
	return func(_ context.Context, c poslink.Call, o order.Order) poslink.Result {
		st := sandboxtest.Statement(payhost.PayRequest{AuthCode: code, Amount: o.Total, Currency: o.Currency.Code, OrderHash: o.Hash().String()},
			c.POIID, attest.DevKey(), host.Clock.Now())
		return poslink.Result{Approved: true, Hash: o.Hash(), Method: "code", Code: secret.Code(code),
			Statement: st.Encode(), Signature: st.Sign(attest.DevKey())}
	}
}

// TestPairThenSendRelay: pos pair writes the pairing; send in relay mode
// verifies the credential with it and charges; a pairing with another
// key makes send refuse the credential, and the money stays.
func TestPairThenSendRelay(t *testing.T) {
	host := sandboxtest.Start(t, sandbox.Options{})
	host.RegisterTerminal(t, "PT1-0001", attest.DevKey().Public().(ed25519.PublicKey))
	cust := host.Account(t, "Customer", "CNY", 100000)
	term := &poslinktest.Terminal{}
	url, ca := terminal(t, term)
	pairing := filepath.Join(t.TempDir(), "pairing.json")
	var out bytes.Buffer
	if err := run(t.Context(), []string{"pair", "-terminal", url, "-ca", ca, "-out", pairing}, strings.NewReader(""), &out); err != nil {
		t.Fatalf("pair: %v\n%s", err, out.String())
	}
	p, err := pos.ReadPairing(pairing)
	if err != nil || p != pos.PairingOf("PT1-0001", devIdentity{}.PublicKey()) {
		t.Fatalf("pairing %+v, %v", p, err)
	}
	send := []string{"send", "-terminal", url, "-ca", ca, "-payhost", host.Server.URL, "-pairing", pairing, "-order", "../../sample-order.json"}

	term.AcquireFunc = signedAcquire(host, host.Code(t, cust.ID))
	if err := run(t.Context(), send, strings.NewReader(""), &out); err != nil || !strings.Contains(out.String(), "PAID") {
		t.Fatalf("send: %v\n%s", err, out.String())
	}
	paid, _ := host.Host.Account(t.Context(), cust.ID)

	other := sha256.Sum256([]byte("another terminal"))
	if err := pos.WritePairing(pairing, pos.PairingOf("PT1-0001", ed25519.NewKeyFromSeed(other[:]).Public().(ed25519.PublicKey))); err != nil {
		t.Fatal(err)
	}
	term.AcquireFunc = signedAcquire(host, host.Code(t, cust.ID))
	if err := run(t.Context(), send, strings.NewReader(""), &out); err == nil {
		t.Fatalf("credential charged under a key the POS did not pair with\n%s", out.String())
	}
	if acct, _ := host.Host.Account(t.Context(), cust.ID); acct.Balance != paid.Balance {
		t.Fatalf("balance moved from %d to %d", paid.Balance, acct.Balance)
	}
}
