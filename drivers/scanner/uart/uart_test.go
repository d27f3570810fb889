package uart_test

import (
	"context"
	"errors"
	"payterm/drivers/scanner/uart"
	"payterm/internal/secret"
	"strings"
	"testing"
	"time"

	"payterm/drivers/scanner/uart/triggertest"
)

const (
	codeA = "134567890123456789"
	codeB = "287654321098765432"
	codeC = "281111222233334444"
)

func TestCodesOnlyWhileArmed(t *testing.T) {
	logs := newLogRecorder()
	s, m := newModule(t, uart.Options{Logger: slogOf(logs)})
	ctx := context.Background()

	m.send(t, codeA+"\r\n")
	logs.waitFor(t, "while disarmed")
	noCode(t, s)

	if err := s.Arm(ctx); err != nil {
		t.Fatal(err)
	}
	m.send(t, codeB+"\r\n")
	if got := nextCode(t, s); got != codeB {
		t.Fatalf("code %q, want %q", secret.Code(got), secret.Code(codeB))
	}

	if err := s.Disarm(ctx); err != nil {
		t.Fatal(err)
	}
	m.send(t, codeC+"\r")
	logs.waitFor(t, "while disarmed")
	noCode(t, s)

	all := logs.text()
	for _, c := range []string{codeA, codeB, codeC} {
		if strings.Contains(all, c) {
			t.Fatalf("a log shows code %s unmasked:\n%s", c, all)
		}
		if !strings.Contains(all, secret.Mask(c)) {
			t.Fatalf("no log of masked code %s:\n%s", secret.Mask(c), all)
		}
	}
}

func TestArmDropsCodesOfAnEarlierCapture(t *testing.T) {
	logs := newLogRecorder()
	s, m := newModule(t, uart.Options{Logger: slogOf(logs)})
	ctx := context.Background()
	if err := s.Arm(ctx); err != nil {
		t.Fatal(err)
	}
	m.send(t, codeA+"\r")
	logs.waitFor(t, "code read")
	// Nobody took codeA; the next capture must not get it.
	if err := s.Disarm(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Arm(ctx); err != nil {
		t.Fatal(err)
	}
	noCode(t, s)
	m.send(t, codeB+"\r")
	if got := nextCode(t, s); got != codeB {
		t.Fatalf("code %q, want %q", secret.Code(got), secret.Code(codeB))
	}
}

func TestHoneywellCommands(t *testing.T) {
	s, m := newModule(t, uart.Options{Protocol: uart.Honeywell})
	ctx := context.Background()
	activate := []byte{0x16, 0x54, 0x0d}
	deactivate := []byte{0x16, 0x55, 0x0d}

	if err := s.Arm(ctx); err != nil {
		t.Fatal(err)
	}
	m.waitReceived(t, activate)
	m.send(t, codeA+"\r\n")
	if got := nextCode(t, s); got != codeA {
		t.Fatalf("code %q, want %q", secret.Code(got), secret.Code(codeA))
	}
	if err := s.Disarm(ctx); err != nil {
		t.Fatal(err)
	}
	m.waitReceived(t, cat(activate, deactivate))
	if err := s.Arm(ctx); err != nil {
		t.Fatal(err)
	}
	m.waitReceived(t, cat(activate, deactivate, activate))
	// Halt while armed stops the module's read.
	if err := s.Halt(); err != nil {
		t.Fatal(err)
	}
	m.waitReceived(t, cat(activate, deactivate, activate, deactivate))
}

func TestHoneywellRestartsReadAfterDiscardedLine(t *testing.T) {
	logs := newLogRecorder()
	s, m := newModule(t, uart.Options{Protocol: uart.Honeywell, Logger: slogOf(logs)})
	activate := []byte{0x16, 'T', '\r'}
	if err := s.Arm(context.Background()); err != nil {
		t.Fatal(err)
	}
	m.waitReceived(t, activate)
	m.send(t, "12\x0034\r")
	// The module stopped after what it took for a good read.
	m.waitReceived(t, cat(activate, activate))
	m.send(t, codeA+"\r")
	if got := nextCode(t, s); got != codeA {
		t.Fatalf("code %q, want %q", secret.Code(got), secret.Code(codeA))
	}
}

func TestPlainWritesNothing(t *testing.T) {
	s, m := newModule(t, uart.Options{})
	ctx := context.Background()
	for _, f := range []func(context.Context) error{s.Arm, s.Disarm, s.Arm} {
		if err := f(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Halt(); err != nil {
		t.Fatal(err)
	}
	if got := m.received(); len(got) != 0 {
		t.Fatalf("plain scanner wrote %q", got)
	}
}

func TestTriggerActiveOnlyWhileArmed(t *testing.T) {
	trig := &triggertest.Trigger{}
	var s *uart.Scanner
	var violations []string
	trig.OnSet = func(active bool) {
		if active && (s == nil || !s.Armed()) {
			violations = append(violations, "trigger set active while disarmed")
		}
	}
	s, _ = newModule(t, uart.Options{Trigger: trig})
	ctx := context.Background()
	if trig.Active() {
		t.Fatal("trigger active before Arm")
	}
	steps := []struct {
		do     func(context.Context) error
		active bool
	}{{s.Arm, true}, {s.Disarm, false}, {s.Disarm, false}, {s.Arm, true}, {s.Arm, true}}
	for i, st := range steps {
		if err := st.do(ctx); err != nil {
			t.Fatal(err)
		}
		if trig.Active() != st.active || s.Armed() != st.active {
			t.Fatalf("step %d: trigger active %v, armed %v, want %v", i, trig.Active(), s.Armed(), st.active)
		}
	}
	if err := s.Halt(); err != nil {
		t.Fatal(err)
	}
	if trig.Active() || !trig.Halted() {
		t.Fatalf("after Halt: active %v halted %v", trig.Active(), trig.Halted())
	}
	want := []bool{false, true, false, false, true, true, false}
	if got := trig.Timeline(); !equalBools(got, want) {
		t.Fatalf("timeline %v, want %v", got, want)
	}
	if len(violations) > 0 {
		t.Fatal(violations)
	}
}

func equalBools(a, b []bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestArmFailsCleanlyWhenTriggerFails(t *testing.T) {
	trig := &triggertest.Trigger{}
	s, _ := newModule(t, uart.Options{Trigger: trig})
	trig.Fail = errors.New("line gone")
	if err := s.Arm(context.Background()); err == nil {
		t.Fatal("Arm succeeded with a failing trigger")
	}
	if s.Armed() {
		t.Fatal("scanner armed after a failed Arm")
	}
}

func TestArmHonoursContext(t *testing.T) {
	trig := &triggertest.Trigger{}
	s, m := newModule(t, uart.Options{Protocol: uart.Honeywell, Trigger: trig})
	// Stop the module reading: the command write blocks.
	m.conn.SetReadDeadline(time.Now())
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := s.Arm(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Arm: %v, want deadline exceeded", err)
	}
	if s.Armed() || trig.Active() {
		t.Fatalf("after failed Arm: armed %v, trigger %v", s.Armed(), trig.Active())
	}
}

func TestDiscardedLines(t *testing.T) {
	tests := []struct {
		name, send, why string
	}{
		{"over-long", "123456789\r", "too long"},
		{"noise", "12\x0734\r\n", "noise"},
		{"high bytes", "\xc3\xa9t\xc3\xa9\r", "noise"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs := newLogRecorder()
			s, m := newModule(t, uart.Options{MaxLen: 8, Logger: slogOf(logs)})
			if err := s.Arm(context.Background()); err != nil {
				t.Fatal(err)
			}
			m.send(t, tt.send)
			logs.waitFor(t, tt.why)
			noCode(t, s)
			m.send(t, "12345678\r")
			if got := nextCode(t, s); got != "12345678" {
				t.Fatalf("code after discarded line %q", got)
			}
		})
	}
}

func TestInterCharTimeoutDiscardsPartialLine(t *testing.T) {
	clk := newFakeClock()
	logs := newLogRecorder()
	s, m := newModule(t, uart.Options{Clock: clk, Logger: slogOf(logs)})
	if err := s.Arm(context.Background()); err != nil {
		t.Fatal(err)
	}
	m.send(t, "99999")
	clk.fireLatest(t)
	logs.waitFor(t, "partial")
	m.send(t, codeA+"\r")
	if got := nextCode(t, s); got != codeA {
		t.Fatalf("code %q, want %q (the partial line must not prefix it)", secret.Code(got), secret.Code(codeA))
	}
}

func TestHaltClosesCodes(t *testing.T) {
	trig := &triggertest.Trigger{}
	s, _ := newModule(t, uart.Options{Trigger: trig})
	if err := s.Arm(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := s.Halt(); err != nil {
		t.Fatal(err)
	}
	select {
	case _, ok := <-s.Codes():
		if ok {
			t.Fatal("code after Halt")
		}
	case <-time.After(wait):
		t.Fatal("Codes not closed by Halt")
	}
	if err := s.Arm(context.Background()); err == nil {
		t.Fatal("Arm after Halt succeeded")
	}
	if err := s.Disarm(context.Background()); err != nil {
		t.Fatalf("Disarm after Halt: %v", err)
	}
	if err := s.Halt(); err != nil {
		t.Fatalf("second Halt: %v", err)
	}
	if s.Err() != nil {
		t.Fatalf("Err after Halt: %v", s.Err())
	}
}

func TestPortFailureClosesCodes(t *testing.T) {
	s, m := newModule(t, uart.Options{})
	m.conn.Close()
	select {
	case _, ok := <-s.Codes():
		if ok {
			t.Fatal("code from a closed port")
		}
	case <-time.After(wait):
		t.Fatal("Codes not closed when the port failed")
	}
	if s.Err() == nil {
		t.Fatal("Err is nil after the port failed")
	}
	if err := s.Arm(context.Background()); err == nil {
		t.Fatal("Arm succeeded on a failed port")
	}
}

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}
