package uart_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"payterm/drivers/scanner/uart"
	"payterm/internal/secret"
	"strings"
	"sync"
	"testing"
	"time"
)

// wait bounds every blocking step of a test, so a bug fails the test
// instead of hanging it.
const wait = 5 * time.Second

// module is the far end of the cable: what the scanner module sees.
type module struct {
	conn net.Conn
	mu   sync.Mutex
	got  []byte        // bytes the scanner wrote to the module
	more chan struct{} // signalled on every write from the scanner
}

// newModule starts a uart.Scanner on one end of a pipe and returns the other
// end as a module. The scanner is halted when the test ends.
func newModule(t *testing.T, opts uart.Options) (*uart.Scanner, *module) {
	t.Helper()
	near, far := net.Pipe()
	m := &module{conn: far, more: make(chan struct{}, 1)}
	go m.drain()
	s, err := uart.New(near, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Halt()
		far.Close()
	})
	return s, m
}

func (m *module) drain() {
	buf := make([]byte, 64)
	for {
		n, err := m.conn.Read(buf)
		m.mu.Lock()
		m.got = append(m.got, buf[:n]...)
		m.mu.Unlock()
		select {
		case m.more <- struct{}{}:
		default:
		}
		if err != nil {
			return
		}
	}
}

// send writes what the module would send.
func (m *module) send(t *testing.T, s string) {
	t.Helper()
	m.conn.SetWriteDeadline(time.Now().Add(wait))
	if _, err := m.conn.Write([]byte(s)); err != nil {
		t.Fatalf("module send: %v", err)
	}
}

// received returns what the scanner has written so far.
func (m *module) received() []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]byte(nil), m.got...)
}

// waitReceived waits until the scanner has written exactly want.
func (m *module) waitReceived(t *testing.T, want []byte) {
	t.Helper()
	deadline := time.After(wait)
	for {
		got := m.received()
		if bytes.Equal(got, want) {
			return
		}
		if len(got) >= len(want) {
			t.Fatalf("module received %q, want %q", got, want)
		}
		select {
		case <-m.more:
		case <-deadline:
			t.Fatalf("module received %q, want %q", got, want)
		}
	}
}

// nextCode waits for a code from s.
func nextCode(t *testing.T, s *uart.Scanner) string {
	t.Helper()
	select {
	case c, ok := <-s.Codes():
		if !ok {
			t.Fatal("codes closed")
		}
		return c
	case <-time.After(wait):
		t.Fatal("no code")
	}
	return ""
}

// noCode checks that no code is waiting.
func noCode(t *testing.T, s *uart.Scanner) {
	t.Helper()
	select {
	case c := <-s.Codes():
		t.Fatalf("unexpected code %q", secret.Code(c))
	default:
	}
}

// logRecorder is a slog handler that keeps every record as text and
// signals each one.
type logRecorder struct {
	mu    sync.Mutex
	lines []string
	c     chan string
}

func newLogRecorder() *logRecorder { return &logRecorder{c: make(chan string, 64)} }

func (r *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *logRecorder) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *logRecorder) WithGroup(string) slog.Handler            { return r }

func (r *logRecorder) Handle(_ context.Context, rec slog.Record) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", rec.Level, rec.Message)
	rec.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	})
	r.mu.Lock()
	r.lines = append(r.lines, b.String())
	r.mu.Unlock()
	select {
	case r.c <- b.String():
	default:
	}
	return nil
}

// waitFor waits for a record containing substr.
func (r *logRecorder) waitFor(t *testing.T, substr string) string {
	t.Helper()
	deadline := time.After(wait)
	for {
		select {
		case l := <-r.c:
			if strings.Contains(l, substr) {
				return l
			}
		case <-deadline:
			t.Fatalf("no log record containing %q", substr)
		}
	}
}

// text is every record so far.
func (r *logRecorder) text() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.lines, "\n")
}

// fakeClock hands out timers the test fires by hand. After returns an
// unbuffered channel, so fire returns only once the framing loop has
// taken the tick.
type fakeClock struct{ timers chan chan time.Time }

func newFakeClock() *fakeClock { return &fakeClock{timers: make(chan chan time.Time, 16)} }

func (c *fakeClock) After(time.Duration) <-chan time.Time {
	ch := make(chan time.Time)
	c.timers <- ch
	return ch
}

// fireLatest fires the newest timer asked for, once its request shows up.
func (c *fakeClock) fireLatest(t *testing.T) {
	t.Helper()
	var ch chan time.Time
	select {
	case ch = <-c.timers:
	case <-time.After(wait):
		t.Fatal("no timer requested")
	}
	for more := true; more; {
		select {
		case newer := <-c.timers:
			ch = newer
		default:
			more = false
		}
	}
	select {
	case ch <- time.Time{}:
	case <-time.After(wait):
		t.Fatal("timer not taken")
	}
}

func slogOf(r *logRecorder) *slog.Logger { return slog.New(r) }
