package evdev

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"payterm/drivers/touch"
)

// logBuffer collects log lines from goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *logBuffer) logger() *slog.Logger { return slog.New(slog.NewTextHandler(l, nil)) }

// pipeDevice is a Device reading the far end of a pipe.
func pipeDevice(t *testing.T, name string, log *slog.Logger) (*Device, *io.PipeWriter) {
	t.Helper()
	pr, pw := io.Pipe()
	dec, err := NewDecoder(pr, testConfig())
	if err != nil {
		t.Fatal(err)
	}
	return newDevice(name, pr, dec, log), pw
}

// next waits for one event; a test that hangs here has lost an event.
func next(t *testing.T, ch <-chan touch.Event) touch.Event {
	t.Helper()
	select {
	case ev, ok := <-ch:
		if !ok {
			t.Fatal("channel closed, want an event")
		}
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no event")
	}
	return touch.Event{}
}

func closed(t *testing.T, ch <-chan touch.Event) {
	t.Helper()
	select {
	case ev, ok := <-ch:
		if ok {
			t.Fatalf("got %v, want the channel closed", ev)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("channel still open")
	}
}

var tapDown = stream(abs(absX, 7), abs(absY, 8), key(btnTouch, 1), syn())

func TestDeviceUnplug(t *testing.T) {
	tests := []struct {
		name    string
		end     error
		wantLog string
	}{
		{"ENODEV", syscall.ENODEV, "unplugged"},
		{"EOF", nil, "stream ended"},
		{"other error", syscall.EIO, "read failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log logBuffer
			dev, pw := pipeDevice(t, "pipe", log.logger())
			ch := dev.Events(context.Background())
			if _, err := pw.Write(tapDown); err != nil {
				t.Fatal(err)
			}
			if got := next(t, ch); got != down(7, 8) {
				t.Fatalf("got %v, want %v", got, down(7, 8))
			}
			pw.CloseWithError(tt.end)
			if got := next(t, ch); got != up(7, 8) {
				t.Fatalf("got %v, want %v after unplug", got, up(7, 8))
			}
			closed(t, ch)
			if !strings.Contains(log.String(), tt.wantLog) {
				t.Errorf("log %q lacks %q", log.String(), tt.wantLog)
			}
		})
	}
}

func TestDeviceHalt(t *testing.T) {
	var log logBuffer
	dev, pw := pipeDevice(t, "pipe", log.logger())
	ch := dev.Events(context.Background())
	if again := dev.Events(context.Background()); again != ch {
		t.Error("second Events call returned another channel")
	}
	pw.Write(tapDown)
	next(t, ch)
	if err := dev.Halt(); err != nil {
		t.Fatal(err)
	}
	if got := next(t, ch); got.Kind != touch.Up {
		t.Fatalf("got %v, want the finger lifted", got)
	}
	closed(t, ch)
	if log.String() != "" {
		t.Errorf("halting logged %q", log.String())
	}
	if err := dev.Halt(); err != nil {
		t.Errorf("second Halt: %v", err)
	}
}

func TestDeviceHaltBeforeEvents(t *testing.T) {
	dev, _ := pipeDevice(t, "pipe", slog.New(slog.DiscardHandler))
	dev.Halt()
	closed(t, dev.Events(context.Background()))
}

// TestDeviceContextEnds covers both ways a read is interrupted: a pollable
// file gets a deadline and stays open; a pipe without deadlines is closed.
func TestDeviceContextEnds(t *testing.T) {
	t.Run("file with deadline", func(t *testing.T) {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		dec, _ := NewDecoder(r, testConfig())
		dev := newDevice("os pipe", r, dec, slog.New(slog.DiscardHandler))
		ctx, cancel := context.WithCancel(context.Background())
		ch := dev.Events(ctx)
		w.Write(tapDown)
		next(t, ch)
		cancel()
		for range ch { // an Up may or may not get through; then it closes
		}
		if err := dev.Halt(); err != nil {
			t.Errorf("Halt after cancel: %v (file should still be open)", err)
		}
	})
	t.Run("pipe without deadline", func(t *testing.T) {
		dev, pw := pipeDevice(t, "pipe", slog.New(slog.DiscardHandler))
		ctx, cancel := context.WithCancel(context.Background())
		ch := dev.Events(ctx)
		cancel()
		for range ch {
		}
		if _, err := pw.Write(tapDown); !errors.Is(err, io.ErrClosedPipe) {
			t.Errorf("write after cancel: %v, want the pipe closed", err)
		}
	})
}

// TestWatchReopens unplugs a device mid-touch and plugs another in after
// two failed looks: the stream gets the Up, then the new device's events,
// and stays open until Halt.
func TestWatchReopens(t *testing.T) {
	var log logBuffer
	devA, pwA := pipeDevice(t, "A", log.logger())
	devB, pwB := pipeDevice(t, "B", log.logger())
	var mu sync.Mutex
	plan := []func() (*Device, error){
		func() (*Device, error) { return nil, os.ErrNotExist },
		func() (*Device, error) { return devA, nil },
		func() (*Device, error) { return nil, os.ErrNotExist },
		func() (*Device, error) { return nil, os.ErrNotExist },
		func() (*Device, error) { return devB, nil },
	}
	calls := 0
	open := func() (*Device, error) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if len(plan) == 0 {
			return nil, os.ErrNotExist
		}
		f := plan[0]
		plan = plan[1:]
		return f()
	}
	w := newWatcher("test", open, time.Millisecond, log.logger())
	ch := w.Events(context.Background())

	pwA.Write(tapDown)
	var got []touch.Event
	got = append(got, next(t, ch))
	pwA.CloseWithError(syscall.ENODEV)
	got = append(got, next(t, ch))
	pwB.Write(concat(tapDown, stream(key(btnTouch, 0), syn())))
	got = append(got, next(t, ch), next(t, ch))
	want := []touch.Event{down(7, 8), up(7, 8), down(7, 8), up(7, 8)}
	if !slices.Equal(got, want) {
		t.Errorf("events %v, want %v", got, want)
	}
	if err := w.Halt(); err != nil {
		t.Fatal(err)
	}
	closed(t, ch)
	if _, err := pwB.Write(tapDown); !errors.Is(err, io.ErrClosedPipe) {
		t.Errorf("device B still open after Halt: %v", err)
	}
	mu.Lock()
	if calls != 5 {
		t.Errorf("opened %d times, want 5", calls)
	}
	mu.Unlock()
	for _, s := range []string{"not available", "unplugged", "found"} {
		if !strings.Contains(log.String(), s) {
			t.Errorf("log lacks %q:\n%s", s, log.String())
		}
	}
}

func TestWatchContextEnds(t *testing.T) {
	w := newWatcher("test", func() (*Device, error) { return nil, os.ErrNotExist }, time.Hour, slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(context.Background())
	ch := w.Events(ctx)
	cancel()
	closed(t, ch)
}

func TestWatchHaltBeforeEvents(t *testing.T) {
	w := newWatcher("test", func() (*Device, error) { t.Error("opened after Halt"); return nil, os.ErrNotExist },
		time.Millisecond, slog.New(slog.DiscardHandler))
	w.Halt()
	closed(t, w.Events(context.Background()))
}
