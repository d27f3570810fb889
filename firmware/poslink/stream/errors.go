package stream

import "errors"

var (
	// ErrTooLarge: the payload is over the limit (Options.MaxPayload).
	ErrTooLarge = errors.New("stream: payload too large")
	// ErrNoAck: the peer did not acknowledge a data frame after
	// Options.MaxTries writes. The payload may or may not have been
	// delivered.
	ErrNoAck = errors.New("stream: no acknowledgement")
	// ErrClosed: the Conn (or Client) was closed, or its reader ended.
	ErrClosed = errors.New("stream: closed")
)
