package fbdev

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// fakeFB is a framebuffer device whose memory is a temporary file mapped
// shared, so tests read what Draw wrote back through the file, the way the
// scanout would see it.
type fakeFB struct {
	t      testing.TB
	file   *os.File
	v      varScreenInfo
	f      fixScreenInfo
	mapped []byte

	varErr error    // returned by FBIOGET_VSCREENINFO: the driver gone
	pans   []uint32 // yoffset of every successful FBIOPAN_DISPLAY
	panErr error    // returned (once) by the next pan
	blanks []int
	closed bool
	// shown is the visible page's bytes as of the last pan; pan checks the
	// page was not written while on screen.
	shown []byte
}

const sentinel = 0xAA // fills fresh framebuffer memory

// newFake returns a fake device with the given screen description; its
// memory (mapOffset + smem_len bytes) is filled with sentinel.
func newFake(t testing.TB, v varScreenInfo, f fixScreenInfo) *fakeFB {
	t.Helper()
	file, err := os.Create(filepath.Join(t.TempDir(), "fb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { file.Close() })
	size := int(uint64(f.SmemStart)%uint64(os.Getpagesize())) + int(f.SmemLen)
	if _, err := file.Write(bytes.Repeat([]byte{sentinel}, size)); err != nil {
		t.Fatal(err)
	}
	return &fakeFB{t: t, file: file, v: v, f: f}
}

func (d *fakeFB) varInfo(v *varScreenInfo) error {
	if d.varErr != nil {
		return d.varErr
	}
	*v = d.v
	return nil
}
func (d *fakeFB) fixInfo(f *fixScreenInfo) error { *f = d.f; return nil }

func (d *fakeFB) pan(v *varScreenInfo) error {
	if err := d.panErr; err != nil {
		d.panErr = nil
		return err
	}
	if d.shown != nil {
		if now := d.page(d.v.YOffset); !bytes.Equal(now, d.shown) {
			d.t.Errorf("page at line %d was written while on screen", d.v.YOffset)
		}
	}
	if v.YOffset+d.v.YRes > d.v.YResVirtual || v.XOffset != 0 {
		return errors.New("fake: pan out of range")
	}
	d.v.XOffset, d.v.YOffset = v.XOffset, v.YOffset
	d.pans = append(d.pans, v.YOffset)
	d.shown = d.page(v.YOffset)
	return nil
}

func (d *fakeFB) blank(level int) error { d.blanks = append(d.blanks, level); return nil }

func (d *fakeFB) mmap(length int) ([]byte, error) {
	m, err := mapFile(d.file, length)
	if err != nil {
		return nil, err
	}
	d.mapped = m
	return m, nil
}

func (d *fakeFB) munmap(b []byte) error {
	if len(b) == 0 || &b[0] != &d.mapped[0] {
		return errors.New("fake: munmap of something not mapped")
	}
	d.mapped = nil
	return unmapFile(b)
}

func (d *fakeFB) close() error { d.closed = true; return nil }

// mem reads the framebuffer memory (smem_len bytes) through the file.
func (d *fakeFB) mem() []byte {
	d.t.Helper()
	off := int64(uint64(d.f.SmemStart) % uint64(os.Getpagesize()))
	b := make([]byte, d.f.SmemLen)
	if _, err := d.file.ReadAt(b, off); err != nil {
		d.t.Fatal(err)
	}
	return b
}

// page returns the bytes of the visible area if the screen were panned to
// line y.
func (d *fakeFB) page(y uint32) []byte {
	start := int(y) * int(d.f.LineLength)
	return d.mem()[start : start+int(d.v.YRes)*int(d.f.LineLength)]
}
