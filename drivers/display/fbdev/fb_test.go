package fbdev

import (
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

// pixelCase is a framebuffer pixel format and, written out by hand, how to
// read a pixel of it back.
type pixelCase struct {
	name  string
	bpp   uint32
	r, g  bitfield
	b, a  bitfield
	keep  [3]uint8                   // bits of R, G, B that survive the format
	read  func(px []byte) color.RGBA // alpha 255 unless the format has one
	alpha bool                       // the format stores alpha; it must be opaque
}

var pixelCases = []pixelCase{
	{
		name: "xrgb8888", bpp: 32, r: bitfield{16, 8, 0}, g: bitfield{8, 8, 0}, b: bitfield{0, 8, 0},
		keep: [3]uint8{0xff, 0xff, 0xff},
		read: func(px []byte) color.RGBA {
			v := binary.NativeEndian.Uint32(px)
			return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 255}
		},
	},
	{
		name: "xbgr8888", bpp: 32, r: bitfield{0, 8, 0}, g: bitfield{8, 8, 0}, b: bitfield{16, 8, 0},
		keep: [3]uint8{0xff, 0xff, 0xff},
		read: func(px []byte) color.RGBA {
			v := binary.NativeEndian.Uint32(px)
			return color.RGBA{uint8(v), uint8(v >> 8), uint8(v >> 16), 255}
		},
	},
	{
		name: "bgrx8888", bpp: 32, r: bitfield{8, 8, 0}, g: bitfield{16, 8, 0}, b: bitfield{24, 8, 0},
		keep: [3]uint8{0xff, 0xff, 0xff},
		read: func(px []byte) color.RGBA {
			v := binary.NativeEndian.Uint32(px)
			return color.RGBA{uint8(v >> 8), uint8(v >> 16), uint8(v >> 24), 255}
		},
	},
	{
		name: "argb8888", bpp: 32, r: bitfield{16, 8, 0}, g: bitfield{8, 8, 0}, b: bitfield{0, 8, 0}, a: bitfield{24, 8, 0},
		keep: [3]uint8{0xff, 0xff, 0xff}, alpha: true,
		read: func(px []byte) color.RGBA {
			v := binary.NativeEndian.Uint32(px)
			return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), uint8(v >> 24)}
		},
	},
	{
		name: "xrgb2101010", bpp: 32, r: bitfield{20, 10, 0}, g: bitfield{10, 10, 0}, b: bitfield{0, 10, 0},
		keep: [3]uint8{0xff, 0xff, 0xff},
		read: func(px []byte) color.RGBA {
			v := binary.NativeEndian.Uint32(px)
			return color.RGBA{uint8(v >> 22), uint8(v >> 12), uint8(v >> 2), 255}
		},
	},
	{
		name: "rgb888", bpp: 24, r: bitfield{16, 8, 0}, g: bitfield{8, 8, 0}, b: bitfield{0, 8, 0},
		keep: [3]uint8{0xff, 0xff, 0xff},
		read: func(px []byte) color.RGBA {
			var w [4]byte
			copy(w[:], px[:3]) // little-endian hosts: low three bytes
			v := binary.LittleEndian.Uint32(w[:])
			return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 255}
		},
	},
	{
		name: "rgb565", bpp: 16, r: bitfield{11, 5, 0}, g: bitfield{5, 6, 0}, b: bitfield{0, 5, 0},
		keep: [3]uint8{0xf8, 0xfc, 0xf8},
		read: func(px []byte) color.RGBA {
			v := binary.NativeEndian.Uint16(px)
			return color.RGBA{uint8(v>>11) << 3, uint8(v>>5&0x3f) << 2, uint8(v&0x1f) << 3, 255}
		},
	},
	{
		name: "bgr565", bpp: 16, r: bitfield{0, 5, 0}, g: bitfield{5, 6, 0}, b: bitfield{11, 5, 0},
		keep: [3]uint8{0xf8, 0xfc, 0xf8},
		read: func(px []byte) color.RGBA {
			v := binary.NativeEndian.Uint16(px)
			return color.RGBA{uint8(v&0x1f) << 3, uint8(v>>5&0x3f) << 2, uint8(v>>11) << 3, 255}
		},
	},
}

// screen describes a w×h panel in format pc with pad bytes after each line
// and room for pages panels stacked vertically.
func screen(pc pixelCase, w, h, pad, pages int) (varScreenInfo, fixScreenInfo) {
	v := varScreenInfo{
		XRes: uint32(w), YRes: uint32(h), XResVirtual: uint32(w), YResVirtual: uint32(h * pages),
		BitsPerPixel: pc.bpp, Red: pc.r, Green: pc.g, Blue: pc.b, Transp: pc.a,
	}
	stride := w*int(pc.bpp)/8 + pad
	f := fixScreenInfo{
		SmemLen: uint32(stride * h * pages), Visual: visualTrueColor,
		LineLength: uint32(stride), YPanStep: 1,
	}
	copy(f.ID[:], "fakefb")
	return v, f
}

func randomFrame(rng *rand.Rand, w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(rng.Uint32())
	}
	for i := 3; i < len(img.Pix); i += 4 {
		img.Pix[i] = 255 // frames are opaque
	}
	return img
}

func openFake(t testing.TB, d *fakeFB) *FB {
	t.Helper()
	fb, err := newFB("/dev/fake", d)
	if err != nil {
		t.Fatal(err)
	}
	return fb
}

// checkPage asserts that the page whose first line is at byte start of mem
// shows src inside rects and still holds sentinel bytes everywhere else,
// including each line's padding.
func checkPage(t *testing.T, pc pixelCase, mem []byte, start, stride int, src *image.RGBA, rects []image.Rectangle) {
	t.Helper()
	size := int(pc.bpp) / 8
	w, h := src.Rect.Dx(), src.Rect.Dy()
	bad := 0
	for y := range h {
		line := mem[start+y*stride : start+(y+1)*stride]
		for x := range w {
			px := line[x*size : (x+1)*size]
			in := false
			for _, r := range rects {
				in = in || image.Pt(x, y).In(r)
			}
			if !in {
				for _, c := range px {
					if c != sentinel {
						t.Errorf("pixel (%d,%d) outside damage changed: % x", x, y, px)
						return
					}
				}
				continue
			}
			c := src.RGBAAt(x, y)
			want := color.RGBA{c.R & pc.keep[0], c.G & pc.keep[1], c.B & pc.keep[2], 255}
			got := pc.read(px)
			if !pc.alpha {
				got.A = 255
			}
			if got != want && bad < 5 {
				t.Errorf("pixel (%d,%d) = %v, want %v", x, y, got, want)
				bad++
			}
		}
		for i, c := range line[w*size:] {
			if c != sentinel {
				t.Errorf("line %d padding byte %d changed to %#x", y, i, c)
				return
			}
		}
	}
}

func TestDrawFormats(t *testing.T) {
	const w, h, pad = 13, 7, 12 // odd sizes and a stride wider than the pixels
	for _, pc := range pixelCases {
		t.Run(pc.name, func(t *testing.T) {
			v, f := screen(pc, w, h, pad, 1)
			d := newFake(t, v, f)
			fb := openFake(t, d)
			src := randomFrame(rand.New(rand.NewPCG(1, 2)), w, h)
			if err := fb.Draw(src, nil); err != nil {
				t.Fatal(err)
			}
			checkPage(t, pc, d.mem(), 0, int(f.LineLength), src, []image.Rectangle{src.Rect})
		})
	}
}

func TestDrawOnlyDamage(t *testing.T) {
	const w, h, pad = 40, 30, 8
	damage := []image.Rectangle{
		image.Rect(2, 3, 10, 9),
		image.Rect(35, 25, 60, 50),                    // partly off the panel
		image.Rect(20, 20, 20, 28),                    // empty
		{Min: image.Pt(30, 10), Max: image.Pt(25, 5)}, // not canonical: empty
		image.Rect(-5, -5, -1, -1),                    // off the panel
		image.Rect(5, 5, 12, 7),                       // overlaps the first
	}
	inside := []image.Rectangle{image.Rect(2, 3, 10, 9), image.Rect(35, 25, 40, 30), image.Rect(5, 5, 12, 7)}
	for _, pc := range pixelCases {
		t.Run(pc.name, func(t *testing.T) {
			v, f := screen(pc, w, h, pad, 1)
			d := newFake(t, v, f)
			fb := openFake(t, d)
			src := randomFrame(rand.New(rand.NewPCG(3, 4)), w, h)
			if err := fb.Draw(src, damage); err != nil {
				t.Fatal(err)
			}
			checkPage(t, pc, d.mem(), 0, int(f.LineLength), src, inside)
		})
	}
}

// TestDrawSequence changes random parts of a frame, draws only the changed
// rectangles, and checks after every Draw that the page on screen shows
// the whole current frame: with panning this proves the hidden page is
// brought up to date from both frames' damage.
func TestDrawSequence(t *testing.T) {
	const w, h = 64, 48
	for _, pages := range []int{1, 2} {
		for _, pc := range []pixelCase{pixelCases[0], pixelCases[6]} {
			t.Run(pc.name+map[int]string{1: "/direct", 2: "/pan"}[pages], func(t *testing.T) {
				v, f := screen(pc, w, h, 4, pages)
				d := newFake(t, v, f)
				fb := openFake(t, d)
				if got := fb.lay.pages; got != pages {
					t.Fatalf("layout has %d pages, want %d", got, pages)
				}
				rng := rand.New(rand.NewPCG(5, 6))
				src := randomFrame(rng, w, h)
				if err := fb.Draw(src, nil); err != nil {
					t.Fatal(err)
				}
				for step := range 40 {
					var damage []image.Rectangle
					for range 1 + rng.IntN(3) {
						x, y := rng.IntN(w), rng.IntN(h)
						r := image.Rect(x, y, x+1+rng.IntN(20), y+1+rng.IntN(20)).Intersect(src.Rect)
						c := color.RGBA{uint8(rng.Uint32()), uint8(rng.Uint32()), uint8(rng.Uint32()), 255}
						for py := r.Min.Y; py < r.Max.Y; py++ {
							for px := r.Min.X; px < r.Max.X; px++ {
								src.SetRGBA(px, py, c)
							}
						}
						damage = append(damage, r)
					}
					if err := fb.Draw(src, damage); err != nil {
						t.Fatal(err)
					}
					start := int(d.v.YOffset) * int(f.LineLength)
					checkPage(t, pc, d.mem(), start, int(f.LineLength), src, []image.Rectangle{src.Rect})
					if t.Failed() {
						t.Fatalf("after step %d", step)
					}
				}
				wantPans := 0
				if pages == 2 {
					wantPans = 41
				}
				if len(d.pans) != wantPans {
					t.Errorf("%d pans, want %d", len(d.pans), wantPans)
				}
				for i := 1; i < len(d.pans); i++ {
					if d.pans[i] == d.pans[i-1] {
						t.Fatalf("pan %d stayed on line %d", i, d.pans[i])
					}
				}
			})
		}
	}
}

func TestPanFailureRecovers(t *testing.T) {
	pc := pixelCases[0]
	const w, h = 16, 8
	v, f := screen(pc, w, h, 0, 2)
	d := newFake(t, v, f)
	fb := openFake(t, d)
	rng := rand.New(rand.NewPCG(7, 8))
	first := randomFrame(rng, w, h)
	if err := fb.Draw(first, nil); err != nil {
		t.Fatal(err)
	}
	second := randomFrame(rng, w, h)
	d.panErr = errors.New("EINVAL")
	if err := fb.Draw(second, nil); err == nil {
		t.Fatal("Draw hid a failed pan")
	}
	if got := int(d.v.YOffset); got != h {
		t.Fatalf("screen moved to line %d after a failed pan", got)
	}
	// Only a small part changes now; the screen must still end up whole.
	third := image.NewRGBA(second.Rect)
	copy(third.Pix, second.Pix)
	third.SetRGBA(3, 3, color.RGBA{1, 2, 3, 255})
	if err := fb.Draw(third, []image.Rectangle{image.Rect(3, 3, 4, 4)}); err != nil {
		t.Fatal(err)
	}
	start := int(d.v.YOffset) * int(f.LineLength)
	checkPage(t, pc, d.mem(), start, int(f.LineLength), third, []image.Rectangle{third.Rect})
}

func TestDrawRejectsWrongFrame(t *testing.T) {
	v, f := screen(pixelCases[0], 10, 10, 0, 1)
	fb := openFake(t, newFake(t, v, f))
	for _, r := range []image.Rectangle{image.Rect(0, 0, 10, 9), image.Rect(1, 1, 11, 11)} {
		if err := fb.Draw(image.NewRGBA(r), nil); err == nil {
			t.Errorf("Draw accepted a %v frame on a 10x10 panel", r)
		}
	}
}

func TestHalt(t *testing.T) {
	v, f := screen(pixelCases[0], 10, 10, 0, 2)
	d := newFake(t, v, f)
	fb := openFake(t, d)
	if len(d.blanks) != 1 || d.blanks[0] != blankUnblank {
		t.Errorf("open blank calls %v, want [unblank]", d.blanks)
	}
	if err := fb.Draw(randomFrame(rand.New(rand.NewPCG(9, 9)), 10, 10), nil); err != nil {
		t.Fatal(err)
	}
	if err := fb.Halt(); err != nil {
		t.Fatal(err)
	}
	if last := d.blanks[len(d.blanks)-1]; last != blankPowerdown {
		t.Errorf("halt blanked with level %d, want powerdown", last)
	}
	if d.mapped != nil || !d.closed {
		t.Errorf("after halt: still mapped %v, closed %v", d.mapped != nil, d.closed)
	}
	for i, c := range d.mem() {
		if c != 0 {
			t.Fatalf("byte %d is %#x after halt, want black", i, c)
		}
	}
	if err := fb.Draw(image.NewRGBA(fb.Bounds()), nil); err == nil {
		t.Error("Draw after Halt succeeded")
	}
	if err := fb.Halt(); err != nil {
		t.Errorf("second Halt: %v", err)
	}
}

// TestCheck: the panel answers with the mode it was opened in, or Check
// says what changed.
func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(d *fakeFB, fb *FB)
		want   string // in the error; "" for none
	}{
		{"as opened", func(*fakeFB, *FB) {}, ""},
		{"driver gone", func(d *fakeFB, _ *FB) { d.varErr = errors.New("no such device") }, "no such device"},
		{"resolution changed", func(d *fakeFB, _ *FB) { d.v.XRes = 8 }, "panel now 8x10"},
		{"format changed", func(d *fakeFB, _ *FB) { d.v.Red, d.v.Blue = d.v.Blue, d.v.Red }, "panel now 10x10"},
		{"unsupported format", func(d *fakeFB, _ *FB) { d.v.BitsPerPixel = 8 }, "8 bits per pixel"},
		{"halted", func(_ *fakeFB, fb *FB) { fb.Halt() }, "halted"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, f := screen(pixelCases[0], 10, 10, 0, 2)
			d := newFake(t, v, f)
			fb := openFake(t, d)
			tc.change(d, fb)
			err := fb.Check()
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("Check() = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestSmemStartInsidePage(t *testing.T) {
	pc := pixelCases[0]
	v, f := screen(pc, 4, 2, 0, 1)
	f.SmemStart = uintptr(16*os.Getpagesize() + 0x40)
	d := newFake(t, v, f)
	fb := openFake(t, d)
	src := randomFrame(rand.New(rand.NewPCG(1, 1)), 4, 2)
	if err := fb.Draw(src, nil); err != nil {
		t.Fatal(err)
	}
	// d.mem reads from byte 0x40 of the file: the pixels must start there.
	checkPage(t, pc, d.mem(), 0, int(f.LineLength), src, []image.Rectangle{src.Rect})
}

func TestString(t *testing.T) {
	v, f := screen(pixelCases[6], 10, 10, 0, 2)
	fb := openFake(t, newFake(t, v, f))
	want := "fbdev /dev/fake (fakefb) 10x10 16bpp r11:5 g5:6 b0:5 double-buffered"
	if got := fb.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
