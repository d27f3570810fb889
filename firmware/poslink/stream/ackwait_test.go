package stream

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"payterm/firmware/poslink/stream/streamtest"
)

// logCount counts log records whose message contains a word.
type logCount struct {
	mu    sync.Mutex
	lines []string
}

func (l *logCount) Write(p []byte) (int, error) {
	l.mu.Lock()
	l.lines = append(l.lines, string(p))
	l.mu.Unlock()
	return len(p), nil
}

func (l *logCount) count(word string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, s := range l.lines {
		if strings.Contains(s, word) {
			n++
		}
	}
	return n
}

// TestAckWaitCoversWireTime: a frame that takes longer on a slow line
// than AckTimeout is not sent again when the Conn knows the line's byte
// rate, and is without it (the bug ByteRate fixes). The line is
// simulated at 20 000 bytes a second with the default AckTimeout (0.5 s), so a
// 16 KiB frame (0.8 s on the wire) shows it in a second.
func TestAckWaitCoversWireTime(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: sends over a simulated slow line for seconds")
	}
	const rate = 20000
	payload := bytes.Repeat([]byte("u"), 16<<10)
	for _, tt := range []struct {
		name     string
		byteRate int
		resends  bool
	}{{"rate known", rate, false}, {"rate unknown", 0, true}} {
		t.Run(tt.name, func(t *testing.T) {
			line := streamtest.NewLine(rate)
			logs := &logCount{}
			log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			opts := Options{MaxTries: 10, ByteRate: tt.byteRate, Logger: log, InterByteTimeout: -1}
			a := New(line.A, opts)
			b := New(line.B, Options{ByteRate: tt.byteRate, InterByteTimeout: -1})
			t.Cleanup(func() { a.Close(); b.Close() })
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			go b.Recv(ctx)
			if err := a.Send(ctx, payload); err != nil {
				t.Fatal(err)
			}
			if got := logs.count("retransmit") > 0; got != tt.resends {
				t.Fatalf("retransmitted: %v, want %v (%d)", got, tt.resends, logs.count("retransmit"))
			}
		})
	}
}
