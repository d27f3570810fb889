package uart

import (
	"fmt"

	"payterm/internal/serialport"
)

// DefaultBaud is the line speed when Open is given zero: the factory
// setting of most scanner modules.
const DefaultBaud = 9600

// Open opens the UART at path at baud bits per second, 8N1, no flow
// control, and starts a Scanner on it. opts.Name, if empty, becomes the
// path and protocol.
func Open(path string, baud int, opts Options) (*Scanner, error) {
	if baud == 0 {
		baud = DefaultBaud
	}
	port, err := serialport.Open(path, baud)
	if err != nil {
		return nil, fmt.Errorf("uart: open %s: %w", path, err)
	}
	if opts.Name == "" {
		opts.Name = fmt.Sprintf("uart scanner %s (%s)", path, opts.Protocol)
	}
	s, err := New(port, opts)
	if err != nil {
		port.Close()
		return nil, err
	}
	return s, nil
}
