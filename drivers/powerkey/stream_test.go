package powerkey

import (
	"payterm/drivers/internal/evdevio"
	"payterm/drivers/internal/evdevio/evdevtest"
)

// in is one input_event to put in a recorded stream.
type in = evdevio.Record

func syn() in                     { return in{Type: evdevio.EvSyn, Code: evdevio.SynReport} }
func dropped() in                 { return in{Type: evdevio.EvSyn, Code: evdevio.SynDropped} }
func key(code uint16, v int32) in { return in{Type: evdevio.EvKey, Code: code, Value: v} }
func power(v int32) in            { return key(KeyPower, v) }

// stream encodes events as the kernel writes them on a 64-bit host.
func stream(evs ...in) []byte { return evdevtest.Stream(evs...) }
