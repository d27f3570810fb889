// Package sandboxtest starts a sandbox payment system for tests: a fresh
// database in the test's temporary directory, served by httptest, with a
// clock the test moves by hand.
package sandboxtest

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"payterm/payhost"
	"payterm/payhost/sandbox"
)

// Clock is a fake clock, safe for concurrent use. It starts at a fixed
// instant so runs are reproducible and only moves when told.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Epoch is where a NewClock starts: 2026-01-02 03:04:05 UTC.
func Epoch() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }

// NewClock returns a clock reading Epoch.
func NewClock() *Clock { return &Clock{now: Epoch()} }

// Now reads the clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
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
// (opts.Now is replaced) and serves it; everything is closed at cleanup.
func Start(tb testing.TB, opts sandbox.Options) *Env {
	tb.Helper()
	clock := NewClock()
	opts.Now = clock.Now
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
	return &Env{Host: h, Server: srv, Clock: clock, Client: payhost.NewHTTPClient(srv.URL, srv.Client()), Path: path}
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
