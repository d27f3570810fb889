package bundle

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"testing"

	"payterm/update/bundle/deltatest"
	"payterm/update/manifest"
)

func TestBuildReadsBack(t *testing.T) {
	arts := map[string][]byte{"slot.vfat": deltatest.SlotImage(2<<20+12345, 1, false), "extra.bin": deltatest.SlotImage(1000, 2, false)}
	data := build(t, arts, "slot.vfat", "extra.bin")
	if again := build(t, arts, "slot.vfat", "extra.bin"); !bytes.Equal(data, again) {
		t.Fatal("the same files built twice give different bundles")
	}
	if !bytes.HasPrefix(data, []byte(Magic)) {
		t.Fatal("no magic")
	}
	r, got, err := readAll(t, data, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := manifest.Verify(r.ManifestFile(), devKeyring(t), now, manifest.Terminal{Product: "payterm", Board: "qemu-virt", Version: "1.3.0"})
	if err != nil {
		t.Fatal(err)
	}
	var payloads int64
	for i, name := range []string{"slot.vfat", "extra.bin"} {
		a := m.Artefacts[i]
		sum := sha256.Sum256(arts[name])
		if a.Name != name || a.Size != int64(len(arts[name])) || a.SHA256 != hex.EncodeToString(sum[:]) || a.Encoding != EncodingZstd {
			t.Errorf("artefact %d = %+v", i, a)
		}
		if !bytes.Equal(got[name], arts[name]) {
			t.Errorf("%s does not read back", name)
		}
		payloads += a.PayloadSize
	}
	if want := int64(HeaderSize+len(r.ManifestFile())) + payloads; int64(len(data)) != want || Size(len(r.ManifestFile()), m) != want {
		t.Fatalf("bundle of %d bytes, layout says %d", len(data), want)
	}
	if m.Kernel != "6.1.0-57-arm64" || m.Delta != nil {
		t.Fatalf("manifest %+v", m)
	}
}

func TestBuildDelta(t *testing.T) {
	dir := t.TempDir()
	base := deltatest.SlotImage(3<<20, 1, false)
	target := bytes.Clone(base)
	copy(target[1<<20:], "a one-function change")
	target = append(target, deltatest.SlotImage(5000, 3, false)...)
	var out bytes.Buffer
	m, err := Build(&out, Options{
		Manifest:  baseManifest(),
		Artefacts: []Source{{Name: "slot.vfat", Path: writeFile(t, dir, "new", target)}},
		Keys:      []ed25519.PrivateKey{devKey},
		Delta:     &Delta{Codec: deltatest.XORCodec{}, BaseVersion: "1.3.0", Base: []Source{{Name: "slot.vfat", Path: writeFile(t, dir, "old", base)}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(base)
	if m.Delta == nil || m.Delta.BaseVersion != "1.3.0" || len(m.Delta.Base) != 1 || m.Delta.Base[0].SHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("delta %+v", m.Delta)
	}
	if m.Artefacts[0].Encoding != "xor-test" {
		t.Fatalf("encoding %q", m.Artefacts[0].Encoding)
	}
	_, got, err := readAll(t, out.Bytes(), []DeltaCodec{deltatest.XORCodec{}}, base)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got["slot.vfat"], target) {
		t.Fatal("delta does not decode to the target")
	}
	if _, _, err := readAll(t, out.Bytes(), nil, base); !errors.Is(err, ErrUnknownEncoding) {
		t.Fatalf("without the codec: %v", err)
	}
}

// lyingCodec's frames decode to something else than the target.
type lyingCodec struct{ deltatest.XORCodec }

func (lyingCodec) Name() string { return "lying" }
func (c lyingCodec) DecodeFrame(dst []byte, base io.ReaderAt, baseSize int64, frame []byte) ([]byte, error) {
	out, err := c.XORCodec.DecodeFrame(dst, base, baseSize, frame)
	if len(out) > 0 {
		out[0] ^= 1
	}
	return out, err
}

// bigCodec's frames decode to more than MaxFrameOutput.
type bigCodec struct{ deltatest.XORCodec }

func (bigCodec) Name() string { return "big" }

func TestBuildRefusesBrokenCodec(t *testing.T) {
	dir := t.TempDir()
	base := writeFile(t, dir, "old", deltatest.SlotImage(3<<20, 1, false))
	target := writeFile(t, dir, "new", deltatest.SlotImage(3<<20, 2, false))
	for _, c := range []DeltaCodec{lyingCodec{}, bigCodec{deltatest.XORCodec{Frame: MaxFrameOutput + 1}}} {
		_, err := Build(io.Discard, Options{
			Manifest: baseManifest(), Artefacts: []Source{{Name: "slot.vfat", Path: target}}, Keys: []ed25519.PrivateKey{devKey},
			Delta: &Delta{Codec: c, BaseVersion: "1.3.0", Base: []Source{{Name: "slot.vfat", Path: base}}},
		})
		if err == nil {
			t.Errorf("%s: built", c.Name())
		}
	}
}

// TestSplitterPieces: fed in pieces of any size, a Splitter hands out the
// same units as fed whole.
func TestSplitterPieces(t *testing.T) {
	data := build(t, map[string][]byte{"a": deltatest.SlotImage(2<<20+7, 4, false), "b": deltatest.SlotImage(10, 5, false)}, "a", "b")
	whole := split(t, data, func(int) int { return len(data) })
	r := rand.New(rand.NewPCG(1, 2))
	for name, piece := range map[string]func(int) int{
		"one byte": func(int) int { return 1 },
		"random":   func(int) int { return 1 + r.IntN(100000) },
		"prime":    func(int) int { return 8191 },
	} {
		if got := split(t, data, piece); !equalEvents(got, whole) {
			t.Errorf("%s: %d units, whole: %d", name, len(got), len(whole))
		}
	}
}

type unit struct {
	kind        Kind
	sum         [32]byte
	art, output int
	at          int64
	pos         Position
}

func split(t *testing.T, data []byte, piece func(int) int) []unit {
	t.Helper()
	var s Splitter
	var units []unit
	for len(data) > 0 {
		p := data[:min(len(data), piece(len(data)))]
		for len(p) > 0 {
			n, ev, err := s.Feed(p)
			if err != nil {
				t.Fatal(err)
			}
			p, data = p[n:], data[n:]
			if ev.Kind == None {
				continue
			}
			units = append(units, unit{ev.Kind, sha256.Sum256(ev.Data), ev.Artefact, ev.Output, ev.At, s.Position()})
			if ev.Kind == ManifestReady {
				sig, err := manifest.Parse(ev.Data)
				if err != nil {
					t.Fatal(err)
				}
				if err := s.Start(&sig.Manifest); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if !s.Done() {
		t.Fatal("not done at the end")
	}
	return units
}

func equalEvents(a, b []unit) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestResume: a splitter resumed at any frame boundary hands out the
// rest of the frames as the first one did.
func TestResume(t *testing.T) {
	data := build(t, map[string][]byte{"a": deltatest.SlotImage(3<<20, 6, false), "b": deltatest.SlotImage(100, 7, false)}, "a", "b")
	units := split(t, data, func(int) int { return 4096 })
	sig, err := manifest.Parse(units0Manifest(t, data))
	if err != nil {
		t.Fatal(err)
	}
	mlen := len(units0Manifest(t, data))
	for i := range units[:len(units)-1] {
		pos := units[i].pos
		s, err := Resume(&sig.Manifest, mlen, pos)
		if err != nil {
			t.Fatalf("resume at %+v: %v", pos, err)
		}
		rest := data[pos.Offset:]
		var got []unit
		for len(rest) > 0 {
			n, ev, err := s.Feed(rest)
			if err != nil {
				t.Fatal(err)
			}
			rest = rest[n:]
			if ev.Kind != None {
				got = append(got, unit{ev.Kind, sha256.Sum256(ev.Data), ev.Artefact, ev.Output, ev.At, s.Position()})
			}
		}
		if !s.Done() || !equalEvents(got, units[i+1:]) {
			t.Fatalf("resumed at unit %d: %d units, want %d", i, len(got), len(units)-i-1)
		}
	}
	for _, bad := range []Position{
		{Offset: units[1].pos.Offset + 1, Artefact: units[1].pos.Artefact, Payload: units[1].pos.Payload, Output: units[1].pos.Output},
		{Offset: units[1].pos.Offset, Artefact: 5},
		{Offset: units[1].pos.Offset, Artefact: 0, Payload: units[1].pos.Payload, Output: 0},
		// Saved without the frame index (before frame hashes).
		{Offset: units[2].pos.Offset, Artefact: units[2].pos.Artefact, Payload: units[2].pos.Payload, Output: units[2].pos.Output},
	} {
		if _, err := Resume(&sig.Manifest, mlen, bad); err == nil {
			t.Errorf("resumed at %+v", bad)
		}
	}
}

func units0Manifest(t *testing.T, data []byte) []byte {
	l := binary.BigEndian.Uint32(data[len(Magic):])
	return data[HeaderSize : HeaderSize+int(l)]
}

// TestMalformed: each way the layout can break is refused with
// ErrMalformed (or ErrTruncated when the bytes just stop).
func TestMalformed(t *testing.T) {
	good := build(t, map[string][]byte{"a": deltatest.SlotImage(1<<20+5, 8, false)}, "a")
	mlen := int(binary.BigEndian.Uint32(good[len(Magic):]))
	frame0 := HeaderSize + mlen // the first frame header
	flen := int(binary.BigEndian.Uint32(good[frame0:]))
	frame1 := frame0 + FrameHeaderSize + flen
	put := func(off int, v uint32) func([]byte) []byte {
		return func(b []byte) []byte { binary.BigEndian.PutUint32(b[off:], v); return b }
	}
	for _, tc := range []struct {
		name string
		edit func([]byte) []byte
		want error
	}{
		{"magic", func(b []byte) []byte { b[3] ^= 1; return b }, ErrMalformed},
		{"format version", func(b []byte) []byte { b[len(Magic)-1] = 2; return b }, ErrMalformed},
		{"manifest length zero", put(len(Magic), 0), ErrMalformed},
		{"manifest length over limit", put(len(Magic), manifest.MaxSize+1), ErrMalformed},
		{"manifest garbled", func(b []byte) []byte { b[HeaderSize] = 'x'; return b }, manifest.ErrMalformed},
		{"frame length zero", put(frame0, 0), ErrMalformed},
		{"frame length over limit", put(frame0, MaxFrameSize+1), ErrMalformed},
		{"frame output zero", put(frame0+4, 0), ErrMalformed},
		{"frame output over limit", put(frame0+4, MaxFrameOutput+1), ErrMalformed},
		{"frame overruns payload", put(frame1, 1<<20), ErrMalformed},
		// The frame hashes cover the header's output length and the
		// frame's bytes: the splitter refuses these before a decoder
		// sees them.
		{"frames decode to less than the artefact", put(frame1+4, 4), ErrTampered},
		{"frame output lies", put(frame0+4, MaxFrameOutput-1), ErrTampered},
		{"frame corrupted", func(b []byte) []byte { b[frame0+FrameHeaderSize+20] ^= 0xff; return b }, ErrTampered},
		{"trailing byte", func(b []byte) []byte { return append(b, 0) }, ErrMalformed},
		{"truncated in the header", func(b []byte) []byte { return b[:10] }, ErrTruncated},
		{"truncated in the manifest", func(b []byte) []byte { return b[:HeaderSize+5] }, ErrTruncated},
		{"truncated in a frame header", func(b []byte) []byte { return b[:frame1+3] }, ErrTruncated},
		{"truncated in a frame", func(b []byte) []byte { return b[:len(b)-1] }, ErrTruncated},
		{"empty", func(b []byte) []byte { return nil }, ErrTruncated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := readAll(t, tc.edit(bytes.Clone(good)), nil, nil)
			if !errors.Is(err, tc.want) {
				t.Fatalf("read: %v, want %v", err, tc.want)
			}
		})
	}
}
