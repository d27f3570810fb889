package main

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"payterm/firmware/otalink"
	"payterm/firmware/otalink/otalinktest"
	"payterm/firmware/poslink"
	"payterm/pos"
	"payterm/update/bundle/bundletest"
	"payterm/update/manifest"
)

// testBundle writes a real bundle of version (a slot image of size
// bytes) and returns its path and the bundle file's hash.
func testBundle(t *testing.T, version string, size int) (string, [32]byte) {
	t.Helper()
	path, sum, _ := bundletest.Write(t, version, size, "sim")
	return path, sum
}

// TestUpdateWaitsForTheSale: a bundle sent while a customer is paying
// is taken and verified at once, but installed only after the sale, which
// completes paid.
func TestUpdateWaitsForTheSale(t *testing.T) {
	path, sum := testBundle(t, "99.0.0", 200<<10)
	store := &otalinktest.Store{Dir: filepath.Join(t.TempDir(), "sink"), Want: sum, Version: "99.0.0"}
	installed := make(chan manifest.Manifest, 1)
	s := startSystem(t, func(c *config) {
		c.update = updateParts{Open: store.Open, Install: func(m manifest.Manifest) error { installed <- m; return nil },
			Boot: func() otalink.Boot { return otalink.Boot{Slot: "A"} }}
	})
	agent := s.Agent()
	cust := s.Customer(50000)
	o, err := pos.SampleOrder("T-UPDATE")
	if err != nil {
		t.Fatal(err)
	}
	done := payAsync(t, agent, o, pos.Direct)
	s.WaitScreen("order")

	b, err := pos.OpenBundle(path)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	u := &pos.Updater{Terminal: agent.Terminal, SaleID: "POS-UPDATE",
		NewServiceID: func() string { n++; return fmt.Sprintf("upd-%d", n) }}
	res, err := u.Sync(context.Background(), b)
	if err != nil || res.Status.State != poslink.UpdateVerified || res.Status.Slot != "A" {
		t.Fatalf("update during the sale: %+v, %v", res, err)
	}
	select {
	case <-installed:
		t.Fatal("installed while the customer was paying")
	default:
	}

	s.Tap("confirm", "")
	s.WaitScreen("method")
	s.Tap("choose-code", "")
	s.WaitScreen("show-code")
	s.Scan(s.Code(cust.ID), http.StatusOK)
	if out := waitPay(t, done); !out.Paid {
		t.Fatalf("sale during the download: %+v, want paid", out)
	}
	select {
	case m := <-installed:
		if m.Version != "99.0.0" {
			t.Fatalf("installed %+v", m)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("not installed once the terminal was idle again")
	}
}
