package otalink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"

	"payterm/firmware/poslink"
	"payterm/update/manifest"
)

// Config configures New. Version, StateDir and Open are required;
// Install and WhenIdle are required by Run.
type Config struct {
	Version  string         // the running firmware's version (version.Firmware())
	Boot     func() Boot    // the last boot's result; nil: a board without slots
	StateDir string         // on the data partition: offer.json lives here
	Open     OpenSink       // the installer, resuming its own state
	Install  Install        // slot switch and restart, run inside WhenIdle
	WhenIdle WhenIdle       // the checkout's idle gate
	Progress func(Progress) // download progress, for the screen; nil: none
	Log      *slog.Logger   // nil discards
}

// Receiver is the terminal's update service (poslink.Updater). Safe for
// concurrent use: chunks are written one at a time.
type Receiver struct {
	cfg Config
	log *slog.Logger

	mu       sync.Mutex
	offer    *offerRecord // the bundle being received; nil for none
	sink     Sink         // open for offer; nil until needed
	written  int64        // next bundle byte the open sink takes
	state    string       // poslink.Update*
	failure  string       // UpdateFailed: why
	verified chan manifest.Manifest
}

var _ poslink.Updater = (*Receiver)(nil)

// New returns a Receiver for the bundle StateDir remembers, if any. A
// record left by an install that restarted into another version than
// the bundle's means the bundle did not come up (rollback): it is
// dropped and reported as failed. The bundle's own version running on
// trial keeps the record (state installing) until its self-check
// commits the slot: if it never does, the old firmware U-Boot falls
// back to finds the record and reports the failure.
func New(cfg Config) (*Receiver, error) {
	if cfg.Version == "" || cfg.StateDir == "" || cfg.Open == nil {
		return nil, errors.New("otalink: Version, StateDir and Open are required")
	}
	r := &Receiver{cfg: cfg, log: cfg.Log, state: poslink.UpdateIdle, verified: make(chan manifest.Manifest, 1)}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(cfg.StateDir, 0o700); err != nil {
		return nil, fmt.Errorf("otalink: %w", err)
	}
	o, err := readOffer(cfg.StateDir)
	if err != nil {
		// An unreadable record names no bundle: start clean.
		r.log.Warn("update offer record unreadable: dropped", "err", err)
		return r, writeOffer(cfg.StateDir, nil)
	}
	switch {
	case o == nil:
	case o.Installing && o.Version == cfg.Version && r.onTrial():
		r.offer, r.state = o, poslink.UpdateInstalling
		r.log.Info("update on trial: installed once the self-check commits it", "version", o.Version)
	case o.Installing && o.Version == cfg.Version:
		r.log.Info("update installed", "version", o.Version)
		return r, writeOffer(cfg.StateDir, nil)
	case o.Installing:
		r.state = poslink.UpdateFailed
		r.failure = fmt.Sprintf("version %s did not come up; running %s", o.Version, cfg.Version)
		r.log.Error("update did not come up", "version", o.Version, "running", cfg.Version)
		return r, writeOffer(cfg.StateDir, nil)
	default:
		r.offer, r.state = o, poslink.UpdateReceiving
	}
	return r, nil
}

// onTrial reports whether the running slot still awaits its commit.
func (r *Receiver) onTrial() bool { return r.cfg.Boot != nil && r.cfg.Boot().Trial }

// settle ends a trial the self-check has since committed: the update is
// installed and its record goes. Called with mu held.
func (r *Receiver) settle() {
	o := r.offer
	if r.state != poslink.UpdateInstalling || o == nil || !o.Installing || o.Version != r.cfg.Version || r.onTrial() {
		return
	}
	if err := writeOffer(r.cfg.StateDir, nil); err != nil {
		r.log.Error("update offer record", "err", err)
		return
	}
	r.offer, r.state = nil, poslink.UpdateIdle
	r.log.Info("update installed", "version", o.Version)
}

// Status is the running version, the last boot and the transfer.
func (r *Receiver) Status() poslink.UpdateStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.settle()
	if r.offer != nil && r.state == poslink.UpdateReceiving {
		if err := r.openSink(); err != nil {
			r.log.Error("update sink", "err", err)
		}
	}
	return r.status()
}

// Offer starts or resumes receiving o.
func (r *Receiver) Offer(o poslink.UpdateOffer) (poslink.UpdateStatus, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.settle()
	if r.offer != nil && r.offer.offer() == o {
		if r.state == poslink.UpdateReceiving {
			if err := r.openSink(); err != nil {
				return r.status(), unavailable("update storage: %v", err)
			}
		}
		return r.status(), nil
	}
	if r.state == poslink.UpdateVerified || r.state == poslink.UpdateInstalling {
		return r.status(), &poslink.ConditionError{Condition: poslink.CondBusy, Reason: "another bundle is being installed"}
	}
	if err := r.discard(); err != nil {
		return r.status(), unavailable("update storage: %v", err)
	}
	rec := &offerRecord{Bundle: o.Bundle, Size: o.Size, Version: o.Version}
	if err := writeOffer(r.cfg.StateDir, rec); err != nil {
		return r.status(), unavailable("update storage: %v", err)
	}
	r.offer, r.state, r.failure = rec, poslink.UpdateReceiving, ""
	if err := r.openSink(); err != nil {
		return r.status(), unavailable("update storage: %v", err)
	}
	r.log.Info("update offered", "version", o.Version, "size", o.Size, "from", r.written)
	return r.status(), nil
}

// Chunk writes the part of data at or after the next expected byte.
func (r *Receiver) Chunk(bundle string, offset int64, data []byte) (poslink.UpdateStatus, error) {
	r.mu.Lock()
	st, p, err := r.chunk(bundle, offset, data)
	r.mu.Unlock()
	if p != nil && r.cfg.Progress != nil {
		r.cfg.Progress(*p) // outside the lock: the screen may take its time
	}
	return st, err
}

// chunk is Chunk under the lock; p is the progress to show, nil when it
// did not change.
func (r *Receiver) chunk(bundle string, offset int64, data []byte) (st poslink.UpdateStatus, p *Progress, err error) {
	r.settle()
	if r.offer == nil || r.offer.Bundle != bundle {
		return r.status(), nil, notAllowed("bundle not offered")
	}
	if r.state != poslink.UpdateReceiving {
		return r.status(), nil, nil // verified or installing: it has every byte
	}
	if err := r.openSink(); err != nil {
		return r.status(), nil, unavailable("update storage: %v", err)
	}
	end := offset + int64(len(data))
	switch {
	case end > r.offer.Size:
		return r.status(), nil, notAllowed("chunk ends at %d, past the bundle's %d bytes", end, r.offer.Size)
	case offset > r.written:
		return r.status(), nil, notAllowed("chunk at %d, the terminal takes from %d", offset, r.written)
	case end <= r.written:
		return r.status(), nil, nil // a repeat of what it has
	}
	n, err := writeAll(r.sink, data[r.written-offset:])
	r.written += int64(n)
	if err != nil {
		r.fail(fmt.Sprintf("bundle refused at byte %d: %v", r.written, err))
		return r.status(), &Progress{}, notAllowed("%s", r.failure)
	}
	return r.status(), &Progress{Version: r.offer.Version, Done: r.written, Total: r.offer.Size}, nil
}

// Finish verifies the whole bundle; a verified one is queued for Run.
func (r *Receiver) Finish(bundle string) (poslink.UpdateStatus, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.settle()
	if r.offer == nil || r.offer.Bundle != bundle {
		return r.status(), notAllowed("bundle not offered")
	}
	if r.state != poslink.UpdateReceiving {
		return r.status(), nil
	}
	if err := r.openSink(); err != nil {
		return r.status(), unavailable("update storage: %v", err)
	}
	if r.written != r.offer.Size {
		return r.status(), notAllowed("bundle incomplete: %d of %d bytes", r.written, r.offer.Size)
	}
	m, err := r.sink.Finish()
	if err != nil {
		r.fail(fmt.Sprintf("bundle refused: %v", err))
		return r.status(), notAllowed("%s", r.failure)
	}
	r.state = poslink.UpdateVerified
	r.log.Info("update verified: installs when the checkout is idle", "version", m.Version)
	select {
	case r.verified <- m:
	default: // one is already queued: the same bundle
	}
	return r.status(), nil
}

// Run installs each verified bundle once the checkout is idle, until ctx
// ends. A failed install is reported as UpdateFailed; the slot it did
// not switch stays as it was.
func (r *Receiver) Run(ctx context.Context) error {
	if r.cfg.Install == nil || r.cfg.WhenIdle == nil {
		return errors.New("otalink: Install and WhenIdle are required to run")
	}
	for {
		var m manifest.Manifest
		select {
		case <-ctx.Done():
			return nil
		case m = <-r.verified:
		}
		err := r.cfg.WhenIdle(ctx, func() { r.install(m) })
		if err != nil {
			return nil // ctx ended; the verified bundle is finished again after the restart
		}
	}
}

// install runs inside WhenIdle: the checkout is idle and stays so.
func (r *Receiver) install(m manifest.Manifest) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.offer == nil || r.state != poslink.UpdateVerified {
		return
	}
	rec := *r.offer
	rec.Installing = true
	if err := writeOffer(r.cfg.StateDir, &rec); err != nil {
		r.fail(fmt.Sprintf("install: %v", err))
		return
	}
	r.offer, r.state = &rec, poslink.UpdateInstalling
	r.log.Info("installing update", "version", m.Version)
	if err := r.cfg.Install(m); err != nil {
		r.log.Error("install failed", "version", m.Version, "err", err)
		r.fail(fmt.Sprintf("install: %v", err))
	}
}

// openSink opens the sink for the current offer if it is not open.
func (r *Receiver) openSink() error {
	if r.sink != nil {
		return nil
	}
	s, err := r.cfg.Open(r.offer.Bundle, r.offer.Size)
	if err != nil {
		return err
	}
	r.sink, r.written = s, s.Offset()
	if r.written < 0 || r.written > r.offer.Size {
		// State of another size: not this bundle's.
		r.log.Warn("update sink state does not fit the offer: starting over", "offset", r.written, "size", r.offer.Size)
		if err := s.Abort(); err != nil {
			return err
		}
		r.sink = nil
		return r.openSink()
	}
	return nil
}

// discard drops the current bundle and the sink's state (which may
// belong to a bundle whose record was lost: it is opened to be dropped).
func (r *Receiver) discard() error {
	if r.sink == nil {
		s, err := r.cfg.Open("", 0)
		if err != nil {
			return err
		}
		r.sink = s
	}
	err := r.sink.Abort()
	r.sink, r.offer, r.written = nil, nil, 0
	if err != nil {
		return err
	}
	return writeOffer(r.cfg.StateDir, nil)
}

// fail drops the current bundle after it was refused.
func (r *Receiver) fail(why string) {
	r.log.Error("update failed", "why", why)
	if r.sink != nil {
		if err := r.sink.Abort(); err != nil {
			r.log.Error("update sink abort", "err", err)
		}
	}
	if err := writeOffer(r.cfg.StateDir, nil); err != nil {
		r.log.Error("update offer record", "err", err)
	}
	r.sink, r.offer, r.written = nil, nil, 0
	r.state, r.failure = poslink.UpdateFailed, why
}

func (r *Receiver) status() poslink.UpdateStatus {
	st := poslink.UpdateStatus{Version: r.cfg.Version, State: r.state, Error: r.failure}
	if r.cfg.Boot != nil {
		b := r.cfg.Boot()
		st.Slot, st.RolledBack, st.FailedVersion = b.Slot, b.RolledBack, b.FailedVersion
	}
	if o := r.offer; o != nil {
		st.Bundle, st.BundleVersion, st.Size = o.Bundle, o.Version, o.Size
		switch {
		case r.state != poslink.UpdateReceiving:
			st.Offset, st.Confirmed = o.Size, o.Size
		case r.sink != nil:
			st.Offset, st.Confirmed = r.written, r.sink.Offset()
		}
	}
	return st
}

// writeAll writes all of p, continuing short writes that report no
// error (io.Writer forbids them, but a sink is not trusted to be right).
func writeAll(s Sink, p []byte) (int, error) {
	done := 0
	for done < len(p) {
		n, err := s.Write(p[done:])
		if n < 0 || n > len(p)-done {
			return done, fmt.Errorf("otalink: sink wrote %d of %d bytes", n, len(p)-done)
		}
		done += n
		if err != nil {
			return done, err
		}
		if n == 0 {
			return done, errors.New("otalink: sink took no bytes")
		}
	}
	return done, nil
}

func notAllowed(format string, a ...any) error {
	return &poslink.ConditionError{Condition: poslink.CondNotAllowed, Reason: fmt.Sprintf(format, a...)}
}

func unavailable(format string, a ...any) error {
	return &poslink.ConditionError{Condition: poslink.CondUnavailableService, Reason: fmt.Sprintf(format, a...)}
}
