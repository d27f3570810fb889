package bundle

import (
	"errors"
	"fmt"
	"io"

	"payterm/update/manifest"
)

// Reader reads a bundle from an io.Reader for tools (inspect, diff): its
// manifest, parsed but not verified, then its frames in order. The
// terminal installs through a Splitter instead.
type Reader struct {
	r    io.Reader
	s    Splitter
	file []byte // the signed manifest file
	sig  *manifest.Signed
	buf  []byte
	rest []byte // read from r, not yet fed
	eof  bool
}

// Frame is one frame of an artefact's payload. Data is valid until the
// next call to Next.
type Frame struct {
	Artefact int    // index in the manifest's artefacts
	At       int64  // where in the artefact its output goes
	Output   int    // bytes it decodes to
	Data     []byte // the frame
}

// NewReader reads r's bundle up to the end of its manifest and parses the
// manifest (manifest.Parse: well-formed, not trusted).
func NewReader(r io.Reader) (*Reader, error) {
	br := &Reader{r: r, buf: make([]byte, 64<<10)}
	ev, err := br.next()
	if err != nil {
		return nil, err
	}
	if ev.Kind != ManifestReady {
		return nil, fmt.Errorf("bundle: no manifest: %w", ErrMalformed)
	}
	br.file = append([]byte(nil), ev.Data...)
	if br.sig, err = manifest.Parse(br.file); err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	if err := br.s.Start(&br.sig.Manifest); err != nil {
		return nil, err
	}
	return br, nil
}

// ManifestFile is the bundle's signed manifest file, for manifest.Verify.
func (r *Reader) ManifestFile() []byte { return r.file }

// Signed is the parsed, unverified manifest with its signatures.
func (r *Reader) Signed() *manifest.Signed { return r.sig }

// Next is the next frame; io.EOF after the last one when the bundle ends
// there, ErrTruncated when the input ends before, ErrMalformed for a
// broken layout or bytes after the last payload.
func (r *Reader) Next() (Frame, error) {
	ev, err := r.next()
	if err != nil {
		return Frame{}, err
	}
	if ev.Kind == None {
		return Frame{}, io.EOF
	}
	return Frame{Artefact: ev.Artefact, At: ev.At, Output: ev.Output, Data: ev.Data}, nil
}

// next feeds the splitter until it completes a unit; Kind None at the
// end of a whole bundle with nothing after it.
func (r *Reader) next() (Event, error) {
	for {
		if r.s.Done() && len(r.rest) == 0 {
			if r.eof {
				return Event{}, nil
			}
			// Anything after the last payload is malformed.
			n, err := io.ReadFull(r.r, r.buf[:1])
			if n > 0 {
				_, _, ferr := r.s.Feed(r.buf[:n])
				return Event{}, ferr
			}
			if err != nil && !errors.Is(err, io.EOF) {
				return Event{}, fmt.Errorf("bundle: %w", err)
			}
			r.eof = true
			return Event{}, nil
		}
		if len(r.rest) == 0 {
			if r.eof {
				return Event{}, fmt.Errorf("bundle: ends at byte %d: %w", r.s.Position().Offset, ErrTruncated)
			}
			n, err := r.r.Read(r.buf)
			r.rest = r.buf[:n]
			if errors.Is(err, io.EOF) {
				r.eof = true
			} else if err != nil {
				return Event{}, fmt.Errorf("bundle: %w", err)
			}
			continue
		}
		n, ev, err := r.s.Feed(r.rest)
		r.rest = r.rest[n:]
		if err != nil {
			return Event{}, err
		}
		if ev.Kind != None {
			return ev, nil
		}
	}
}
