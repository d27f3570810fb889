package poslink_test

import (
	"bytes"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	bolterrors "go.etcd.io/bbolt/errors"

	"payterm/firmware/poslink"
)

// fakeClock is an injectable clock that moves only when told.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: time.Date(2026, 5, 8, 14, 25, 15, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func openStore(t *testing.T, path string, clk *fakeClock) *poslink.Store {
	t.Helper()
	s, err := poslink.OpenStore(path, poslink.StoreOptions{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func hashOf(b byte) [32]byte { return [32]byte{b} }

func TestStoreBeginFinishGet(t *testing.T) {
	clk := newClock()
	s := openStore(t, filepath.Join(t.TempDir(), "s.db"), clk)
	defer s.Close()

	if _, fresh, err := s.Begin("POS1", "1", "", "Payment", hashOf(1)); err != nil || !fresh {
		t.Fatalf("first Begin: fresh=%v err=%v", fresh, err)
	}
	prev, fresh, err := s.Begin("POS1", "1", "", "Payment", hashOf(2))
	if err != nil || fresh {
		t.Fatalf("second Begin: fresh=%v err=%v", fresh, err)
	}
	if prev.State != poslink.StateRunning || prev.Hash != hashOf(1) || prev.Category != "Payment" ||
		prev.SaleID != "POS1" || prev.ServiceID != "1" || !prev.Time.Equal(clk.Now()) {
		t.Fatalf("prev = %+v", prev)
	}
	// Another sale may use the same ServiceID.
	if _, fresh, _ := s.Begin("POS2", "1", "", "Payment", hashOf(1)); !fresh {
		t.Fatal("ServiceID of another SaleID taken as a repeat")
	}
	// SaleID/ServiceID boundaries cannot collide.
	if _, fresh, _ := s.Begin("POS", "11", "", "Payment", hashOf(1)); !fresh {
		t.Fatal(`("POS","11") collided with ("POS1","1")`)
	}

	if err := s.Finish("POS1", "1", []byte("reply")); err != nil {
		t.Fatal(err)
	}
	e, ok, err := s.Get("POS1", "1")
	if err != nil || !ok || e.State != poslink.StateDone || !bytes.Equal(e.Response, []byte("reply")) || e.Hash != hashOf(1) {
		t.Fatalf("Get = %+v, %v, %v", e, ok, err)
	}
	if _, ok, _ := s.Get("POS1", "2"); ok {
		t.Fatal("unknown ServiceID found")
	}
}

func TestStoreExpiresAfter48h(t *testing.T) {
	clk := newClock()
	s := openStore(t, filepath.Join(t.TempDir(), "s.db"), clk)
	defer s.Close()
	s.Begin("POS1", "1", "", "Payment", hashOf(1))
	s.Finish("POS1", "1", []byte("r"))

	clk.Advance(poslink.DefaultServiceIDTTL - time.Second)
	if _, ok, _ := s.Get("POS1", "1"); !ok {
		t.Fatal("entry gone before 48 h")
	}
	clk.Advance(time.Second)
	if _, ok, _ := s.Get("POS1", "1"); ok {
		t.Fatal("entry still there after 48 h")
	}
	if _, fresh, _ := s.Begin("POS1", "1", "", "Payment", hashOf(9)); !fresh {
		t.Fatal("expired ServiceID not reusable")
	}
}

func TestStorePrunes(t *testing.T) {
	clk := newClock()
	s := openStore(t, filepath.Join(t.TempDir(), "s.db"), clk)
	defer s.Close()
	for _, id := range []string{"1", "2", "3"} {
		s.Begin("POS1", id, "", "Payment", hashOf(1))
	}
	clk.Advance(24 * time.Hour)
	s.Begin("POS1", "4", "", "Payment", hashOf(1))
	clk.Advance(24 * time.Hour)
	n, err := s.Prune()
	if err != nil || n != 3 {
		t.Fatalf("Prune = %d, %v; want 3", n, err)
	}
	if _, ok, _ := s.Get("POS1", "4"); !ok {
		t.Fatal("young entry pruned")
	}
}

func TestStoreLatest(t *testing.T) {
	clk := newClock()
	s := openStore(t, filepath.Join(t.TempDir(), "s.db"), clk)
	defer s.Close()
	s.Begin("POS1", "a", "", "Payment", hashOf(1))
	clk.Advance(time.Second)
	s.Begin("POS1", "b", "", "CardAcquisition", hashOf(1))
	clk.Advance(time.Second)
	s.Begin("POS1", "c", "", "Display", hashOf(1))
	s.Begin("POS10", "d", "", "Payment", hashOf(1))

	e, ok, err := s.Latest("POS1", "", "Payment", "CardAcquisition")
	if err != nil || !ok || e.ServiceID != "b" {
		t.Fatalf("Latest = %+v, %v, %v", e, ok, err)
	}
	if e, _, _ := s.Latest("POS1", ""); e.ServiceID != "c" {
		t.Fatalf("Latest any = %s", e.ServiceID)
	}
	if _, ok, _ := s.Latest("POS2", ""); ok {
		t.Fatal("unknown sale has a latest entry")
	}
}

func TestStoreSurvivesRestartAndMarksInterrupted(t *testing.T) {
	clk := newClock()
	path := filepath.Join(t.TempDir(), "s.db")
	s := openStore(t, path, clk)
	s.Begin("POS1", "done", "", "Payment", hashOf(1))
	s.Finish("POS1", "done", []byte("paid"))
	s.Begin("POS1", "cut", "", "Payment", hashOf(2))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = openStore(t, path, clk)
	defer s.Close()
	e, ok, _ := s.Get("POS1", "done")
	if !ok || e.State != poslink.StateDone || string(e.Response) != "paid" {
		t.Fatalf("done entry after restart: %+v", e)
	}
	e, ok, _ = s.Get("POS1", "cut")
	if !ok || e.State != poslink.StateInterrupted || e.Hash != hashOf(2) {
		t.Fatalf("running entry after restart: %+v", e)
	}
}

func TestStoreFileIsLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	s := openStore(t, path, newClock())
	defer s.Close()
	s2, err := poslink.OpenStore(path, poslink.StoreOptions{LockTimeout: 50 * time.Millisecond})
	if err == nil {
		s2.Close()
		t.Fatal("second OpenStore of a held file succeeded")
	}
	if !errors.Is(err, bolterrors.ErrTimeout) {
		t.Fatalf("err = %v, want a lock timeout", err)
	}
}
