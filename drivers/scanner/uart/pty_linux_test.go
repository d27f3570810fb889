package uart_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"payterm/drivers/scanner/uart"
	"payterm/internal/ptypair"
	"payterm/internal/secret"
)

// TestOverPty runs the whole driver through the kernel's tty layer: Open
// puts the pty's tty side in the mode a UART gets (go.bug.st/serial
// accepts a pty), the master plays the Honeywell module.
func TestOverPty(t *testing.T) {
	p, err := ptypair.Open()
	if err != nil {
		t.Skipf("no pty on this machine: %v", err)
	}
	defer p.Close()
	logs := newLogRecorder()
	s, err := uart.Open(p.Name, 115200, uart.Options{Protocol: uart.Honeywell, Logger: slog.New(logs)})
	if err != nil {
		t.Fatalf("go.bug.st/serial refused the pty: %v", err)
	}
	defer s.Halt()
	ctx := context.Background()

	expect := func(want []byte) {
		t.Helper()
		got := make([]byte, len(want))
		p.Master.SetReadDeadline(time.Now().Add(wait))
		if _, err := io.ReadFull(p.Master, got); err != nil {
			t.Fatalf("module read: %v", err)
		}
		if string(got) != string(want) {
			t.Fatalf("module got %q, want %q", got, want)
		}
	}

	if err := s.Arm(ctx); err != nil {
		t.Fatal(err)
	}
	expect([]byte{0x16, 'T', '\r'})
	// Bytes a cooked tty would translate: the CR must arrive as CR.
	if _, err := p.Master.Write([]byte(codeA + "\r\n")); err != nil {
		t.Fatal(err)
	}
	if got := nextCode(t, s); got != codeA {
		t.Fatalf("code %q, want %q", secret.Code(got), secret.Code(codeA))
	}
	if err := s.Disarm(ctx); err != nil {
		t.Fatal(err)
	}
	expect([]byte{0x16, 'U', '\r'})
	if _, err := p.Master.Write([]byte(codeB + "\r")); err != nil {
		t.Fatal(err)
	}
	logs.waitFor(t, "while disarmed")
	noCode(t, s)
	if err := s.Halt(); err != nil {
		t.Fatalf("Halt: %v", err)
	}
	select {
	case _, ok := <-s.Codes():
		if ok {
			t.Fatal("code after Halt")
		}
	case <-time.After(wait):
		t.Fatal("Halt did not close Codes")
	}
}

func TestOpenMissingPort(t *testing.T) {
	if _, err := uart.Open("/dev/no-such-uart", 9600, uart.Options{}); err == nil {
		t.Fatal("Open of a missing port succeeded")
	}
}
