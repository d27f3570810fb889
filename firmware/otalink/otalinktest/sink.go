// Package otalinktest is an update sink for tests: it keeps the bundle
// in a file and its resume offset in another, in a directory that
// outlives the Receiver, as update/install keeps its state on the data
// partition, so a test can restart the terminal and see it resume.
package otalinktest

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"payterm/firmware/otalink"
	"payterm/update/manifest"
)

// Store opens sinks over Dir. Its zero value is not usable: set Dir and
// Want.
type Store struct {
	Dir string
	// Granularity is the resume step: Offset advances to the last
	// multiple of it written (a frame boundary for update/install). 0
	// means 4096.
	Granularity int64
	// Want is the SHA-256 of the bundle Finish accepts; Version is the
	// manifest's version it returns.
	Want    [32]byte
	Version string
	// FailAt, when > 0, makes Write refuse the byte at that offset, as an
	// installer refuses a bad signature.
	FailAt int64

	mu      sync.Mutex
	written int64 // bytes written by all sinks, over all opens
	opens   int
}

var _ otalink.OpenSink = (*Store)(nil).Open

// Written is how many bytes the sinks took, resumed ones included.
func (st *Store) Written() int64 {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.written
}

// Opens counts Open calls.
func (st *Store) Opens() int {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.opens
}

// Sink is one open bundle.
type Sink struct {
	st      *Store
	f       *os.File
	pos     int64 // bytes in the file
	durable int64
}

// Open resumes the bundle kept in Dir at its durable offset, whichever
// bundle it was (the Receiver aborts it when the offer changes).
func (st *Store) Open(string, int64) (otalink.Sink, error) {
	st.mu.Lock()
	st.opens++
	st.mu.Unlock()
	if err := os.MkdirAll(st.Dir, 0o700); err != nil {
		return nil, err
	}
	durable := int64(0)
	if b, err := os.ReadFile(st.offsetPath()); err == nil && len(b) == 8 {
		durable = int64(binary.BigEndian.Uint64(b))
	}
	f, err := os.OpenFile(filepath.Join(st.Dir, "bundle.part"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := f.Truncate(durable); err != nil {
		f.Close()
		return nil, err
	}
	return &Sink{st: st, f: f, pos: durable, durable: durable}, nil
}

func (st *Store) offsetPath() string { return filepath.Join(st.Dir, "offset") }

func (st *Store) granularity() int64 {
	if st.Granularity > 0 {
		return st.Granularity
	}
	return 4096
}

// Offset is the durable offset.
func (s *Sink) Offset() int64 { return s.durable }

// Write appends p; the durable offset moves to the last granularity
// boundary written.
func (s *Sink) Write(p []byte) (int, error) {
	if s.f == nil {
		return 0, errors.New("otalinktest: sink closed")
	}
	if fa := s.st.FailAt; fa > 0 && s.pos <= fa && fa < s.pos+int64(len(p)) {
		return 0, fmt.Errorf("otalinktest: byte %d refused", fa)
	}
	n, err := s.f.WriteAt(p, s.pos)
	s.pos += int64(n)
	s.st.mu.Lock()
	s.st.written += int64(n)
	s.st.mu.Unlock()
	if err != nil {
		return n, err
	}
	if g := s.st.granularity(); s.pos/g*g > s.durable {
		if err := s.persist(s.pos / g * g); err != nil {
			return n, err
		}
	}
	return n, nil
}

func (s *Sink) persist(off int64) error {
	if err := s.f.Sync(); err != nil {
		return err
	}
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(off))
	tmp := s.st.offsetPath() + ".tmp"
	if err := os.WriteFile(tmp, b[:], 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp, s.st.offsetPath()); err != nil {
		return err
	}
	s.durable = off
	return nil
}

// Finish checks the whole bundle against Want.
func (s *Sink) Finish() (manifest.Manifest, error) {
	if s.f == nil {
		return manifest.Manifest{}, errors.New("otalinktest: sink closed")
	}
	b, err := os.ReadFile(s.f.Name())
	if err != nil {
		return manifest.Manifest{}, err
	}
	if sum := sha256.Sum256(b[:s.pos]); !bytes.Equal(sum[:], s.st.Want[:]) {
		return manifest.Manifest{}, fmt.Errorf("otalinktest: bundle of %d bytes has the wrong hash", s.pos)
	}
	if err := s.persist(s.pos); err != nil {
		return manifest.Manifest{}, err
	}
	return manifest.Manifest{Version: s.st.Version}, nil
}

// Abort drops the bundle and its offset.
func (s *Sink) Abort() error {
	if s.f != nil {
		s.f.Close()
		s.f = nil
	}
	s.durable, s.pos = 0, 0
	for _, p := range []string{filepath.Join(s.st.Dir, "bundle.part"), s.st.offsetPath()} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// Bundle returns the bytes kept so far.
func (st *Store) Bundle() ([]byte, error) {
	return os.ReadFile(filepath.Join(st.Dir, "bundle.part"))
}
