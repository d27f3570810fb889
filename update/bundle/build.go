package bundle

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"

	"payterm/update/manifest"
)

// Source is one artefact's file.
type Source struct {
	Name string // the artefact's name in the manifest ("slot.vfat")
	Path string
}

// Options is one bundle to build.
type Options struct {
	// Manifest gives what Build does not compute: Product, Boards,
	// Version, MinVersion, Kernel and Expires. Build sets Format, and
	// fills Artefacts and Delta.
	Manifest manifest.Manifest
	// Artefacts are the files, in the order they are installed.
	Artefacts []Source
	// Keys sign the manifest, in order (at least one).
	Keys []ed25519.PrivateKey
	// Delta, when set, makes a delta bundle; nil a full one.
	Delta *Delta
}

// Delta is how a delta bundle is made.
type Delta struct {
	Codec DeltaCodec
	// BaseVersion is the firmware version the base artefacts belong to.
	BaseVersion string
	// Base are the installed artefacts the deltas are made against: one
	// of each artefact's name.
	Base []Source
}

// Build writes the bundle of o to w and returns its manifest. Everything
// in the output comes from o: the files' bytes, the manifest's fields,
// fixed encoder settings and deterministic Ed25519 signatures, so the
// same options give the same bytes. Payloads are held in memory until
// the manifest, which records their sizes, is written (a build host
// tool; the terminal streams).
func Build(w io.Writer, o Options) (manifest.Manifest, error) {
	m := o.Manifest
	m.Format = manifest.Format
	m.Artefacts = nil
	m.Delta = nil
	if len(o.Artefacts) == 0 {
		return manifest.Manifest{}, fmt.Errorf("bundle: build: no artefacts")
	}
	if o.Delta != nil {
		if o.Delta.Codec == nil || o.Delta.Codec.Name() == EncodingZstd {
			return manifest.Manifest{}, fmt.Errorf("bundle: build: delta without a codec")
		}
		m.Delta = &manifest.Delta{BaseVersion: o.Delta.BaseVersion}
	}
	var payloads []*bytes.Buffer
	for _, src := range o.Artefacts {
		a, payload, base, err := encodeArtefact(src, o.Delta)
		if err != nil {
			return manifest.Manifest{}, err
		}
		m.Artefacts = append(m.Artefacts, a)
		payloads = append(payloads, payload)
		if base != nil {
			m.Delta.Base = append(m.Delta.Base, *base)
		}
	}
	signed, err := manifest.Sign(m, o.Keys...)
	if err != nil {
		return manifest.Manifest{}, fmt.Errorf("bundle: build: %w", err)
	}
	if _, err := w.Write(Header(len(signed))); err != nil {
		return manifest.Manifest{}, fmt.Errorf("bundle: build: %w", err)
	}
	if _, err := w.Write(signed); err != nil {
		return manifest.Manifest{}, fmt.Errorf("bundle: build: %w", err)
	}
	for _, p := range payloads {
		if _, err := p.WriteTo(w); err != nil {
			return manifest.Manifest{}, fmt.Errorf("bundle: build: %w", err)
		}
	}
	return m, nil
}

// encodeArtefact hashes src and encodes its payload: zstd, or a delta
// against the base of its name (returned for the manifest).
func encodeArtefact(src Source, d *Delta) (manifest.Artefact, *bytes.Buffer, *manifest.BaseArtefact, error) {
	a := manifest.Artefact{Name: src.Name}
	size, sum, err := hashFile(src.Path)
	if err != nil {
		return a, nil, nil, err
	}
	if size == 0 {
		return a, nil, nil, fmt.Errorf("bundle: artefact %s: empty file", src.Name)
	}
	a.Size, a.SHA256 = size, sum
	f, err := os.Open(src.Path)
	if err != nil {
		return a, nil, nil, fmt.Errorf("bundle: %w", err)
	}
	defer f.Close()
	p := &payloadWriter{}
	var base *manifest.BaseArtefact
	if d == nil {
		a.Encoding = EncodingZstd
		err = encodeZstd(p, f)
	} else {
		a.Encoding = d.Codec.Name()
		base, err = encodeDelta(p, f, src, d)
	}
	if err != nil {
		return a, nil, nil, err
	}
	a.PayloadSize = int64(p.buf.Len())
	a.Frames = p.frames
	return a, &p.buf, base, nil
}

// payloadWriter collects a payload's frames with their headers and the
// hash of each (manifest Artefact.Frames).
type payloadWriter struct {
	buf    bytes.Buffer
	frames []string
}

func (p *payloadWriter) frame(frame []byte, outLen int) {
	h := frameHeader(len(frame), outLen)
	p.buf.Write(h[:])
	p.buf.Write(frame)
	p.frames = append(p.frames, frameHash(h, frame))
}

func hashFile(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", fmt.Errorf("bundle: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", fmt.Errorf("bundle: %s: %w", path, err)
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// encodeZstd writes r as zstd frames of MaxFrameOutput bytes each.
func encodeZstd(w *payloadWriter, r io.Reader) error {
	enc, err := newZstdEncoder()
	if err != nil {
		return err
	}
	defer enc.Close()
	chunk := make([]byte, MaxFrameOutput)
	var frame []byte
	for {
		n, err := io.ReadFull(r, chunk)
		if n > 0 {
			frame = enc.EncodeAll(chunk[:n], frame[:0])
			if len(frame) > MaxFrameSize {
				return fmt.Errorf("bundle: zstd frame of %d bytes above the limit", len(frame))
			}
			w.frame(frame, n)
		}
		switch err {
		case nil:
		case io.EOF, io.ErrUnexpectedEOF:
			return nil
		default:
			return fmt.Errorf("bundle: %w", err)
		}
	}
}

// encodeDelta runs the codec over target against its base and frames
// what it writes, decoding every frame back and comparing it with the
// target: a codec that breaks its contract fails the build, not an
// install.
func encodeDelta(w *payloadWriter, target io.Reader, src Source, d *Delta) (*manifest.BaseArtefact, error) {
	var basePath string
	for _, b := range d.Base {
		if b.Name == src.Name {
			basePath = b.Path
		}
	}
	if basePath == "" {
		return nil, fmt.Errorf("bundle: artefact %s: no base of that name", src.Name)
	}
	baseSize, baseSum, err := hashFile(basePath)
	if err != nil {
		return nil, err
	}
	base, err := os.Open(basePath)
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	defer base.Close()
	check, err := os.Open(src.Path)
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	defer check.Close()
	fw := &frameWriter{w: w, codec: d.Codec, base: base, baseSize: baseSize, target: check, name: src.Name}
	if err := d.Codec.Encode(fw, base, baseSize, target); err != nil {
		return nil, fmt.Errorf("bundle: artefact %s: %s: %w", src.Name, d.Codec.Name(), err)
	}
	if n, _ := io.Copy(io.Discard, check); n != 0 {
		return nil, fmt.Errorf("bundle: artefact %s: %s left the last %d bytes unencoded", src.Name, d.Codec.Name(), n)
	}
	return &manifest.BaseArtefact{Name: src.Name, SHA256: baseSum}, nil
}

// frameWriter takes one frame per Write from a DeltaCodec.
type frameWriter struct {
	w        *payloadWriter
	codec    DeltaCodec
	base     io.ReaderAt
	baseSize int64
	target   io.Reader // the target's bytes the next frame must decode to
	name     string
	out      []byte
	want     []byte
}

func (f *frameWriter) Write(frame []byte) (int, error) {
	if len(frame) == 0 || len(frame) > MaxFrameSize {
		return 0, fmt.Errorf("bundle: artefact %s: frame of %d bytes, limit %d", f.name, len(frame), MaxFrameSize)
	}
	out, err := f.codec.DecodeFrame(f.out[:0], f.base, f.baseSize, frame)
	if err != nil {
		return 0, fmt.Errorf("bundle: artefact %s: frame does not decode: %w", f.name, err)
	}
	f.out = out
	if len(out) == 0 || len(out) > MaxFrameOutput {
		return 0, fmt.Errorf("bundle: artefact %s: frame decodes to %d bytes, limit %d", f.name, len(out), MaxFrameOutput)
	}
	f.want = append(f.want[:0], make([]byte, len(out))...)
	if _, err := io.ReadFull(f.target, f.want); err != nil {
		return 0, fmt.Errorf("bundle: artefact %s: frame decodes past the end", f.name)
	}
	if !bytes.Equal(out, f.want) {
		return 0, fmt.Errorf("bundle: artefact %s: frame decodes to other bytes than the target's", f.name)
	}
	f.w.frame(frame, len(out))
	return len(frame), nil
}
