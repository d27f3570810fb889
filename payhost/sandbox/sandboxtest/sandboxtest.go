// Package sandboxtest starts a sandbox payment system for tests: a fresh
// database in the test's temporary directory, served by httptest, with a
// clock the test moves by hand and a registered terminal (TerminalID,
// TerminalKey) to sign payment statements with (Env.Sign, SignedPay).
package sandboxtest

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"payterm/payhost"
	"payterm/payhost/sandbox"
)

// Clock is a fake clock, safe for concurrent use. It starts at a fixed
// instant so runs are reproducible and only moves when told — or, made by
// NewLiveClock, follows the real time plus whatever it was advanced by.
type Clock struct {
	mu   sync.Mutex
	now  time.Time // fixed clock: the time; live clock: the offset from time.Now, as a Time past the zero one
	live bool
}

// NewLiveClock returns a clock reading the real time until advanced, for
// tests with a real terminal that signs statements at its own time.
func NewLiveClock() *Clock { return &Clock{live: true} }

// Epoch is where a NewClock starts: 2026-01-02 03:04:05 UTC.
func Epoch() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }

// NewClock returns a clock reading Epoch.
func NewClock() *Clock { return &Clock{now: Epoch()} }

// Now reads the clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.live {
		return time.Now().Add(c.now.Sub(time.Time{}))
	}
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Env is a running sandbox.
type Env struct {
	Host   *sandbox.Host
	Server *httptest.Server
	Clock  *Clock
	Client *payhost.HTTPClient // talks to Server
	Path   string              // the database file
}

// Start opens a sandbox in tb's temporary directory with a fake clock
// (opts.Now is replaced), FaceKey and ColourFaces unless opts name a face
// key and recognizer, registers the terminal TerminalID with
// TerminalKey, and serves it; everything is closed at cleanup.
func Start(tb testing.TB, opts sandbox.Options) *Env {
	tb.Helper()
	return start(tb, opts, NewClock())
}

// StartLive is Start with a live clock (NewLiveClock), for tests whose
// real terminal signs statements: register it with RegisterTerminal.
func StartLive(tb testing.TB, opts sandbox.Options) *Env {
	tb.Helper()
	return start(tb, opts, NewLiveClock())
}

func start(tb testing.TB, opts sandbox.Options, clock *Clock) *Env {
	tb.Helper()
	opts.Now = clock.Now
	if opts.FaceKey == nil {
		opts.FaceKey = FaceKey()
	}
	if opts.Recognizer == nil {
		opts.Recognizer = ColourFaces{}
	}
	path := filepath.Join(tb.TempDir(), "payhost.db")
	h, err := sandbox.Open(path, opts)
	if err != nil {
		tb.Fatalf("sandboxtest: %v", err)
	}
	srv := httptest.NewServer(h.Handler())
	tb.Cleanup(func() {
		srv.Close()
		if err := h.Close(); err != nil {
			tb.Errorf("sandboxtest: %v", err)
		}
	})
	e := &Env{Host: h, Server: srv, Clock: clock, Client: payhost.NewHTTPClient(srv.URL, srv.Client()), Path: path}
	e.RegisterTerminal(tb, TerminalID, TerminalKey().Public().(ed25519.PublicKey))
	return e
}

// Account opens an account with balance minor units of currency, failing
// the test on error.
func (e *Env) Account(tb testing.TB, name, currency string, balance int64) sandbox.Account {
	tb.Helper()
	a, err := e.Host.CreateAccount(context.Background(), sandbox.NewAccount{Name: name, Currency: currency, Balance: balance})
	if err != nil {
		tb.Fatalf("sandboxtest: %v", err)
	}
	return a
}

// Code issues a payment code for the account, failing the test on error.
func (e *Env) Code(tb testing.TB, accountID string) string {
	tb.Helper()
	c, err := e.Host.IssueCode(context.Background(), accountID)
	if err != nil {
		tb.Fatalf("sandboxtest: %v", err)
	}
	return c.Code
}

// TerminalID is the terminal every Env registers at Start.
const TerminalID = "T1"

// TerminalKey is TerminalID's key, derived from a public string: anyone
// can forge its statements, so it is for tests only.
func TerminalKey() ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("payterm sandboxtest terminal key (public, tests only)"))
	return ed25519.NewKeyFromSeed(seed[:])
}

// RegisterTerminal lets terminal id sign statements with pub (replacing
// its key), failing the test on error.
func (e *Env) RegisterTerminal(tb testing.TB, id string, pub ed25519.PublicKey) {
	tb.Helper()
	if err := e.Host.RegisterTerminal(context.Background(), id, pub); err != nil {
		tb.Fatalf("sandboxtest: %v", err)
	}
}

// Sign returns req signed by TerminalID at the clock's current time (see
// SignedPay).
func (e *Env) Sign(req payhost.PayRequest) payhost.PayRequest {
	return SignedPay(req, TerminalID, TerminalKey(), e.Clock.Now())
}

// Statement returns the statement that binds req exactly (amount,
// currency, order hash, credential), as terminalID holding key would make
// it at at, with a fresh random nonce.
func Statement(req payhost.PayRequest, terminalID string, key ed25519.PrivateKey, at time.Time) payhost.Statement {
	nonce, err := payhost.NewNonce(rand.Reader)
	if err != nil {
		panic("sandboxtest: crypto/rand failed: " + err.Error()) // crypto/rand does not fail on supported systems
	}
	return payhost.Statement{
		TerminalID: terminalID,
		KeyID:      payhost.KeyIDOf(key.Public().(ed25519.PublicKey)),
		OrderHash:  strings.ToLower(req.OrderHash),
		Amount:     req.Amount,
		Currency:   req.Currency,
		Credential: payhost.CredentialDigest(req.AuthCode),
		Nonce:      nonce,
		Time:       at.UTC(),
	}
}

// SignedPay returns a copy of req carrying Statement(req, terminalID, key,
// at) and its signature. Each call draws a new nonce: to replay a request
// idempotently, sign it once and send the result again. req.TerminalID is
// kept; it must be empty or terminalID, or the host refuses the request.
func SignedPay(req payhost.PayRequest, terminalID string, key ed25519.PrivateKey, at time.Time) payhost.PayRequest {
	s := Statement(req, terminalID, key, at)
	req.Statement = &s
	req.Signature = s.Sign(key)
	return req
}
