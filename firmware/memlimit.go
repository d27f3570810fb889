package main

import (
	"os"
	"runtime/debug"
)

// memoryLimit is the soft limit on the Go runtime's memory (heap, stacks,
// runtime structures): the garbage collector works harder as it is
// approached instead of letting garbage double the heap. It keeps the
// terminal within its resident budget (48 MB with the binary's own pages,
// under a crowd of idle or half-sent POS connections; see
// TestSystemLinkUnderIdleAndHalfSentConnections). Soft: live memory above
// it costs GC time (capped by the runtime), never a crash.
const memoryLimit = 32 << 20

// setMemoryLimit applies memoryLimit unless GOMEMLIMIT already set one.
func setMemoryLimit() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}
