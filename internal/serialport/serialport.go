// Package serialport opens UARTs the way every payterm serial user wants
// them: the given speed, 8 data bits, no parity, one stop bit, no flow
// control, raw, with reads that block until data comes. go.bug.st/serial
// does the work; periph's serial package never sets the baud rate.
package serialport

import (
	"fmt"
	"io"

	"go.bug.st/serial"
)

// Open opens the UART (or USB-ACM, or rfcomm device) at path at baud bits
// per second, 8N1. Close unblocks a pending Read.
func Open(path string, baud int) (io.ReadWriteCloser, error) {
	port, err := serial.Open(path, &serial.Mode{
		BaudRate: baud,
		DataBits: 8,
		Parity:   serial.NoParity,
		StopBits: serial.OneStopBit,
	})
	if err != nil {
		return nil, fmt.Errorf("serialport: open %s at %d baud: %w", path, baud, err)
	}
	return port, nil
}
