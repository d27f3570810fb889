package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"payterm/pos"
)

// TestProgressBar: on a terminal the bar is redrawn in place with its
// rate and ETA from this run's bytes; elsewhere it prints a plain line
// per tenth.
func TestProgressBar(t *testing.T) {
	clock := time.Unix(0, 0)
	now := func() time.Time { return clock }
	var tty bytes.Buffer
	p := newProgressBar(&tty, true, now)
	p.update(pos.UpdateProgress{Done: 1 << 20, Total: 4 << 20}) // resumed at 1 MiB
	clock = clock.Add(10 * time.Second)
	p.update(pos.UpdateProgress{Done: 2 << 20, Total: 4 << 20})
	p.done()
	out := tty.String()
	if !strings.Contains(out, "\r[###############...............]  50%  2.0/4.0 MiB  102.4 KiB/s  ETA 20s") || !strings.HasSuffix(out, "\n") {
		t.Fatalf("tty output %q", out)
	}
	var plain bytes.Buffer
	p = newProgressBar(&plain, false, now)
	for done := int64(0); done <= 100; done += 5 {
		p.update(pos.UpdateProgress{Done: done, Total: 100})
	}
	if n := strings.Count(plain.String(), "\n"); n != 11 || strings.Contains(plain.String(), "\r") {
		t.Fatalf("plain output: %d lines, want 11 without \\r:\n%s", n, plain.String())
	}
}
