package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"net"
	"time"

	"payterm/drivers/display"
	"payterm/firmware/journal"
)

// selfCheckLinkWait bounds the wait for the link's HTTPS port to listen:
// the server starts beside the check.
const selfCheckLinkWait = 30 * time.Second

// selfCheck is what a freshly booted firmware shows before its slot is
// committed (bootSlots.selfChecked): the panel still answers with the
// mode it was opened in (a new kernel's driver may bind differently),
// the state is on the data partition, the journal verifies from its
// start, the link's HTTPS port takes connections, and the screen shown
// renders to an image. Every failure is in the error.
func selfCheck(ctx context.Context, cfg config, jr *journal.Journal, key ed25519.PrivateKey, scr *uiScreen) error {
	var errs []error
	if !cfg.health.StorageOK() {
		errs = append(errs, fmt.Errorf("data partition: %s", cfg.health.Storage))
	}
	if err := jr.Verify(key.Public().(ed25519.PublicKey)); err != nil {
		errs = append(errs, err)
	}
	if err := scr.checkPanel(); err != nil {
		errs = append(errs, err)
	}
	if err := scr.testRender(); err != nil {
		errs = append(errs, err)
	}
	if err := linkListening(ctx, cfg.HTTPS, selfCheckLinkWait); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// linkListening waits up to wait for a TCP connection to addr (":8443":
// the loopback address) to succeed.
func linkListening(ctx context.Context, addr string, wait time.Duration) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("link address %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	var d net.Dialer
	for {
		c, err := d.DialContext(ctx, "tcp", net.JoinHostPort(host, port))
		if err == nil {
			c.Close()
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("link not listening on %s: %w", addr, err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// checkPanel asks the display's driver whether the panel is still there
// as opened; a display that cannot tell (the virtual terminal's) passes.
func (s *uiScreen) checkPanel() error {
	c, ok := s.disp.(display.Checker)
	if !ok {
		return nil
	}
	s.drawing.Lock()
	defer s.drawing.Unlock()
	if err := c.Check(); err != nil {
		return fmt.Errorf("display: %w", err)
	}
	return nil
}

// testRender encodes the frame on the panel as a PNG: the renderer and
// its fonts produced an image.
func (s *uiScreen) testRender() error {
	s.drawing.Lock()
	defer s.drawing.Unlock()
	var b bytes.Buffer
	if err := s.r.PNG(&b); err != nil {
		return fmt.Errorf("test render: %w", err)
	}
	if b.Len() < 64 {
		return fmt.Errorf("test render: %d bytes of PNG", b.Len())
	}
	return nil
}
