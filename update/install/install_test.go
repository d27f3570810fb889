package install

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"payterm/update/bundle"
	"payterm/update/bundle/deltatest"
	"payterm/update/manifest"
)

const slotSize = 4 << 20

func TestInstallFull(t *testing.T) {
	img := deltatest.SlotImage(3<<20+17, 1, false)
	data := build(t, img, buildOpts{})
	slot := newMemSlot(slotSize)
	in, err := New(config(t, slot, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	if err := writeIn(in, data, 64<<10); err != nil {
		t.Fatal(err)
	}
	m, err := in.Finish()
	if err != nil {
		t.Fatal(err)
	}
	if m.Version != "1.4.0" || m.Artefacts[0].SHA256 != hexSum(img) {
		t.Fatalf("manifest %+v", m)
	}
	if !bytes.Equal(slot.synced[:len(img)], img) {
		t.Fatal("the slot does not hold the artefact")
	}
	if bytes.Count(slot.synced[len(img):], []byte{0xA5}) != slotSize-len(img) {
		t.Fatal("bytes past the artefact changed")
	}
	if in.Offset() != int64(len(data)) {
		t.Fatalf("Offset %d, bundle %d", in.Offset(), len(data))
	}
}

func TestInstallDelta(t *testing.T) {
	old := deltatest.SlotImage(3<<20, 2, false)
	img := bytes.Clone(old)
	copy(img[2<<20:], "one function changed")
	data := build(t, img, buildOpts{base: old})
	running := newMemSlot(slotSize)
	copy(running.data, old)
	slot := newMemSlot(slotSize)
	cfg := config(t, slot, t.TempDir())
	cfg.Base = running
	cfg.Installed = []manifest.Artefact{{Name: "slot.vfat", Size: int64(len(old)), SHA256: hexSum(old)}}
	in, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeIn(in, data, 100000); err != nil {
		t.Fatal(err)
	}
	if _, err := in.Finish(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(slot.synced[:len(img)], img) {
		t.Fatal("the slot does not hold the patched artefact")
	}
}

// TestRefusals: each bad bundle is refused with its own error; those
// decidable from the manifest before a byte reaches the slot.
func TestRefusals(t *testing.T) {
	img := deltatest.SlotImage(2<<20+5, 3, true) // random: zstd stores it, so payloads of equal size
	good := build(t, img, buildOpts{})
	old := deltatest.SlotImage(2<<20, 4, false)
	delta := build(t, img, buildOpts{base: old})
	mlen := int(binary.BigEndian.Uint32(good[len(bundle.Magic):]))
	payload := bundle.HeaderSize + mlen

	// A payload swapped, from its second frame on, for another image's
	// of the same size: the signed manifest is intact, the bytes are not
	// what it names.
	other := build(t, deltatest.SlotImage(len(img), 5, true), buildOpts{})
	frame1 := payload + bundle.FrameHeaderSize + int(binary.BigEndian.Uint32(good[payload:]))
	tampered := append(bytes.Clone(good[:frame1]), other[frame1:]...)
	if len(other) != len(good) || !bytes.Equal(good[payload:payload+bundle.FrameHeaderSize], good[frame1:frame1+bundle.FrameHeaderSize]) {
		t.Fatalf("other image's bundle is %d bytes, not %d, or frames differ in size", len(other), len(good))
	}
	fewer := resign(t, good, func(m *manifest.Manifest) { m.Artefacts[0].Frames = m.Artefacts[0].Frames[1:] })
	installed := []manifest.Artefact{{Name: "slot.vfat", Size: int64(len(old)), SHA256: hexSum(old)}}

	for _, tc := range []struct {
		name     string
		data     []byte
		cfg      func(*Config)
		want     error
		preWrite bool // refused before a byte reaches the slot
		// For a refusal after some frames: the bytes of img the slot
		// holds and the writes that put them there (one per frame);
		// nothing else is written. 0: not checked.
		written, writes int
	}{
		{"bad signature", bytes.Replace(bytes.Clone(good), []byte(`"version":"1.4.0"`), []byte(`"version":"1.4.1"`), 1),
			nil, manifest.ErrBadSignature, true, 0, 0},
		{"unknown key", build(t, img, buildOpts{key: devKeyOther}), nil, manifest.ErrUnknownKey, true, 0, 0},
		{"revoked key", good, func(c *Config) { c.Keyring = keyring(t, true) }, manifest.ErrRevokedKey, true, 0, 0},
		{"version below the floor", good, func(c *Config) { c.Floor = "1.5" }, manifest.ErrBelowFloor, true, 0, 0},
		{"wrong board", good, func(c *Config) { c.Board = "rpi4" }, manifest.ErrWrongBoard, true, 0, 0},
		{"wrong product", good, func(c *Config) { c.Product = "other" }, manifest.ErrWrongProduct, true, 0, 0},
		{"expired", good, func(c *Config) { c.Now = func() time.Time { return now.Add(25 * time.Hour) } }, manifest.ErrExpired, true, 0, 0},
		{"oversized artefact", good, func(c *Config) { c.Target = newMemSlot(len(img) - 1) }, manifest.ErrTooLarge, true, 0, 0},
		{"delta on the wrong base", delta, func(c *Config) {
			c.Installed = []manifest.Artefact{{Name: "slot.vfat", Size: int64(len(old)), SHA256: hexSum(img)}}
		}, manifest.ErrWrongBase, true, 0, 0},
		{"delta on another version", delta, func(c *Config) { c.Installed = installed; c.Version = "1.3.1" }, manifest.ErrWrongBase, true, 0, 0},
		{"delta without its codec", delta, func(c *Config) { c.Installed = installed; c.Codecs = nil }, ErrUnknownEncoding, true, 0, 0},
		{"truncated in the manifest", good[:payload-1], nil, ErrTruncated, true, 0, 0},
		{"truncated in the payload", good[:len(good)-100], nil, ErrTruncated, true, 0, 0},
		{"truncated, length not offered", good[:len(good)-100], func(c *Config) { c.Size = 0 }, ErrTruncated, false, 0, 0},
		{"longer than its manifest", append(bytes.Clone(good), 0), nil, ErrMalformed, true, 0, 0},
		{"tampered artefact", tampered, nil, ErrTampered, false, bundle.MaxFrameOutput, 1},
		{"tampered first frame", func() []byte { b := bytes.Clone(good); b[payload+20] ^= 1; return b }(), nil, ErrTampered, true, 0, 0},
		{"tampered last frame", func() []byte { b := bytes.Clone(good); b[len(b)-3] ^= 1; return b }(), nil, ErrTampered, false, 2 * bundle.MaxFrameOutput, 2},
		{"frame hashes fewer than frames", fewer, nil, ErrMalformed, true, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			slot := newMemSlot(slotSize)
			cfg := config(t, slot, t.TempDir())
			cfg.Size = int64(len(tc.data)) // as the POS offers it
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			in, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			werr := writeIn(in, tc.data, 32<<10)
			_, err = in.Finish()
			if !errors.Is(err, tc.want) {
				t.Fatalf("Finish: %v (Write: %v), want %v", err, werr, tc.want)
			}
			for _, other := range []error{manifest.ErrBadSignature, manifest.ErrUnknownKey, manifest.ErrRevokedKey,
				manifest.ErrBelowFloor, manifest.ErrWrongBoard, manifest.ErrWrongProduct, manifest.ErrExpired, manifest.ErrTooLarge,
				manifest.ErrWrongBase, ErrUnknownEncoding, ErrTruncated, ErrHashMismatch, ErrMalformed, ErrTampered} {
				if other != tc.want && errors.Is(err, other) {
					t.Fatalf("Finish: %v is also %v", err, other)
				}
			}
			target := cfg.Target.(*memSlot)
			if tc.preWrite && !target.untouched() {
				t.Fatal("refused after writing to the slot")
			}
			if !tc.preWrite && target.untouched() {
				t.Fatal("refusal expected after the first frame, but nothing was written")
			}
			if tc.writes > 0 && !target.holdsOnly(img, tc.written, tc.writes) {
				t.Fatalf("slot after %d writes does not hold exactly the first %d bytes (%d frames) of the image", target.writes, tc.written, tc.writes)
			}
			if _, err := in.Write([]byte{0}); err == nil && werr != nil {
				t.Fatal("a refused installer takes more bytes")
			}
		})
	}
}

// TestResume: the stream cut at random points, including mid-frame, with
// the slot losing whatever was not synced and a new Installer each time,
// continues from Offset and ends with the same slot.
func TestResume(t *testing.T) {
	for _, tc := range []struct {
		kind string
		seed uint64
	}{{"full", 1}, {"full", 2}, {"full", 3}, {"delta", 1}, {"delta", 2}, {"delta", 3}} {
		kind := tc.kind
		t.Run(fmt.Sprint(kind, tc.seed), func(t *testing.T) {
			old := deltatest.SlotImage(3<<20, 6, false)
			img := deltatest.SlotImage(3<<20+999, 7, false)
			copy(img, old[:1<<20])
			o := buildOpts{}
			if kind == "delta" {
				o.base = old
			}
			data := build(t, img, o)
			running := newMemSlot(slotSize)
			copy(running.data, old)
			slot := newMemSlot(slotSize)
			cfg := config(t, slot, t.TempDir())
			cfg.Base, cfg.Installed = running, []manifest.Artefact{{Name: "slot.vfat", Size: int64(len(old)), SHA256: hexSum(old)}}
			r := rand.New(rand.NewPCG(7, tc.seed))
			cuts, resumedMidway := 0, 0
			for round := 0; ; round++ {
				if round > 200 {
					t.Fatalf("no end after %d restarts (Offset stuck?)", round)
				}
				in, err := New(cfg)
				if err != nil {
					t.Fatal(err)
				}
				off := in.Offset()
				if off > 0 && off < int64(len(data)) {
					resumedMidway++
				}
				cut := off + 1 + r.Int64N(int64(len(data))/2)
				if cut >= int64(len(data)) {
					if err := writeIn(in, data[off:], 1+r.IntN(50000)); err != nil {
						t.Fatal(err)
					}
					if _, err := in.Finish(); err != nil {
						t.Fatal(err)
					}
					break
				}
				if err := writeIn(in, data[off:cut], 1+r.IntN(50000)); err != nil {
					t.Fatal(err)
				}
				if in.Offset() > cut {
					t.Fatalf("Offset %d past the %d bytes written", in.Offset(), cut)
				}
				slot.crash() // power cut: unsynced writes are lost
				cuts++
			}
			if cuts < 3 || resumedMidway < 2 {
				t.Fatalf("%d cuts, %d resumed mid-way: the test did not exercise resumption", cuts, resumedMidway)
			}
			if !bytes.Equal(slot.synced[:len(img)], img) {
				t.Fatal("resumed install differs")
			}
			// A restart after Finish finds the install complete.
			in, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if in.Offset() != int64(len(data)) {
				t.Fatalf("after Finish and a restart, Offset %d", in.Offset())
			}
			if _, err := in.Finish(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestStateReset: another bundle, an Abort, a manifest that expired
// while the transfer was interrupted, or a damaged state file each start
// over from byte 0.
func TestStateReset(t *testing.T) {
	data := build(t, deltatest.SlotImage(3<<20, 8, false), buildOpts{})
	for _, tc := range []struct {
		name  string
		reset func(t *testing.T, cfg *Config, in *Installer)
	}{
		{"another bundle", func(t *testing.T, cfg *Config, in *Installer) { cfg.Bundle = "bundle-2" }},
		{"abort", func(t *testing.T, cfg *Config, in *Installer) {
			if err := in.Abort(); err != nil {
				t.Fatal(err)
			}
			if in.Offset() != 0 {
				t.Fatal("Offset after Abort")
			}
			if _, err := in.Write(data[:1]); !errors.Is(err, ErrClosed) {
				t.Fatalf("Write after Abort: %v", err)
			}
		}},
		{"expired meanwhile", func(t *testing.T, cfg *Config, in *Installer) {
			cfg.Now = func() time.Time { return now.Add(48 * time.Hour) }
		}},
		{"damaged state", func(t *testing.T, cfg *Config, in *Installer) {
			if err := os.WriteFile(filepath.Join(cfg.StateDir, stateFile), []byte("{"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"damaged manifest", func(t *testing.T, cfg *Config, in *Installer) {
			if err := os.WriteFile(filepath.Join(cfg.StateDir, manifestFile), []byte("{}"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config(t, newMemSlot(slotSize), t.TempDir())
			in, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := writeIn(in, data[:len(data)/2], 4096); err != nil {
				t.Fatal(err)
			}
			if in.Offset() == 0 {
				t.Fatal("no progress saved")
			}
			tc.reset(t, &cfg, in)
			in2, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if in2.Offset() != 0 {
				t.Fatalf("Offset %d, want a fresh start", in2.Offset())
			}
		})
	}
}

func TestConfigRequired(t *testing.T) {
	full := config(t, newMemSlot(10), t.TempDir())
	for name, edit := range map[string]func(*Config){
		"keyring": func(c *Config) { c.Keyring = nil }, "clock": func(c *Config) { c.Now = nil },
		"target": func(c *Config) { c.Target = nil }, "state dir": func(c *Config) { c.StateDir = "" },
		"bundle": func(c *Config) { c.Bundle = "" },
	} {
		c := full
		edit(&c)
		if _, err := New(c); err == nil {
			t.Errorf("no %s: accepted", name)
		}
	}
}

// TestTamperedResumes: after a tampered frame the progress stays at the
// frame's start (the frames before it were each checked), so the good
// bytes sent from Offset finish the install.
func TestTamperedResumes(t *testing.T) {
	img := deltatest.SlotImage(3<<20, 8, false)
	good := build(t, img, buildOpts{})
	payload := bundle.HeaderSize + int(binary.BigEndian.Uint32(good[len(bundle.Magic):]))
	frame1 := payload + bundle.FrameHeaderSize + int(binary.BigEndian.Uint32(good[payload:]))
	bad := bytes.Clone(good)
	bad[frame1+bundle.FrameHeaderSize+10] ^= 1
	slot, dir := newMemSlot(slotSize), t.TempDir()
	in, err := New(config(t, slot, dir))
	if err != nil {
		t.Fatal(err)
	}
	if err := writeIn(in, bad, 50000); !errors.Is(err, ErrTampered) {
		t.Fatalf("Write: %v, want ErrTampered", err)
	}
	in, err = New(config(t, slot, dir))
	if err != nil {
		t.Fatal(err)
	}
	if in.Offset() != int64(frame1) {
		t.Fatalf("resumes at %d, want the tampered frame's start %d", in.Offset(), frame1)
	}
	if err := writeIn(in, good[frame1:], 50000); err != nil {
		t.Fatal(err)
	}
	if _, err := in.Finish(); err != nil || !bytes.Equal(slot.synced[:len(img)], img) {
		t.Fatalf("Finish: %v; slot holds the image: %v", err, bytes.Equal(slot.synced[:len(img)], img))
	}
}
