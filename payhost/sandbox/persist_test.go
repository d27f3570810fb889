package sandbox_test

import (
	"bytes"
	"crypto/ed25519"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"payterm/internal/secret"
	"payterm/payhost"
	"payterm/payhost/sandbox"
	"payterm/payhost/sandbox/sandboxtest"
)

// TestReopen writes through one Host, closes it, and finds everything
// again through a second Host on the same file.
func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "payhost.db")
	clock := sandboxtest.NewClock()
	ctx := t.Context()

	opts := sandbox.Options{Now: clock.Now, FaceKey: sandboxtest.FaceKey(), Recognizer: sandboxtest.ColourFaces{}}
	h, err := sandbox.Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	acct, err := h.CreateAccount(ctx, sandbox.NewAccount{Name: "Ivy", Currency: "CNY", Balance: 9000})
	if err != nil {
		t.Fatal(err)
	}
	used, _ := h.IssueCode(ctx, acct.ID)
	unused, _ := h.IssueCode(ctx, acct.ID)
	if _, err := h.EnrolFace(ctx, acct.ID, sandbox.NewFace{CropJPEG: red}); err != nil {
		t.Fatal(err)
	}
	key := sandboxtest.TerminalKey()
	if err := h.RegisterTerminal(ctx, sandboxtest.TerminalID, key.Public().(ed25519.PublicKey)); err != nil {
		t.Fatal(err)
	}
	sign := func(r payhost.PayRequest) payhost.PayRequest {
		return sandboxtest.SignedPay(r, sandboxtest.TerminalID, key, clock.Now())
	}
	o1 := sign(payReq("o1", used.Code, 2500))
	paid, err := h.Pay(ctx, o1)
	if err != nil || !paid.Paid() {
		t.Fatalf("pay: %+v %v", paid, err)
	}
	byFace, _ := h.Pay(ctx, sign(faceReq(t, "o2", red, 500)))
	reversed, _ := h.Reverse(ctx, "o2")
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}

	h, err = sandbox.Open(path, opts) // the faces come back from the database
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	got, err := h.Account(ctx, acct.ID)
	if err != nil || got.Balance != 9000-2500 || got.Name != "Ivy" {
		t.Fatalf("account after reopen: %+v %v", got, err)
	}
	for no, want := range map[string]payhost.Payment{"o1": paid, "o2": reversed} {
		if q, err := h.Query(ctx, no); err != nil || stripTimes(q) != stripTimes(want) {
			t.Errorf("query %s after reopen: %+v %v, want %+v", no, q, err, want)
		}
	}
	if byFace.Status != payhost.StatusSuccess {
		t.Errorf("face pay before reopen: %+v", byFace)
	}
	// The used code stays used, the unused one works, the face is enrolled,
	// the terminal is registered, and a replay of o1 still charges nothing.
	checks := []struct {
		req        payhost.PayRequest
		wantStatus payhost.Status
		wantReason string
	}{
		{sign(payReq("o3", used.Code, 1)), payhost.StatusFail, payhost.ReasonCodeUsed},
		{sign(payReq("o4", unused.Code, 1)), payhost.StatusSuccess, ""},
		{sign(faceReq(t, "o5", red, 1)), payhost.StatusSuccess, ""},
		{o1, payhost.StatusSuccess, ""},
	}
	for _, c := range checks {
		p, err := h.Pay(ctx, c.req)
		if err != nil || p.Status != c.wantStatus || p.Reason != c.wantReason {
			t.Errorf("after reopen, pay %s: %+v %v, want %s %s", c.req.OutTradeNo, p, err, c.wantStatus, c.wantReason)
		}
	}
	if got, _ := h.Account(ctx, acct.ID); got.Balance != 9000-2500-2 {
		t.Errorf("balance %d, want %d", got.Balance, 9000-2500-2)
	}
	// Sequences carry on instead of restarting.
	next, err := h.CreateAccount(ctx, sandbox.NewAccount{Name: "Jo", Currency: "CNY"})
	if err != nil || next.ID == acct.ID {
		t.Errorf("new account after reopen: %+v %v", next, err)
	}
	if err := h.Verify(ctx); err != nil {
		t.Error(err)
	}
}

// TestOpenLocked: a second Host on a file in use fails instead of
// sharing it.
func TestOpenLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "payhost.db")
	h, err := sandbox.Open(path, sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if h2, err := sandbox.Open(path, sandbox.Options{LockTimeout: 50 * time.Millisecond}); err == nil {
		h2.Close()
		t.Fatal("opened a database file that is in use")
	}
}

// TestLogsMaskCodes: the log names payments but never a whole code.
func TestLogsMaskCodes(t *testing.T) {
	var buf bytes.Buffer
	env := sandboxtest.Start(t, sandbox.Options{Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	acct := env.Account(t, "Kim", "CNY", 1000)
	code := env.Code(t, acct.ID)
	env.EnrolCrop(t, acct.ID, red)
	byFace := faceReq(t, "o-face", red, 10)
	face := byFace.AuthCode[len(payhost.FacePrefix)+8 : len(byFace.AuthCode)-8] // the token's middle
	for _, req := range []payhost.PayRequest{payReq("o-code", code, 10), byFace} {
		if p, err := env.Client.Pay(t.Context(), env.Sign(req)); err != nil || !p.Paid() {
			t.Fatalf("%+v %v", p, err)
		}
	}
	// A request the server refuses must not leak the code either.
	srv := httptest.NewServer(env.Host.Handler())
	defer srv.Close()
	env.Server.Client().Post(srv.URL+"/v1/pay", "application/json", strings.NewReader(`{"auth_code":"`+code+`"}`))

	logs := buf.String()
	for _, s := range []string{code, face} {
		if strings.Contains(logs, s) {
			t.Errorf("log contains a secret:\n%s", logs)
		}
	}
	if !strings.Contains(logs, secret.Mask(code)) {
		t.Errorf("log lacks the masked code %s:\n%s", secret.Mask(code), logs)
	}
}
