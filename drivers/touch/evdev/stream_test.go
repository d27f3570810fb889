package evdev

import (
	"payterm/drivers/internal/evdevio"
	"payterm/drivers/internal/evdevio/evdevtest"
)

// in is one input_event to put in a recorded stream.
type in = evdevio.Record

func syn() in                     { return in{Type: evSyn, Code: synReport} }
func dropped() in                 { return in{Type: evSyn, Code: synDropped} }
func key(code uint16, v int32) in { return in{Type: evKey, Code: code, Value: v} }
func abs(code uint16, v int32) in { return in{Type: evAbs, Code: code, Value: v} }

// stream encodes events as the kernel writes them on a 64-bit host.
func stream(evs ...in) []byte { return evdevtest.Stream(evs...) }

// concat joins recorded streams and raw bytes.
func concat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}
