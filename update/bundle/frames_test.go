package bundle

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"testing"

	"payterm/update/bundle/deltatest"
	"payterm/update/manifest"
)

// resign is data with its manifest edited and signed again by devKey,
// the payloads kept: a manifest a trusted builder got wrong.
func resign(t *testing.T, data []byte, edit func(*manifest.Manifest)) []byte {
	t.Helper()
	mfile := units0Manifest(t, data)
	sig, err := manifest.Parse(mfile)
	if err != nil {
		t.Fatal(err)
	}
	m := sig.Manifest
	edit(&m)
	signed, err := manifest.Sign(m, devKey)
	if err != nil {
		t.Fatal(err)
	}
	out := append(Header(len(signed)), signed...)
	return append(out, data[HeaderSize+len(mfile):]...)
}

// TestBuildFrameHashes: each artefact lists the SHA-256 of each of its
// frames as the bundle stores them (header and bytes), one per MiB of a
// zstd artefact.
func TestBuildFrameHashes(t *testing.T) {
	arts := map[string][]byte{"a": deltatest.SlotImage(2<<20+9, 11, false), "b": deltatest.SlotImage(300, 12, false)}
	data := build(t, arts, "a", "b")
	sig, err := manifest.Parse(units0Manifest(t, data))
	if err != nil {
		t.Fatal(err)
	}
	at := HeaderSize + len(units0Manifest(t, data))
	for i, wantFrames := range []int{3, 1} {
		a := sig.Manifest.Artefacts[i]
		if len(a.Frames) != wantFrames {
			t.Fatalf("artefact %s: %d frame hashes, want %d", a.Name, len(a.Frames), wantFrames)
		}
		for j, h := range a.Frames {
			fl := int(binary.BigEndian.Uint32(data[at:]))
			sum := sha256.Sum256(data[at : at+FrameHeaderSize+fl])
			if h != hex.EncodeToString(sum[:]) {
				t.Errorf("artefact %s frame %d: hash %s, stored frame's %x", a.Name, j, h, sum)
			}
			at += FrameHeaderSize + fl
		}
	}
	if at != len(data) {
		t.Fatalf("frames end at %d of %d bytes", at, len(data))
	}
}

// TestTamperedFrame: a frame whose bytes are not the ones its hash
// names is not handed out; the frames before it are, and the splitter
// stops before it.
func TestTamperedFrame(t *testing.T) {
	good := build(t, map[string][]byte{"a": deltatest.SlotImage(3<<20, 13, false)}, "a")
	frame0 := HeaderSize + len(units0Manifest(t, good))
	frame1 := frame0 + FrameHeaderSize + int(binary.BigEndian.Uint32(good[frame0:]))
	for _, tc := range []struct {
		name   string
		at     int  // the byte changed
		flip   byte // its bits flipped
		frames int  // frames handed out before the refusal
	}{
		{"first frame's bytes", frame0 + FrameHeaderSize + 100, 1, 0},
		{"second frame's bytes", frame1 + FrameHeaderSize + 1, 1, 1},
		{"second frame's output length", frame1 + 5, 0x18, 1}, // 1 MiB → 512 KiB
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := bytes.Clone(good)
			data[tc.at] ^= tc.flip
			r, err := NewReader(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			frames := 0
			for {
				_, err = r.Next()
				if err != nil {
					break
				}
				frames++
			}
			if !errors.Is(err, ErrTampered) || frames != tc.frames {
				t.Fatalf("%d frames then %v; want %d then ErrTampered", frames, err, tc.frames)
			}
			if pos := r.s.Position(); pos.Frame != tc.frames {
				t.Fatalf("stopped at %+v, want before frame %d", pos, tc.frames)
			}
		})
	}
}

// TestFrameHashCount: a manifest whose hash lists cannot match the
// payloads is refused when the splitter starts, before any frame; one
// whose count is plausible but wrong (a delta's) when the payload shows
// it.
func TestFrameHashCount(t *testing.T) {
	good := build(t, map[string][]byte{"a": deltatest.SlotImage(2<<20+1, 14, false)}, "a")
	for _, tc := range []struct {
		name string
		edit func(*manifest.Manifest)
	}{
		{"one hash too few", func(m *manifest.Manifest) { m.Artefacts[0].Frames = m.Artefacts[0].Frames[1:] }},
		{"one hash too many", func(m *manifest.Manifest) {
			m.Artefacts[0].Frames = append(m.Artefacts[0].Frames, m.Artefacts[0].Frames[0])
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := resign(t, good, tc.edit)
			var s Splitter
			n, ev, err := s.Feed(data)
			for err == nil && ev.Kind == None {
				var m int
				m, ev, err = s.Feed(data[n:])
				n += m
			}
			if err != nil || ev.Kind != ManifestReady {
				t.Fatalf("no manifest: %v", err)
			}
			sig, err := manifest.Parse(ev.Data)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Start(&sig.Manifest); !errors.Is(err, ErrMalformed) {
				t.Fatalf("Start: %v, want ErrMalformed", err)
			}
			if _, ev, err := s.Feed(data[n:]); err == nil || ev.Kind != None {
				t.Fatalf("fed after a refused Start: %v, %v", ev.Kind, err)
			}
			if _, err := Resume(&sig.Manifest, len(units0Manifest(t, data)), Position{Offset: int64(HeaderSize + len(units0Manifest(t, data)))}); !errors.Is(err, ErrMalformed) {
				t.Fatalf("Resume: %v, want ErrMalformed", err)
			}
		})
	}
}

// TestDeltaFrameHashCount: a delta's frame count is only bounded by its
// sizes; a plausible but wrong count is refused at the frame that shows
// it.
func TestDeltaFrameHashCount(t *testing.T) {
	dir := t.TempDir()
	base := deltatest.SlotImage(1<<20, 15, false)
	var out bytes.Buffer
	_, err := Build(&out, Options{
		Manifest:  baseManifest(),
		Artefacts: []Source{{Name: "a", Path: writeFile(t, dir, "new", deltatest.SlotImage(1<<20, 16, false))}},
		Keys:      []ed25519.PrivateKey{devKey},
		Delta:     &Delta{Codec: deltatest.XORCodec{}, BaseVersion: "1.3.0", Base: []Source{{Name: "a", Path: writeFile(t, dir, "old", base)}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, edit := range map[string]func(*manifest.Manifest){
		"too few": func(m *manifest.Manifest) { m.Artefacts[0].Frames = m.Artefacts[0].Frames[1:] },
		"too many": func(m *manifest.Manifest) {
			m.Artefacts[0].Frames = append(m.Artefacts[0].Frames, m.Artefacts[0].Frames[0])
		},
	} {
		data := resign(t, out.Bytes(), edit)
		if _, _, err := readAll(t, data, []DeltaCodec{deltatest.XORCodec{}}, base); !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTampered) {
			t.Errorf("%s: %v, want ErrMalformed or ErrTampered", name, err)
		}
	}
}
