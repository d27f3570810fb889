//go:build arm64

package main

import (
	"fmt"
	"log/slog"

	"payterm/board"
	"payterm/drivers/camera/v4l2cam"
	"payterm/drivers/display/fbdev"
	"payterm/drivers/scanner"
	"payterm/drivers/scanner/uart"
	"payterm/drivers/touch/evdev"
)

// openDevices opens the board's hardware. The display is essential; a
// missing or failing touch panel, scanner or camera is logged and the
// terminal carries on without it (the customer sees a clear state).
func openDevices(b board.Board, cfg config, log *slog.Logger) (*devices, error) {
	if b.Display.Device == "sim" {
		return nil, fmt.Errorf("board %s: the simulated board is not built for arm64", b.Name)
	}
	fb, err := fbdev.Open(b.Display.Device)
	if err != nil {
		return nil, fmt.Errorf("display: %w", err)
	}
	d := &devices{display: fb, scanner: scanner.None}
	log.Info("display", "device", fb)

	if b.Touch.Device != "" {
		path := b.Touch.Device
		if path == "auto" {
			path = "" // the Watcher finds the first absolute pointer, again after unplug
		}
		d.touch = evdev.Watch(path, evdev.Options{Panel: fb.Bounds().Size(), Logger: log})
	}
	if b.Scanner.UART != "" {
		d.scanner = openScanner(b.Scanner, log)
	}
	if b.Camera.Device != "" {
		d.camera = v4l2cam.New(b.Camera.Device, v4l2cam.Options{Logger: log})
	}
	return d, nil
}

// openScanner opens the scanner's UART and trigger line; a failure leaves
// the terminal without a scanner (payment codes are then refused with a
// message) rather than without a screen.
func openScanner(s board.Scanner, log *slog.Logger) scanner.Scanner {
	proto, err := uart.ParseProtocol(s.Protocol)
	if err != nil {
		log.Error("scanner protocol", "err", err)
		return scanner.None
	}
	var trig uart.Trigger = uart.NoTrigger
	if s.GPIOChip != "" {
		t, err := uart.OpenTrigger(s.GPIOChip, s.TriggerLine, s.TriggerActiveLow)
		if err != nil {
			log.Warn("scanner trigger line unavailable; the module must scan continuously", "chip", s.GPIOChip, "line", s.TriggerLine, "err", err)
		} else {
			trig = t
		}
	}
	sc, err := uart.Open(s.UART, s.Baud, uart.Options{Protocol: proto, Trigger: trig, Logger: log})
	if err != nil {
		log.Error("scanner unavailable", "uart", s.UART, "err", err)
		trig.Halt()
		return scanner.None
	}
	log.Info("scanner", "uart", s.UART, "protocol", s.Protocol, "trigger", fmt.Sprintf("%s line %d", s.GPIOChip, s.TriggerLine))
	return sc
}
