package delta

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
)

// The bundle's DeltaCodec (CONTRACT.md), checked here so a change of
// either side shows.
var _ interface {
	Name() string
	Encode(w io.Writer, base io.ReaderAt, baseSize int64, target io.Reader) error
	DecodeFrame(dst []byte, base io.ReaderAt, baseSize int64, frame []byte) ([]byte, error)
} = (*Zstd)(nil)

func random(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// program is compressible, code-like content: random words from a small
// vocabulary, so chunks repeat little but zstd still finds structure.
func program(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 2))
	words := [][]byte{[]byte("mov x0, x1\n"), []byte("bl 0x"), []byte("ldr x2, [sp, #16]\n"), []byte("ret\n"), []byte("\x00\x00\x80\xd2")}
	var b []byte
	for len(b) < n {
		b = append(b, words[r.IntN(len(words))]...)
		b = append(b, byte('a'+r.IntN(26)), byte('0'+r.IntN(10)))
	}
	return b[:n]
}

func splice(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func newCodec(t testing.TB, o Options) *Zstd {
	t.Helper()
	z, err := NewZstd(o)
	if err != nil {
		t.Fatal(err)
	}
	return z
}

func TestRoundTrip(t *testing.T) {
	base := program(1, 3<<20+123)
	mid := len(base) / 2
	cases := []struct {
		name         string
		base, target []byte
		maxRatio     float64 // delta size / target size; 0: no check
	}{
		{"empty target", base, nil, 0},
		{"empty base", nil, program(2, 200<<10), 0},
		{"both empty", nil, nil, 0},
		{"identical", base, base, 0.001},
		{"shifted by an insertion", base, splice(base[:mid], []byte("inserted bytes"), base[mid:]), 0.002},
		{"shifted by a deletion", base, splice(base[:mid], base[mid+5000:]), 0.002},
		{"moved block", base, splice(base[mid:], base[:mid]), 0.002},
		{"appended", base, splice(base, program(3, 300<<10)), 0},
		{"truncated", base, base[:len(base)/3], 0.002},
		{"random against random", random(4, 1<<20), random(5, 2<<20+7), 0},
		{"one byte", base, []byte{7}, 0},
		{"frame-sized", base, base[:MaxFrameOutput], 0.002},
	}
	z := newCodec(t, Options{})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			frames := encodeFrames(t, z, c.base, c.target)
			if want := (len(c.target) + MaxFrameOutput - 1) / MaxFrameOutput; len(frames) != want {
				t.Fatalf("%d frames for %d bytes, want %d", len(frames), len(c.target), want)
			}
			var out []byte
			size := 0
			for i, f := range frames {
				var err error
				if out, err = z.DecodeFrame(out, bytes.NewReader(c.base), int64(len(c.base)), f); err != nil {
					t.Fatalf("frame %d: %v", i, err)
				}
				size += len(f)
			}
			if !bytes.Equal(out, c.target) {
				t.Fatalf("decoded %d bytes differ from the %d of the target", len(out), len(c.target))
			}
			if c.maxRatio > 0 && float64(size) > c.maxRatio*float64(len(c.target)) {
				t.Errorf("delta %d bytes for a %d-byte target, want ≤ %.1f%%", size, len(c.target), 100*c.maxRatio)
			}
		})
	}
}

// TestFrameAlone decodes each frame by itself, in reverse order and with
// a small frame size, as an install resuming at that frame does.
func TestFrameAlone(t *testing.T) {
	base := program(6, 1<<20)
	target := splice(base[:1000], random(7, 3000), base[1000:600<<10], base[700<<10:])
	const fs = 64 << 10
	z := newCodec(t, Options{FrameSize: fs})
	frames := encodeFrames(t, z, base, target)
	for i := len(frames) - 1; i >= 0; i-- {
		got, err := z.DecodeFrame(nil, bytes.NewReader(base), int64(len(base)), frames[i])
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if want := target[i*fs : min((i+1)*fs, len(target))]; !bytes.Equal(got, want) {
			t.Fatalf("frame %d alone: %d bytes, not the target's %d at %d", i, len(got), len(want), i*fs)
		}
	}
	// dst is appended to, not overwritten.
	got, err := z.DecodeFrame([]byte("x"), bytes.NewReader(base), int64(len(base)), frames[0])
	if err != nil || string(got[:1]) != "x" || !bytes.Equal(got[1:], target[:fs]) {
		t.Fatalf("appending to dst: %v", err)
	}
}

func TestDecodeRefuses(t *testing.T) {
	base := program(8, 600<<10)
	target := splice(base[:300<<10], random(9, 10<<10), base[300<<10:])
	z := newCodec(t, Options{})
	frame := encodeFrames(t, z, base, target)[0]
	flip := func(i int) []byte { b := bytes.Clone(frame); b[i] ^= 0x40; return b }
	cases := []struct {
		name    string
		base    []byte
		frame   []byte
		corrupt bool // wraps ErrCorrupt (else some other error)
	}{
		{"empty", base, nil, true},
		{"version", base, flip(0), true},
		{"truncated header", base, frame[:3], true},
		{"truncated zstd", base, frame[:len(frame)/2], true},
		{"last byte gone", base, frame[:len(frame)-1], true},
		{"payload bit flipped", base, flip(len(frame) - 8), true},
		{"checksum flipped", base, flip(len(frame) - 1), true},
		{"base too short for its spans", base[:100<<10], frame, true},
		{"other base", program(10, 600<<10), frame, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := z.DecodeFrame(nil, bytes.NewReader(c.base), int64(len(c.base)), c.frame)
			if err == nil {
				t.Fatalf("decoded %d bytes, want a refusal", len(out))
			}
			if c.corrupt && !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", err)
			}
		})
	}
}

func TestNewZstdRefuses(t *testing.T) {
	for _, o := range []Options{{FrameSize: 100}, {FrameSize: MaxFrameOutput + 1}, {Slack: -1}, {DictLimit: MaxDict + 1}, {Workers: -1}} {
		if _, err := NewZstd(o); err == nil {
			t.Errorf("NewZstd(%+v) accepted", o)
		}
	}
}

func TestChunksAreContentDefined(t *testing.T) {
	b := random(11, 1<<20)
	ends := chunks(b)
	shifted := chunks(splice([]byte("0123456789"), b))
	in := map[int]bool{}
	for _, e := range shifted {
		in[e-10] = true
	}
	same := 0
	prev := 0
	for _, e := range ends {
		if n := e - prev; n < chunkMin && e != len(b) || n > chunkMax {
			t.Fatalf("chunk of %d bytes", n)
		}
		prev = e
		if in[e] {
			same++
		}
	}
	if same < len(ends)*9/10 {
		t.Errorf("%d of %d cuts survive a 10-byte insertion at the start", same, len(ends))
	}
	if n := len(b) / len(ends); n < chunkAvg/2 || n > chunkAvg*2 {
		t.Errorf("mean chunk %d bytes, want about %d", n, chunkAvg)
	}
}
