package bundle

import (
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"
)

// DeltaCodec encodes an artefact as frames against the installed artefact
// of the same name (the base), and decodes them one at a time. Package
// bundle frames what Encode writes and hands each frame back to
// DecodeFrame; what is inside a frame is the codec's.
type DeltaCodec interface {
	// Name is the manifest encoding of the codec's payloads, 1-64 of
	// [A-Za-z0-9._-], not "zstd".
	Name() string
	// Encode writes target's delta against base (baseSize bytes) as
	// independent frames: one w.Write call per whole frame, of at most
	// MaxFrameSize bytes, decoding to 1 … MaxFrameOutput bytes that
	// continue the target where the previous frame's output ended. It
	// must be deterministic: same inputs, same frames.
	Encode(w io.Writer, base io.ReaderAt, baseSize int64, target io.Reader) error
	// DecodeFrame appends one frame's output, decoded against base, to
	// dst and returns the result. It reads no other frame.
	DecodeFrame(dst []byte, base io.ReaderAt, baseSize int64, frame []byte) ([]byte, error)
}

// newZstdEncoder is the one encoder configuration of full payloads: the
// same settings on every build, one goroutine, so the same artefact gives
// the same frames. A frame's output fits its window and the frame header
// records its size (single segment).
func newZstdEncoder() (*zstd.Encoder, error) {
	enc, err := zstd.NewWriter(nil,
		zstd.WithEncoderLevel(zstd.SpeedBetterCompression),
		zstd.WithEncoderConcurrency(1),
		zstd.WithWindowSize(MaxFrameOutput),
		zstd.WithSingleSegment(true),
		zstd.WithEncoderCRC(true))
	if err != nil {
		return nil, fmt.Errorf("bundle: zstd encoder: %w", err)
	}
	return enc, nil
}

// Decoder decodes the frames of one artefact's payload.
type Decoder struct {
	zstd     *zstd.Decoder
	codec    DeltaCodec
	base     io.ReaderAt
	baseSize int64
}

// NewDecoder is the decoder of encoding: EncodingZstd, or the codec of
// that name among codecs, decoding against base (baseSize bytes, the
// installed artefact the delta was made against). ErrUnknownEncoding when
// no codec has the name.
func NewDecoder(encoding string, codecs []DeltaCodec, base io.ReaderAt, baseSize int64) (*Decoder, error) {
	if encoding == EncodingZstd {
		// The limits keep a hostile frame from making the decoder
		// allocate more than one frame's output.
		z, err := zstd.NewReader(nil,
			zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxWindow(MaxFrameOutput),
			zstd.WithDecoderMaxMemory(MaxFrameOutput),
			zstd.WithDecodeAllCapLimit(true))
		if err != nil {
			return nil, fmt.Errorf("bundle: zstd decoder: %w", err)
		}
		return &Decoder{zstd: z}, nil
	}
	for _, c := range codecs {
		if c != nil && c.Name() == encoding {
			if base == nil {
				return nil, fmt.Errorf("bundle: encoding %s: no base to decode against", encoding)
			}
			return &Decoder{codec: c, base: base, baseSize: baseSize}, nil
		}
	}
	return nil, fmt.Errorf("bundle: encoding %.40q: %w", encoding, ErrUnknownEncoding)
}

// Decode decodes frame into dst's storage (dst[:0]; give it
// MaxFrameOutput of capacity to decode without allocating) and checks it
// is exactly outLen bytes: ErrMalformed otherwise.
func (d *Decoder) Decode(dst, frame []byte, outLen int) ([]byte, error) {
	var out []byte
	var err error
	if d.zstd != nil {
		if cap(dst) < outLen {
			dst = make([]byte, 0, outLen)
		}
		out, err = d.zstd.DecodeAll(frame, dst[:0:outLen])
	} else {
		out, err = d.codec.DecodeFrame(dst[:0], d.base, d.baseSize, frame)
	}
	if err != nil {
		return nil, fmt.Errorf("bundle: frame: %v: %w", err, ErrMalformed)
	}
	if len(out) != outLen {
		return nil, fmt.Errorf("bundle: frame decodes to %d bytes, header says %d: %w", len(out), outLen, ErrMalformed)
	}
	return out, nil
}

// Close releases the decoder's resources.
func (d *Decoder) Close() {
	if d.zstd != nil {
		d.zstd.Close()
	}
}
