package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"payterm/firmware/poslink/poslinktest"
)

// pos serve takes an order on its local API and one from its watched
// folder, and pays both through the terminal; it refuses to listen
// beyond loopback.
func TestServe(t *testing.T) {
	url, ca := terminal(t, &poslinktest.Terminal{})
	dir := t.TempDir()
	base, _ := startServe(t, "serve", "-terminal", url, "-ca", ca, "-mode", "direct", "-listen", "127.0.0.1:0", "-watch", dir,
		"-pairing", filepath.Join(t.TempDir(), "p.json"))
	stage := func(want string) { t.Helper(); waitStage(t, base, want) }
	js, _ := os.ReadFile("../../sample-order.json")
	resp, err := http.Post(base+"/orders", "application/json", strings.NewReader(string(js)))
	if err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST /orders: %v %v", resp, err)
	}
	stage("paid")
	os.WriteFile(filepath.Join(dir, "o2.csv"), []byte("label,quantity,unit_price\nTea,2,4.50\n"), 0o644)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(filepath.Join(dir, "done", "o2.csv")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("o2.csv not taken")
		}
	}
	stage("paid")

	var out bytes.Buffer
	err = run(t.Context(), []string{"serve", "-terminal", url, "-ca", ca, "-listen", "0.0.0.0:0"}, strings.NewReader(""), &out)
	if err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("listening on all addresses: %v", err)
	}
}

// startServe runs pos with args (a serve) until the test ends, and
// returns the cashier page's base URL and the command's output.
func startServe(t *testing.T, args ...string) (string, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, strings.NewReader(""), out) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	addr := regexp.MustCompile(`cashier page (http://[0-9.:]+)/`)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := addr.FindStringSubmatch(out.String()); m != nil {
			return m[1], out
		}
	}
	t.Fatalf("no address printed:\n%s", out.String())
	return "", nil
}

// waitStage waits for the cashier page at base to show the sale at stage
// want.
func waitStage(t *testing.T, base, want string) {
	t.Helper()
	var s struct{ Stage, Outcome string }
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		resp, err := http.Get(base + "/state")
		if err != nil {
			t.Fatal(err)
		}
		json.NewDecoder(resp.Body).Decode(&s)
		resp.Body.Close()
		if s.Stage == want {
			return
		}
	}
	t.Fatalf("stage %s (%s), want %s", s.Stage, s.Outcome, want)
}
