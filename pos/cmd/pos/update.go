package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"payterm/pos"
)

// updateCommand sends the terminal bundle of this POS release (-bundle)
// when the terminal runs an older version, with a progress bar on
// stderr. Run again after a drop or a restart, it resumes.
func updateCommand(ctx context.Context, a *pos.Agent, o options, bundle string, chunk int, stdout io.Writer) error {
	if bundle == "" {
		return fmt.Errorf("update: -bundle is required")
	}
	b, err := openBundle(ctx, bundle, o.bundleFrom, a.Log, stdout)
	if err != nil {
		return err
	}
	return syncBundle(ctx, a, o, b, chunk, newProgressBar(os.Stderr, isTerminal(os.Stderr), time.Now), stdout)
}

// syncBundle brings the terminal to b's version (pos.Updater.Sync),
// drawing the transfer on bar, and prints the outcome on stdout.
func syncBundle(ctx context.Context, a *pos.Agent, o options, b pos.Bundle, chunk int, bar *progressBar, stdout io.Writer) error {
	u := &pos.Updater{Terminal: a.Terminal, SaleID: o.saleID, NewServiceID: newServiceID, Chunk: chunk,
		Log: a.Log, Progress: bar.update}
	res, err := u.Sync(ctx, b)
	bar.done()
	if err != nil {
		return err
	}
	if res.Sent {
		fmt.Fprintf(stdout, "terminal %s: sent %s from byte %d (%d bytes sent): %s\n", o.poiID, b.Version, res.From, res.Bytes, res.Reason)
	} else {
		fmt.Fprintf(stdout, "terminal %s: %s\n", o.poiID, res.Reason)
	}
	return nil
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressBar draws a transfer: redrawn in place on a terminal, a line
// every 10 % otherwise (a log file, a pipe).
type progressBar struct {
	w     io.Writer
	tty   bool
	now   func() time.Time
	start time.Time
	from  int64 // bytes the terminal had when this run started
	last  int64 // last tenth printed (plain text)
	drawn bool
}

func newProgressBar(w io.Writer, tty bool, now func() time.Time) *progressBar {
	return &progressBar{w: w, tty: tty, now: now, from: -1, last: -1}
}

func (p *progressBar) update(u pos.UpdateProgress) {
	if u.Total <= 0 {
		return
	}
	if p.from < 0 {
		p.from, p.start = u.Done, p.now()
	}
	line := progressLine(u, p.from, p.now().Sub(p.start))
	if p.tty {
		fmt.Fprintf(p.w, "\r%s", line)
		p.drawn = true
		return
	}
	if tenth := u.Done * 10 / u.Total; tenth != p.last {
		p.last = tenth
		fmt.Fprintln(p.w, line)
	}
}

func (p *progressBar) done() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}

// progressLine is "[#####.....]  52%  1.5/2.9 MiB  10.1 KiB/s  ETA 2m20s":
// the rate counts only this run's bytes, so a resumed transfer's ETA is
// not flattered by what was sent before.
func progressLine(u pos.UpdateProgress, from int64, elapsed time.Duration) string {
	const width = 30
	pct := u.Done * 100 / u.Total
	filled := int(u.Done * width / u.Total)
	bar := strings.Repeat("#", filled) + strings.Repeat(".", width-filled)
	s := fmt.Sprintf("[%s] %3d%%  %.1f/%.1f MiB", bar, pct, mib(u.Done), mib(u.Total))
	if moved := u.Done - from; moved > 0 && elapsed > 0 {
		rate := float64(moved) / elapsed.Seconds()
		eta := time.Duration(float64(u.Total-u.Done) / rate * float64(time.Second)).Round(time.Second)
		s += fmt.Sprintf("  %.1f KiB/s  ETA %s", rate/1024, eta)
	}
	return s
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }
