package otalink

import (
	"context"

	"payterm/update/manifest"
)

// Sink takes one bundle's bytes and installs them into the inactive
// slot: update/install's Installer satisfies it.
//
// Offset is how many bundle bytes are durably accepted: it survives a
// restart (the sink keeps it in its state directory) and may lag behind
// what Write took, up to the sink's own resume granularity. The first
// Write after Open continues at Offset; each further Write continues
// where the last ended. Write fails when the bytes cannot belong to an
// installable bundle (bad signature, wrong board, hash mismatch…): the
// bundle is then dead, and the Receiver calls Abort. Finish checks the
// whole bundle and returns its verified manifest. Abort discards the
// sink's persisted state, so the next Open starts at 0.
type Sink interface {
	Offset() int64
	Write(p []byte) (int, error)
	Finish() (manifest.Manifest, error)
	Abort() error
}

// OpenSink opens the sink for the bundle the POS offered, named by its
// id and of size bytes, resuming the sink's persisted state if it is that
// bundle's. The size lets the sink refuse, once the manifest is in, a
// bundle of another length before it writes anything. The Receiver
// opens with ("", 0) only to Abort state whose offer was lost.
type OpenSink func(bundle string, size int64) (Sink, error)

// Boot is what the running firmware knows of its boot, reported to the
// POS: bootselect.Booted read by the firmware, and the version of the
// slot that failed when there was a rollback.
type Boot struct {
	Slot          string // "A", "B"; "" without A/B slots (board sim)
	RolledBack    bool
	FailedVersion string // "" when unknown
	// Trial: the running slot was staged by an update and its self-check
	// has not committed it yet; it may still fall back.
	Trial bool
}

// Install switches the boot slot to the verified bundle and starts the
// restart into it (bootselect TryNext, then a clean reboot). The
// Receiver calls it only from inside WhenIdle.
type Install func(m manifest.Manifest) error

// WhenIdle runs f once the checkout is idle, and keeps any order from
// starting until f returns; it returns when f has run (nil) or when ctx
// ends first. The firmware runs f in its engine loop.
type WhenIdle func(ctx context.Context, f func()) error

// Progress is a download as the screen shows it.
type Progress struct {
	Version string // the version being received
	Done    int64  // bytes taken
	Total   int64  // bundle size; 0: no download in progress
}
