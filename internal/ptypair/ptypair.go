// Package ptypair opens pseudo-terminal pairs in raw mode, so tests can
// stand a pty in for a UART: what is written to one end is read, byte for
// byte, from the other, through the kernel's real tty layer.
package ptypair

import (
	"errors"
	"os"
)

// Pair is an open pseudo-terminal. Both files are in the runtime's poller,
// so Close unblocks a pending Read and read deadlines work.
type Pair struct {
	Master *os.File // the /dev/ptmx side (the "far end" of the cable)
	Slave  *os.File // the tty side, in raw mode
	Name   string   // the tty's path, e.g. /dev/pts/3, for code that opens a device by name
}

// Close closes both ends.
func (p *Pair) Close() error {
	return errors.Join(p.Slave.Close(), p.Master.Close())
}
