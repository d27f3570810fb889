package stream

import (
	"log/slog"
	"math/rand/v2"
	"time"
)

// Options tune a Conn. The zero value of each field means its default.
// Both ends should use the same MaxPayload; the timeouts need not match.
type Options struct {
	// AckTimeout is how long Send waits for an ACK or NAK after writing a
	// frame before writing it again, beyond the frame's own time on the
	// wire (ByteRate): the peer's turnaround and the ACK's way back.
	// Default 500 ms.
	AckTimeout time.Duration
	// ByteRate is the line's rate in bytes a second (a UART at baud with
	// 8N1: baud/10); 0 means unknown. Write returns once a frame is in
	// the driver's buffer, which may hold all of it: at 115200 baud a
	// 64 KiB frame is still on the wire 5.7 s later. With ByteRate set,
	// Send waits AckTimeout plus the frame's wire time before writing it
	// again; without it, a frame longer than AckTimeout's worth of bytes
	// is sent again while its first copy is still going out.
	ByteRate int
	// MaxTries is how many times Send writes a frame before it gives up
	// with ErrNoAck. Default 5.
	MaxTries int
	// MaxPayload is the largest payload sent or accepted, in bytes, at
	// most the package's MaxPayload (256 KiB), which is the default.
	MaxPayload int
	// InterByteTimeout: a partial frame is discarded when the next bytes
	// arrive more than this later, so that a frame cut short is not
	// completed with the bytes of its retransmission. Keep it below
	// AckTimeout. Default 250 ms; negative disables it.
	InterByteTimeout time.Duration
	// RecvQueue is how many delivered payloads wait for Recv. When it is
	// full, data frames are dropped unacknowledged and the peer's
	// retransmissions bring them again later. Default 32.
	RecvQueue int
	// FirstSeq is the sequence number of the first data frame. Default: a
	// random number, so that a restarted peer's frames are not taken for
	// repeats of the last ones delivered.
	FirstSeq uint32
	// Logger receives link events (retransmissions, damaged frames) at
	// Debug and Warn. Payloads are never logged. Default: discard.
	Logger *slog.Logger
	// Now is the clock for the inter-byte timeout. Default time.Now.
	Now func() time.Time
}

// withDefaults returns o with every zero field replaced by its default.
func (o Options) withDefaults() Options {
	if o.AckTimeout <= 0 {
		o.AckTimeout = 500 * time.Millisecond
	}
	if o.MaxTries <= 0 {
		o.MaxTries = 5
	}
	if o.MaxPayload <= 0 || o.MaxPayload > MaxPayload {
		o.MaxPayload = MaxPayload
	}
	if o.InterByteTimeout == 0 {
		o.InterByteTimeout = 250 * time.Millisecond
	}
	if o.RecvQueue <= 0 {
		o.RecvQueue = 32
	}
	if o.FirstSeq == 0 {
		o.FirstSeq = rand.Uint32()
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}
