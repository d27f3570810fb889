package evdev

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"syscall"
	"time"

	"payterm/drivers/touch"
)

var _ touch.Touch = (*Device)(nil)

// Device is an open event device.
type Device struct {
	name string
	src  io.ReadCloser
	dec  *Decoder
	log  *slog.Logger

	closeOnce sync.Once
	closeErr  error

	mu     sync.Mutex
	events eventStream
	halted bool
}

func newDevice(name string, src io.ReadCloser, dec *Decoder, log *slog.Logger) *Device {
	return &Device{name: name, src: src, dec: dec, log: log}
}

func (d *Device) String() string { return "evdev " + d.name }

// Halt closes the device; the Events channel closes after an Up if a finger
// was down. Later calls return the first call's result.
func (d *Device) Halt() error {
	d.mu.Lock()
	d.halted = true
	d.mu.Unlock()
	return d.close()
}

func (d *Device) close() error {
	d.closeOnce.Do(func() { d.closeErr = d.src.Close() })
	return d.closeErr
}

// Events starts reading on the first call and returns the one event stream;
// later calls return the same channel and ignore their ctx. The channel
// closes when ctx ends, the device is halted, or it goes away (unplugged:
// ENODEV); a finger down at that point gets its Up first.
func (d *Device) Events(ctx context.Context) <-chan touch.Event {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.events.start(ctx, d.halted, d.run)
}

// run sends decoded events until reading fails or ctx ends; the
// eventStream closes ch after.
func (d *Device) run(ctx context.Context, ch chan<- touch.Event) {
	stop := context.AfterFunc(ctx, d.interrupt)
	defer stop()
	for {
		ev, err := d.dec.Next()
		if err != nil {
			d.logEnd(ctx, err)
			return
		}
		select {
		case ch <- ev:
		case <-ctx.Done():
			return
		}
	}
}

// interrupt unblocks a pending read when ctx ends: by a deadline where the
// source has one (a pollable device file stays open for Halt), else by
// closing it.
func (d *Device) interrupt() {
	if dl, ok := d.src.(interface{ SetReadDeadline(time.Time) error }); ok {
		if dl.SetReadDeadline(time.Unix(1, 0)) == nil {
			return
		}
	}
	_ = d.close()
}

func (d *Device) logEnd(ctx context.Context, err error) {
	d.mu.Lock()
	halted := d.halted
	d.mu.Unlock()
	switch {
	case ctx.Err() != nil || halted:
		// Asked to stop; nothing to report.
	case errors.Is(err, syscall.ENODEV):
		d.log.Warn("touch device unplugged", "device", d.name)
	case errors.Is(err, io.EOF):
		d.log.Warn("touch device stream ended", "device", d.name)
	default:
		d.log.Error("touch device read failed", "device", d.name, "err", err)
	}
}
