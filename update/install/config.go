package install

import (
	"errors"
	"io"
	"time"

	"payterm/update/bundle"
	"payterm/update/manifest"
)

// Slot is a boot slot's storage: the inactive slot's partition the
// bundle is written into. Size is its length in bytes; Sync makes what
// was written durable (fsync).
type Slot interface {
	io.ReaderAt
	io.WriterAt
	Size() int64
	Sync() error
}

// Config is one install. Every field but Floor, Installed, Base, Codecs
// and Size is required.
type Config struct {
	// Keyring holds the keys the terminal trusts.
	Keyring *manifest.Keyring
	// Product and Board are the terminal's ("payterm", "qemu-virt").
	Product, Board string
	// Version is the running firmware's version; Floor the highest
	// min_version committed on this terminal ("" for none).
	Version, Floor string
	// Installed are the running slot's artefacts as they were installed,
	// in order (name, size, SHA-256): a delta's base must be among them,
	// and artefact i of them lies in Base right after artefact i-1.
	Installed []manifest.Artefact
	// Now is the clock the manifest's expiry is checked against.
	Now func() time.Time
	// Target is the inactive slot; the artefacts are written into it back
	// to back from offset 0, in manifest order.
	Target Slot
	// Base is the running slot, read by delta codecs; nil when no delta
	// can be installed.
	Base io.ReaderAt
	// StateDir is a directory on the data partition for the resume state
	// (two small files); it must exist.
	StateDir string
	// Codecs are the delta codecs the terminal can decode.
	Codecs []bundle.DeltaCodec
	// Bundle names the bundle offered (what the POS's offer identifies it
	// by, e.g. the hex SHA-256 of the bundle file). Progress saved in
	// StateDir for another name is discarded: a different bundle starts
	// from byte 0.
	Bundle string
	// Size is the offered bundle's length in bytes (the POS's offer says
	// it); 0 when unknown. A manifest whose bundle has another length is
	// refused before a byte reaches the slot: a truncated file never
	// overwrites the inactive slot's first frames.
	Size int64
}

func (c *Config) check() error {
	switch {
	case c.Keyring == nil:
		return errors.New("install: no keyring")
	case c.Now == nil:
		return errors.New("install: no clock")
	case c.Target == nil:
		return errors.New("install: no target slot")
	case c.StateDir == "":
		return errors.New("install: no state directory")
	case c.Bundle == "":
		return errors.New("install: bundle not named")
	case c.Size < 0:
		return errors.New("install: negative bundle size")
	}
	return nil
}

func (c *Config) terminal() manifest.Terminal {
	return manifest.Terminal{
		Product: c.Product, Board: c.Board, Version: c.Version, Floor: c.Floor,
		Installed: c.Installed, MaxArtefactSize: c.Target.Size(),
	}
}
