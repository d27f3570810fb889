//go:build arm64

package main

import (
	"errors"
	"log/slog"

	"payterm/board"
)

// openDevices opens the board's hardware. The kernel drivers (framebuffer,
// evdev, UART scanner, V4L2) come with the QEMU/board work; until then an
// arm64 build refuses to start rather than pretend.
func openDevices(b board.Board, cfg config, log *slog.Logger) (*devices, error) {
	return nil, errors.New("board " + b.Name + ": hardware drivers not built yet")
}
