package bundle

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"

	"payterm/update/manifest"
)

// Magic opens every bundle; its last byte is the format version.
const Magic = "PAYTERM-BUNDLE\x00\x01"

// HeaderSize is the magic and the manifest length before the manifest.
const HeaderSize = len(Magic) + 4

// Frame limits. MaxFrameOutput bounds what one frame decodes to, so a
// resume never redoes more than that; MaxFrameSize bounds a frame's own
// bytes (incompressible data grows a little under zstd, a delta frame
// carries instructions beside its literals). Both bound the buffers an
// installer holds.
const (
	MaxFrameOutput  = 1 << 20
	MaxFrameSize    = MaxFrameOutput + MaxFrameOutput/8
	FrameHeaderSize = 8
)

// EncodingZstd is the encoding of a full artefact's payload.
const EncodingZstd = "zstd"

// Errors, wrapped with context; test with errors.Is.
var (
	// ErrMalformed: the bytes break the layout or its limits (bad magic,
	// a frame too large or empty, frames that overrun their payload or
	// artefact, bytes after the last payload, a frame that does not
	// decode to its stated length).
	ErrMalformed = errors.New("malformed bundle")
	// ErrTruncated: the bundle ended before its last payload did.
	ErrTruncated = errors.New("truncated bundle")
	// ErrUnknownEncoding: no codec for an artefact's encoding.
	ErrUnknownEncoding = errors.New("unknown encoding")
	// ErrTampered: a frame's bytes do not have the SHA-256 its manifest
	// lists for it; the frame is not handed out.
	ErrTampered = errors.New("tampered frame")
)

// frameHeader is the 8 bytes before a frame.
func frameHeader(frameLen, outLen int) [FrameHeaderSize]byte {
	var h [FrameHeaderSize]byte
	binary.BigEndian.PutUint32(h[:4], uint32(frameLen))
	binary.BigEndian.PutUint32(h[4:], uint32(outLen))
	return h
}

// frameHash is the lower-case hex SHA-256 of a frame as stored: its
// header, then its bytes (manifest Artefact.Frames).
func frameHash(h [FrameHeaderSize]byte, frame []byte) string {
	d := sha256.New()
	d.Write(h[:])
	d.Write(frame)
	return hex.EncodeToString(d.Sum(nil))
}

// Header is the bytes before a manifest file of manifestLen bytes.
func Header(manifestLen int) []byte {
	h := make([]byte, HeaderSize)
	copy(h, Magic)
	binary.BigEndian.PutUint32(h[len(Magic):], uint32(manifestLen))
	return h
}

// Size is the length of the complete bundle whose manifest m is a
// manifest file of manifestLen bytes: header, manifest, every payload.
// An offer of any other length cannot be this bundle, so an installer
// that knows the offered length refuses a truncated file before it
// writes a byte.
func Size(manifestLen int, m *manifest.Manifest) int64 {
	n := int64(HeaderSize + manifestLen)
	for _, a := range m.Artefacts {
		n += a.PayloadSize
	}
	return n
}
