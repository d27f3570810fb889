package delta

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// Name is the manifest encoding of a Zstd delta.
const Name = "zstd-delta"

// Zstd is the delta codec: each frame of the target is a zstd frame whose
// raw dictionary is the part of the base that frame's content came from
// (found by content-defined chunking, see spans), so a frame decodes
// alone given the base, and the decoder holds only that part (at most
// MaxDict bytes, about a frame and 2×Slack in practice) besides the
// frame's output. Safe for concurrent use.
type Zstd struct {
	o Options
}

// Options tune the encoder; the decoder reads everything it needs from
// the frame. Zero fields take the defaults noted.
type Options struct {
	// FrameSize is the output bytes per frame, 4 KiB..MaxFrameOutput;
	// 0: MaxFrameOutput.
	FrameSize int
	// Slack is the base bytes taken on each side of where a piece of the
	// frame was found, 0..1 MiB; 0: 64 KiB.
	Slack int64
	// DictLimit bounds each frame's dictionary, 0..MaxDict; 0: 4 MiB.
	DictLimit int64
	// Level is the zstd level; 0: SpeedBestCompression.
	Level zstd.EncoderLevel
	// Workers encode frames in parallel; 0: GOMAXPROCS.
	Workers int
}

// NewZstd returns the codec with o's encoder settings.
func NewZstd(o Options) (*Zstd, error) {
	if o.FrameSize == 0 {
		o.FrameSize = MaxFrameOutput
	}
	if o.Slack == 0 {
		o.Slack = 64 << 10
	}
	if o.DictLimit == 0 {
		o.DictLimit = 4 << 20
	}
	if o.Level == 0 {
		o.Level = zstd.SpeedBestCompression
	}
	if o.Workers == 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	switch {
	case o.FrameSize < 4<<10 || o.FrameSize > MaxFrameOutput:
		return nil, fmt.Errorf("delta: frame size %d outside 4 KiB..%d", o.FrameSize, MaxFrameOutput)
	case o.Slack < 0 || o.Slack > 1<<20:
		return nil, fmt.Errorf("delta: slack %d outside 0..1 MiB", o.Slack)
	case o.DictLimit < 0 || o.DictLimit > MaxDict:
		return nil, fmt.Errorf("delta: dictionary limit %d outside 0..%d", o.DictLimit, MaxDict)
	case o.Workers < 0:
		return nil, fmt.Errorf("delta: %d workers", o.Workers)
	}
	return &Zstd{o: o}, nil
}

// Name is the manifest encoding, Name.
func (*Zstd) Name() string { return Name }

// window is the zstd window of every frame: a dictionary and a frame's
// output both fit, so any byte of either can be referred to.
const window = 16 << 20

// Encode writes target's delta against the base's first baseSize bytes
// as a sequence of frames, each in one call of w.Write (the bundle
// length-prefixes each Write as a frame), each decoding to FrameSize
// bytes of target (the last one to what is left). An empty target gives
// no frame. Encode holds the base and the target in memory: it runs where
// bundles are built, not on the terminal.
func (z *Zstd) Encode(w io.Writer, base io.ReaderAt, baseSize int64, target io.Reader) error {
	if baseSize < 0 {
		return fmt.Errorf("delta: base size %d", baseSize)
	}
	b := make([]byte, baseSize)
	if _, err := base.ReadAt(b, 0); err != nil && !(errors.Is(err, io.EOF) && baseSize == 0) {
		return fmt.Errorf("delta: reading base: %w", err)
	}
	t, err := io.ReadAll(target)
	if err != nil {
		return fmt.Errorf("delta: reading target: %w", err)
	}
	ix := newIndex(b)
	// The spans are chosen in order (each frame starts from the
	// displacement the previous one ended with), the zstd work runs in
	// parallel, and the frames are written in order.
	type job struct {
		at    int
		spans []span
		out   chan []byte
	}
	jobs := make(chan job, z.o.Workers)
	queue := make(chan chan []byte, z.o.Workers)
	errc := make(chan error, 1)
	var wg sync.WaitGroup
	for range z.o.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(z.o.Level), zstd.WithWindowSize(window),
				zstd.WithEncoderConcurrency(1))
			if err != nil {
				select {
				case errc <- fmt.Errorf("delta: zstd: %w", err):
				default:
				}
			}
			for j := range jobs {
				if err != nil {
					j.out <- nil
					continue
				}
				f, ferr := z.frame(enc, b, t[j.at:min(j.at+z.o.FrameSize, len(t))], j.spans)
				if ferr != nil {
					select {
					case errc <- ferr:
					default:
					}
				}
				j.out <- f
			}
		}()
	}
	go func() {
		var last int64
		for at := 0; at < len(t); at += z.o.FrameSize {
			var spans []span
			spans, last = ix.spans(t[at:min(at+z.o.FrameSize, len(t))], int64(at), last, z.o.Slack, z.o.DictLimit)
			out := make(chan []byte, 1)
			queue <- out
			jobs <- job{at, spans, out}
		}
		close(jobs)
		close(queue)
	}()
	var werr error
	for out := range queue {
		f := <-out
		if werr == nil && f != nil {
			if _, err := w.Write(f); err != nil {
				werr = fmt.Errorf("delta: writing frame: %w", err)
			}
		}
	}
	wg.Wait()
	select {
	case err := <-errc:
		return err
	default:
	}
	return werr
}

// frame encodes one frame of output against spans of base.
func (z *Zstd) frame(enc *zstd.Encoder, base, out []byte, spans []span) ([]byte, error) {
	dict := gather(nil, base, spans)
	opt := zstd.WithEncoderDictDelete()
	if len(dict) > 0 {
		opt = zstd.WithEncoderDictRaw(0, dict)
	}
	if err := enc.ResetWithOptions(nil, opt); err != nil {
		return nil, fmt.Errorf("delta: zstd: %w", err)
	}
	f := appendHeader(nil, header{outLen: len(out), spans: spans})
	return enc.EncodeAll(out, f), nil
}

func gather(dst, base []byte, spans []span) []byte {
	for _, s := range spans {
		dst = append(dst, base[s.Off:s.Off+s.Len]...)
	}
	return dst
}

// DecodeFrame appends the output of one frame, decoded against the base's
// first baseSize bytes, to dst and returns the extended slice. It reads
// only the frame's spans of the base and holds them (≤ MaxDict bytes)
// while decoding. A frame that is damaged, truncated or meant for a
// different base is refused with an error wrapping ErrCorrupt (or the
// base's read error); it never panics.
func (*Zstd) DecodeFrame(dst []byte, base io.ReaderAt, baseSize int64, frame []byte) ([]byte, error) {
	h, zdata, err := parseHeader(frame, baseSize)
	if err != nil {
		return dst, err
	}
	var total int64
	for _, s := range h.spans {
		total += s.Len
	}
	dict := make([]byte, total)
	pos := int64(0)
	for _, s := range h.spans {
		if _, err := base.ReadAt(dict[pos:pos+s.Len], s.Off); err != nil {
			return dst, fmt.Errorf("delta: reading base span %d+%d: %w", s.Off, s.Len, err)
		}
		pos += s.Len
	}
	opts := []zstd.DOption{zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
		zstd.WithDecoderMaxWindow(window), zstd.WithDecodeAllCapLimit(true)}
	if len(dict) > 0 {
		opts = append(opts, zstd.WithDecoderDictRaw(0, dict))
	}
	dec, err := zstd.NewReader(nil, opts...)
	if err != nil {
		return dst, fmt.Errorf("delta: zstd: %w", err)
	}
	defer dec.Close()
	n := len(dst)
	out, err := dec.DecodeAll(zdata, slices.Grow(dst, h.outLen)[:n])
	if err != nil {
		return dst, fmt.Errorf("delta: frame: %v: %w", err, ErrCorrupt)
	}
	if len(out)-n != h.outLen {
		return dst, fmt.Errorf("delta: frame: decoded %d bytes, header says %d: %w", len(out)-n, h.outLen, ErrCorrupt)
	}
	return out, nil
}
