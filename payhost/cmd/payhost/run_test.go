package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"payterm/payhost/sandbox"
)

// startRun runs the command in the background and returns the demo
// account id it printed, the address it listens on, and a stop function
// that returns run's error.
func startRun(t *testing.T, db string, extra ...string) (demoID, addr string, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		args := append([]string{"-listen", "127.0.0.1:0", "-db", db, "-seed-demo"}, extra...)
		done <- run(ctx, args, pw, slog.New(slog.DiscardHandler))
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	for addr == "" && sc.Scan() {
		line := sc.Text()
		if id, ok := strings.CutPrefix(line, "demo account "); ok {
			demoID = id
		}
		if a, ok := strings.CutPrefix(line, "listening on "); ok {
			addr = a
		}
	}
	go io.Copy(io.Discard, pr)
	if addr == "" {
		cancel()
		t.Fatalf("run ended early: %v", <-done)
	}
	return demoID, addr, func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("run did not stop")
			return nil
		}
	}
}

func TestRunSeedsServesAndStops(t *testing.T) {
	db := filepath.Join(t.TempDir(), "payhost.db")
	id, addr, stop := startRun(t, db)
	if id == "" {
		t.Fatal("no demo account printed")
	}
	resp, err := http.Get("http://" + addr + "/accounts/" + id)
	if err != nil {
		t.Fatal(err)
	}
	var acct sandbox.Account
	err = json.NewDecoder(resp.Body).Decode(&acct)
	resp.Body.Close()
	if err != nil || acct.Name != "Demo customer" || acct.Currency != "CNY" || acct.Balance != 100000 {
		t.Fatalf("demo account: %+v %v", acct, err)
	}
	if err := stop(); err != nil {
		t.Fatalf("run after cancel: %v", err)
	}
	if _, err := http.Get("http://" + addr + "/accounts/" + id); err == nil {
		t.Error("still serving after stop")
	}

	// A second start on the same file finds the demo account, not a new one.
	again, _, stop := startRun(t, db)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if again != id {
		t.Errorf("second -seed-demo printed %q, want the existing %q", again, id)
	}
}

func TestRunRefusesBadArguments(t *testing.T) {
	db := filepath.Join(t.TempDir(), "payhost.db")
	cases := [][]string{
		{"-nosuchflag"},
		{"-db", db, "extra"},
		{"-db", db, "-listen", "not-an-address"},
		{"-db", filepath.Join(t.TempDir(), "missing-dir", "x.db")},
		{"-db", db, "-terminal", "PT1"},
		{"-db", db, "-terminal", "PT1=abcd"},
		{"-db", db, "-terminal", "=" + strings.Repeat("ab", 32)},
		{"-db", db, "-terminal", "PT1=" + strings.Repeat("zz", 32)},
	}
	for _, args := range cases {
		if err := run(t.Context(), args, io.Discard, slog.New(slog.DiscardHandler)); err == nil {
			t.Errorf("run %q: no error", args)
		}
	}
}

// TestRunRegistersTerminals: each -terminal is registered before serving,
// and a later start with another key replaces it.
func TestRunRegistersTerminals(t *testing.T) {
	db := filepath.Join(t.TempDir(), "payhost.db")
	keyA, keyB := strings.Repeat("ab", 32), strings.Repeat("cd", 32)
	get := func(addr, id string) sandbox.Terminal {
		t.Helper()
		admin := &sandbox.AdminClient{Base: "http://" + addr}
		term, err := admin.Terminal(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		return term
	}
	_, addr, stop := startRun(t, db, "-terminal", "PT1-0001="+keyA, "-terminal", "a=b="+keyB)
	if got := get(addr, "PT1-0001"); got.PublicKey != keyA {
		t.Errorf("PT1-0001: %+v", got)
	}
	if got := get(addr, "a=b"); got.PublicKey != keyB {
		t.Errorf("a=b: %+v", got)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	_, addr, stop = startRun(t, db, "-terminal", "PT1-0001="+keyB)
	defer stop()
	if got := get(addr, "PT1-0001"); got.PublicKey != keyB {
		t.Errorf("PT1-0001 after re-registering: %+v", got)
	}
}
