package main

import (
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
	ctx, cancel := context.WithCancel(t.Context())
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "-terminal", url, "-ca", ca, "-mode", "direct", "-listen", "127.0.0.1:0", "-watch", dir,
			"-pairing", filepath.Join(t.TempDir(), "p.json")}, strings.NewReader(""), &out)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	addr := regexp.MustCompile(`cashier page (http://[0-9.:]+)/`)
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := addr.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatalf("no address printed:\n%s", out.String())
	}
	stage := func(want string) {
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

	err = run(t.Context(), []string{"serve", "-terminal", url, "-ca", ca, "-listen", "0.0.0.0:0"}, strings.NewReader(""), &out)
	if err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("listening on all addresses: %v", err)
	}
}
