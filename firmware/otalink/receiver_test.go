package otalink_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"payterm/firmware/otalink"
	"payterm/firmware/otalink/otalinktest"
	"payterm/firmware/poslink"
	"payterm/update/manifest"
)

// gate is a checkout whose idleness the test sets: WhenIdle runs f only
// after open is closed.
type gate struct {
	open chan struct{}
	ran  chan struct{}
}

func (g *gate) whenIdle(ctx context.Context, f func()) error {
	select {
	case <-g.open:
	case <-ctx.Done():
		return ctx.Err()
	}
	f()
	close(g.ran)
	return nil
}

type rig struct {
	dir     string
	bundle  []byte
	id      string
	store   *otalinktest.Store
	install chan manifest.Manifest
	gate    *gate
	r       *otalink.Receiver
	trial   atomic.Bool // the running slot awaits its self-check's commit
}

func newRig(t *testing.T, size int) *rig {
	b := []byte(strings.Repeat("bundle bytes ", size/13+1))[:size]
	sum := sha256.Sum256(b)
	rg := &rig{dir: t.TempDir(), bundle: b, id: strings.Repeat("cd", 32),
		install: make(chan manifest.Manifest, 1), gate: &gate{open: make(chan struct{}), ran: make(chan struct{})}}
	rg.store = &otalinktest.Store{Dir: filepath.Join(rg.dir, "sink"), Want: sum, Version: "2.0.0", Granularity: 1000}
	rg.start(t, "1.0.0")
	return rg
}

// start is a terminal (re)start on the rig's state.
func (rg *rig) start(t *testing.T, version string) {
	t.Helper()
	r, err := otalink.New(otalink.Config{Version: version, StateDir: filepath.Join(rg.dir, "update"), Open: rg.store.Open,
		Boot:     func() otalink.Boot { return otalink.Boot{Slot: "B", Trial: rg.trial.Load()} },
		Install:  func(m manifest.Manifest) error { rg.install <- m; return nil },
		WhenIdle: rg.gate.whenIdle})
	if err != nil {
		t.Fatal(err)
	}
	rg.r = r
}

func (rg *rig) send(t *testing.T, from, to int) poslink.UpdateStatus {
	t.Helper()
	var st poslink.UpdateStatus
	for off := from; off < to; off += 700 {
		var err error
		if st, err = rg.r.Chunk(rg.id, int64(off), rg.bundle[off:min(off+700, to)]); err != nil {
			t.Fatalf("chunk at %d: %v", off, err)
		}
	}
	return st
}

// TestInstallWaitsForIdle: a verified bundle is installed only once the
// checkout is idle, and a restart into its version clears it.
func TestInstallWaitsForIdle(t *testing.T) {
	rg := newRig(t, 5000)
	offer := poslink.UpdateOffer{Bundle: rg.id, Size: 5000, Version: "2.0.0"}
	if st, err := rg.r.Offer(offer); err != nil || st.Offset != 0 {
		t.Fatalf("offer: %+v %v", st, err)
	}
	rg.send(t, 0, 5000)
	st, err := rg.r.Finish(rg.id)
	if err != nil || st.State != poslink.UpdateVerified {
		t.Fatalf("finish: %+v %v", st, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go rg.r.Run(ctx)
	select {
	case <-rg.install:
		t.Fatal("installed while the checkout was busy")
	default:
	}
	close(rg.gate.open) // the sale ends
	if m := <-rg.install; m.Version != "2.0.0" {
		t.Fatalf("installed %+v", m)
	}
	<-rg.gate.ran
	if st := rg.r.Status(); st.State != poslink.UpdateInstalling {
		t.Fatalf("state %s, want installing", st.State)
	}
	rg.trial.Store(true)
	rg.start(t, "2.0.0") // the restart into the new slot, on trial
	if st := rg.r.Status(); st.State != poslink.UpdateInstalling || st.Bundle != rg.id {
		t.Fatalf("after the restart, before the self-check: %+v; want still installing", st)
	}
	rg.trial.Store(false) // the self-check commits the slot
	if st := rg.r.Status(); st.State != poslink.UpdateIdle || st.Bundle != "" {
		t.Fatalf("after the commit: %+v", st)
	}
	rg.start(t, "2.0.0")
	if st := rg.r.Status(); st.State != poslink.UpdateIdle || st.Bundle != "" {
		t.Fatalf("after another restart: %+v", st)
	}
}

// TestRollbackReported: a restart into another version than the one
// being installed reports it failed, also after the new version ran on
// trial and failed its self-check (U-Boot fell back after its tries).
func TestRollbackReported(t *testing.T) {
	rg := newRig(t, 3000)
	rg.r.Offer(poslink.UpdateOffer{Bundle: rg.id, Size: 3000, Version: "2.0.0"})
	rg.send(t, 0, 3000)
	rg.r.Finish(rg.id)
	close(rg.gate.open)
	ctx, cancel := context.WithCancel(context.Background())
	go rg.r.Run(ctx)
	<-rg.install
	<-rg.gate.ran
	cancel()
	rg.trial.Store(true)
	for range 3 { // each trial boot fails its self-check and restarts
		rg.start(t, "2.0.0")
		if st := rg.r.Status(); st.State != poslink.UpdateInstalling {
			t.Fatalf("on trial: %+v", st)
		}
	}
	rg.trial.Store(false)
	rg.start(t, "1.0.0")
	if st := rg.r.Status(); st.State != poslink.UpdateFailed || !strings.Contains(st.Error, "2.0.0") {
		t.Fatalf("after the rollback: %+v", st)
	}
}

// TestChunkOffsets: repeats are acknowledged without a write, gaps
// refused with the offset to resume from, a terminal restart resumes at
// the sink's durable offset, and another bundle starts over.
func TestChunkOffsets(t *testing.T) {
	rg := newRig(t, 5000)
	offer := poslink.UpdateOffer{Bundle: rg.id, Size: 5000, Version: "2.0.0"}
	rg.r.Offer(offer)
	st := rg.send(t, 0, 2800)
	if st.Offset != 2800 || st.Confirmed != 2000 {
		t.Fatalf("after 2800 bytes: %+v", st)
	}
	written := rg.store.Written()
	if st, err := rg.r.Chunk(rg.id, 2100, rg.bundle[2100:2800]); err != nil || st.Offset != 2800 || rg.store.Written() != written {
		t.Fatalf("repeat: %+v %v", st, err)
	}
	var ce *poslink.ConditionError
	if st, err := rg.r.Chunk(rg.id, 3000, rg.bundle[3000:3100]); !errors.As(err, &ce) || st.Offset != 2800 {
		t.Fatalf("gap: %+v %v", st, err)
	}
	rg.start(t, "1.0.0") // restart: the sink kept 2000
	if st, err := rg.r.Offer(offer); err != nil || st.Offset != 2000 {
		t.Fatalf("resumed offer: %+v %v", st, err)
	}
	rg.send(t, 2000, 5000)
	if st, err := rg.r.Finish(rg.id); err != nil || st.State != poslink.UpdateVerified {
		t.Fatalf("finish: %+v %v", st, err)
	}
	other := strings.Repeat("ef", 32)
	if _, err := rg.r.Offer(poslink.UpdateOffer{Bundle: other, Size: 10, Version: "3.0.0"}); !errors.As(err, &ce) || ce.Condition != poslink.CondBusy {
		t.Fatalf("another bundle while one waits to install: %v, want Busy", err)
	}
}

// TestAnotherBundleStartsOver: a new bundle discards the old one's state.
func TestAnotherBundleStartsOver(t *testing.T) {
	rg := newRig(t, 5000)
	rg.r.Offer(poslink.UpdateOffer{Bundle: rg.id, Size: 5000, Version: "2.0.0"})
	rg.send(t, 0, 2500)
	rg.start(t, "1.0.0")
	st, err := rg.r.Offer(poslink.UpdateOffer{Bundle: strings.Repeat("ef", 32), Size: 10, Version: "3.0.0"})
	if err != nil || st.Offset != 0 || st.BundleVersion != "3.0.0" {
		t.Fatalf("new bundle: %+v %v", st, err)
	}
}
