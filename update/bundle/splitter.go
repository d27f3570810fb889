package bundle

import (
	"encoding/binary"
	"errors"
	"fmt"

	"payterm/update/manifest"
)

// Position is where a Splitter stands, always at a unit boundary: after
// the manifest or after a whole frame. The zero value is the start of a
// bundle.
type Position struct {
	// Offset is the bundle bytes consumed.
	Offset int64 `json:"offset"`
	// Artefact is the index of the artefact whose payload comes next;
	// len(Artefacts) when every payload is complete.
	Artefact int `json:"artefact"`
	// Payload is the bytes of that artefact's payload consumed.
	Payload int64 `json:"payload"`
	// Output is the bytes of that artefact its frames decoded to.
	Output int64 `json:"output"`
	// Frame is the index of that artefact's next frame (its hash in
	// Artefacts[Artefact].Frames); 0 exactly when Payload is. Added
	// after the other members: a position saved without it is 0 and,
	// past an artefact's start, refused by Resume.
	Frame int `json:"frame,omitempty"`
}

// Kind is what a Feed completed.
type Kind int

const (
	// None: the bytes went into a unit not yet complete.
	None Kind = iota
	// ManifestReady: Event.Data is the signed manifest file. The
	// splitter waits for Start.
	ManifestReady
	// FrameReady: Event.Data is one frame of artefact Event.Artefact.
	FrameReady
)

// Event is a unit a Feed completed. Data aliases the splitter's buffer
// and is valid until the next Feed.
type Event struct {
	Kind Kind
	Data []byte
	// For a frame: its artefact's index, where in the artefact its
	// output goes, and how many bytes it decodes to.
	Artefact int
	At       int64
	Output   int
}

type phase int

const (
	phaseHeader phase = iota
	phaseManifest
	phaseWait // manifest handed out, Start not yet called
	phaseFrameHeader
	phaseFrame
	phaseDone
)

// Splitter cuts a bundle fed in pieces of any size into its manifest and
// frames, enforcing the layout's limits as each header arrives: a
// manifest of at most manifest.MaxSize bytes, frames within MaxFrameSize
// and MaxFrameOutput that stay inside their payload's payload_size and
// their artefact's size, and nothing after the last payload. Each frame's
// SHA-256 (header and bytes) must be the one its manifest lists, in order,
// before the frame is handed out: ErrTampered otherwise. It buffers at
// most one unit. It decodes nothing and trusts nothing: it hands out the
// manifest and stops until Start gives it the manifest the caller
// verified. The zero value is ready for a bundle's first byte.
type Splitter struct {
	pos      Position
	phase    phase
	m        *manifest.Manifest
	buf      []byte
	need     int // bytes the current unit has in all
	frameOut int // output length of the frame being read
	header   [FrameHeaderSize]byte
	err      error // the first error; it sticks
}

// checkFrameCounts refuses a manifest whose frame hash lists cannot match
// its payloads, before any frame is split: a zstd payload has one frame
// per MaxFrameOutput bytes of the artefact (the last shorter); a delta's
// frames each decode to 1 … MaxFrameOutput bytes and take at least
// FrameHeaderSize+1 bytes of payload.
func checkFrameCounts(m *manifest.Manifest) error {
	for _, a := range m.Artefacts {
		n := int64(len(a.Frames))
		lo := (a.Size + MaxFrameOutput - 1) / MaxFrameOutput
		hi := min(a.Size, a.PayloadSize/(FrameHeaderSize+1))
		if a.Encoding == EncodingZstd {
			hi = lo
		}
		if n < lo || n > hi {
			return fmt.Errorf("bundle: artefact %s: %d frame hashes for %d bytes in a %s payload of %d bytes: %w",
				a.Name, n, a.Size, a.Encoding, a.PayloadSize, ErrMalformed)
		}
	}
	return nil
}

// Resume is a splitter standing at pos of a bundle whose verified
// manifest is m and whose manifest file is manifestLen bytes: the
// installer's restart at its last durable frame boundary. pos must be
// consistent with m.
func Resume(m *manifest.Manifest, manifestLen int, pos Position) (*Splitter, error) {
	bad := func(what string) error {
		return fmt.Errorf("bundle: resume at %+v: %s", pos, what)
	}
	if pos.Artefact < 0 || pos.Artefact > len(m.Artefacts) || pos.Payload < 0 || pos.Output < 0 {
		return nil, bad("out of range")
	}
	at := Size(manifestLen, &manifest.Manifest{Artefacts: m.Artefacts[:pos.Artefact]})
	if pos.Artefact == len(m.Artefacts) {
		if pos.Payload != 0 || pos.Output != 0 {
			return nil, bad("past the last artefact")
		}
	} else if a := m.Artefacts[pos.Artefact]; pos.Payload >= a.PayloadSize || pos.Output >= a.Size || (pos.Payload == 0) != (pos.Output == 0) ||
		pos.Frame < 0 || pos.Frame >= len(a.Frames) || (pos.Payload == 0) != (pos.Frame == 0) {
		return nil, bad("not a frame boundary")
	}
	if at+pos.Payload != pos.Offset {
		return nil, bad("offset inconsistent with the manifest")
	}
	if err := checkFrameCounts(m); err != nil {
		return nil, err
	}
	s := &Splitter{pos: pos, m: m}
	s.beginPayload()
	return s, nil
}

// Position is where the splitter stands after the last unit it handed
// out (bytes of a unit still incomplete are not counted).
func (s *Splitter) Position() Position { return s.pos }

// Done reports whether every payload is complete; a bundle whose input
// ends before is truncated.
func (s *Splitter) Done() bool { return s.phase == phaseDone && s.err == nil }

// Start gives the splitter the manifest the caller verified (parsed from
// the ManifestReady bytes), after which it splits frames. ErrMalformed
// (and the splitter takes nothing more) when an artefact's frame hashes
// are too few or too many for its payload.
func (s *Splitter) Start(m *manifest.Manifest) error {
	if s.phase != phaseWait {
		return errors.New("bundle: Start without a manifest waiting")
	}
	if err := checkFrameCounts(m); err != nil {
		s.err = err
		return err
	}
	s.m = m
	s.beginPayload()
	return nil
}

// beginPayload sets the phase for the frame header at s.pos, or done.
func (s *Splitter) beginPayload() {
	if s.pos.Artefact == len(s.m.Artefacts) {
		s.phase, s.need = phaseDone, 0
		return
	}
	s.phase, s.need = phaseFrameHeader, FrameHeaderSize
}

// Feed consumes a prefix of p, up to the end of the current unit, and
// reports the unit if that completed it; call it again with p[n:] for the
// rest. Errors are ErrMalformed or ErrTampered (with the offending
// offset) and stick: the splitter takes no more bytes after one, and its
// Position stays before the offending frame.
func (s *Splitter) Feed(p []byte) (n int, ev Event, err error) {
	if s.err != nil {
		return 0, Event{}, s.err
	}
	switch s.phase {
	case phaseWait:
		return 0, Event{}, errors.New("bundle: Feed before Start")
	case phaseDone:
		if len(p) == 0 {
			return 0, Event{}, nil
		}
		return 0, Event{}, s.malformed("%d bytes after the last payload", len(p))
	}
	if s.need == 0 {
		s.need = HeaderSize
	}
	if cap(s.buf) < s.need {
		s.buf = make([]byte, 0, s.need) // bounded by the limits checked above
	}
	n = min(len(p), s.need-len(s.buf))
	s.buf = append(s.buf, p[:n]...)
	if len(s.buf) < s.need {
		return n, Event{}, nil
	}
	unit := s.buf
	s.buf = s.buf[:0]
	switch s.phase {
	case phaseHeader:
		if string(unit[:len(Magic)]) != Magic {
			return n, Event{}, s.malformed("not a bundle (magic %q)", unit[:len(Magic)])
		}
		l := binary.BigEndian.Uint32(unit[len(Magic):])
		if l == 0 || l > manifest.MaxSize {
			return n, Event{}, s.malformed("manifest of %d bytes, limit %d", l, manifest.MaxSize)
		}
		s.pos.Offset += int64(HeaderSize)
		s.phase, s.need = phaseManifest, int(l)
	case phaseManifest:
		s.pos.Offset += int64(len(unit))
		s.phase = phaseWait
		return n, Event{Kind: ManifestReady, Data: unit}, nil
	case phaseFrameHeader:
		fl := binary.BigEndian.Uint32(unit[:4])
		ol := binary.BigEndian.Uint32(unit[4:])
		a := s.m.Artefacts[s.pos.Artefact]
		switch {
		case fl == 0 || fl > MaxFrameSize:
			return n, Event{}, s.malformed("frame of %d bytes, limit %d", fl, MaxFrameSize)
		case ol == 0 || ol > MaxFrameOutput:
			return n, Event{}, s.malformed("frame output of %d bytes, limit %d", ol, MaxFrameOutput)
		case s.pos.Payload+FrameHeaderSize+int64(fl) > a.PayloadSize:
			return n, Event{}, s.malformed("frame overruns artefact %s's payload of %d bytes", a.Name, a.PayloadSize)
		case s.pos.Output+int64(ol) > a.Size:
			return n, Event{}, s.malformed("frame output overruns artefact %s's %d bytes", a.Name, a.Size)
		case s.pos.Frame >= len(a.Frames):
			return n, Event{}, s.malformed("artefact %s has more frames than its %d hashes", a.Name, len(a.Frames))
		}
		s.header = [FrameHeaderSize]byte(unit)
		s.phase, s.need, s.frameOut = phaseFrame, int(fl), int(ol)
	case phaseFrame:
		a := s.m.Artefacts[s.pos.Artefact]
		if got, want := frameHash(s.header, unit), a.Frames[s.pos.Frame]; got != want {
			s.buf = nil
			s.err = fmt.Errorf("bundle: at byte %d: artefact %s frame %d: sha256 %s, manifest %s: %w",
				s.pos.Offset, a.Name, s.pos.Frame, got, want, ErrTampered)
			return n, Event{}, s.err
		}
		ev = Event{Kind: FrameReady, Data: unit, Artefact: s.pos.Artefact, At: s.pos.Output, Output: s.frameOut}
		s.pos.Offset += FrameHeaderSize + int64(len(unit))
		s.pos.Payload += FrameHeaderSize + int64(len(unit))
		s.pos.Output += int64(s.frameOut)
		s.pos.Frame++
		if s.pos.Payload == a.PayloadSize {
			if s.pos.Output != a.Size {
				return n, Event{}, s.malformed("artefact %s's payload decodes to %d bytes, not %d", a.Name, s.pos.Output, a.Size)
			}
			if s.pos.Frame != len(a.Frames) {
				return n, Event{}, s.malformed("artefact %s has %d frames, not its %d hashes", a.Name, s.pos.Frame, len(a.Frames))
			}
			s.pos.Artefact, s.pos.Payload, s.pos.Output, s.pos.Frame = s.pos.Artefact+1, 0, 0, 0
		}
		s.beginPayload()
		return n, ev, nil
	}
	return n, Event{}, nil
}

func (s *Splitter) malformed(format string, a ...any) error {
	s.buf = nil
	s.err = fmt.Errorf("bundle: at byte %d: %s: %w", s.pos.Offset, fmt.Sprintf(format, a...), ErrMalformed)
	return s.err
}

// BufferCap is the capacity of the splitter's buffer: its memory, at
// most max(manifest, frame) bytes.
func (s *Splitter) BufferCap() int { return cap(s.buf) }
