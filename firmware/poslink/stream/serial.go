package stream

import (
	"fmt"
	"io"

	"go.bug.st/serial"
)

// OpenSerial opens a UART (or USB-ACM, or an rfcomm device for Bluetooth
// SPP) at baud bits per second, 8 data bits, no parity, one stop bit, no
// flow control, in raw mode, with reads that block until data comes. Close
// unblocks a pending Read.
func OpenSerial(path string, baud int) (io.ReadWriteCloser, error) {
	port, err := serial.Open(path, &serial.Mode{
		BaudRate: baud,
		DataBits: 8,
		Parity:   serial.NoParity,
		StopBits: serial.OneStopBit,
	})
	if err != nil {
		return nil, fmt.Errorf("stream: open serial %s at %d baud: %w", path, baud, err)
	}
	return port, nil
}
