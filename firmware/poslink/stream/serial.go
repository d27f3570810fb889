package stream

import (
	"fmt"
	"io"

	"payterm/internal/serialport"
)

// OpenSerial opens a UART (or USB-ACM, or an rfcomm device for Bluetooth
// SPP) at baud bits per second, 8 data bits, no parity, one stop bit, no
// flow control, in raw mode, with reads that block until data comes. Close
// unblocks a pending Read.
func OpenSerial(path string, baud int) (io.ReadWriteCloser, error) {
	port, err := serialport.Open(path, baud)
	if err != nil {
		return nil, fmt.Errorf("stream: %w", err)
	}
	return port, nil
}

// ByteRate is a UART's rate in bytes a second at baud with 8N1 framing
// (a start bit, eight data bits, a stop bit): Options.ByteRate.
func ByteRate(baud int) int { return baud / 10 }
