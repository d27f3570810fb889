package fbdev

import (
	"strings"
	"testing"
	"unsafe"
)

func TestStructLayouts(t *testing.T) {
	// Sizes and offsets from include/uapi/linux/fb.h as the C compiler lays
	// them out; a mismatch would make the ioctls scribble past our structs.
	if got := unsafe.Sizeof(varScreenInfo{}); got != 160 {
		t.Errorf("sizeof(fb_var_screeninfo) = %d, want 160", got)
	}
	if got := unsafe.Offsetof(varScreenInfo{}.Red); got != 32 {
		t.Errorf("offsetof(red) = %d, want 32", got)
	}
	if got := unsafe.Offsetof(varScreenInfo{}.Nonstd); got != 80 {
		t.Errorf("offsetof(nonstd) = %d, want 80", got)
	}
	wantFix := map[uintptr]uintptr{8: 80, 4: 68}[unsafe.Sizeof(uintptr(0))]
	if got := unsafe.Sizeof(fixScreenInfo{}); got != wantFix {
		t.Errorf("sizeof(fb_fix_screeninfo) = %d, want %d", got, wantFix)
	}
	wantLine := map[uintptr]uintptr{8: 48, 4: 44}[unsafe.Sizeof(uintptr(0))]
	if got := unsafe.Offsetof(fixScreenInfo{}.LineLength); got != wantLine {
		t.Errorf("offsetof(line_length) = %d, want %d", got, wantLine)
	}
}

func TestLayoutRejects(t *testing.T) {
	ok := func() (varScreenInfo, fixScreenInfo) { return screen(pixelCases[0], 100, 50, 0, 1) }
	tests := []struct {
		name string
		edit func(v *varScreenInfo, f *fixScreenInfo)
		want string
	}{
		{"palette", func(v *varScreenInfo, f *fixScreenInfo) { f.Visual = 3 }, "visual"},
		{"8bpp", func(v *varScreenInfo, f *fixScreenInfo) { v.BitsPerPixel = 8 }, "bits per pixel"},
		{"grayscale", func(v *varScreenInfo, f *fixScreenInfo) { v.Grayscale = 1 }, "grayscale"},
		{"nonstd", func(v *varScreenInfo, f *fixScreenInfo) { v.Nonstd = 1 }, "non-standard"},
		{"msb right", func(v *varScreenInfo, f *fixScreenInfo) { v.Green.MSBRight = 1 }, "msb_right"},
		{"no blue", func(v *varScreenInfo, f *fixScreenInfo) { v.Blue.Length = 0 }, "channel"},
		{"overlap", func(v *varScreenInfo, f *fixScreenInfo) { v.Green.Offset = 12 }, "overlapping"},
		{"field outside pixel", func(v *varScreenInfo, f *fixScreenInfo) { v.Red.Offset = 28 }, "outside"},
		{"zero size", func(v *varScreenInfo, f *fixScreenInfo) { v.YRes = 0 }, "empty"},
		{"short line", func(v *varScreenInfo, f *fixScreenInfo) { f.LineLength = 399 }, "line length"},
		{"short memory", func(v *varScreenInfo, f *fixScreenInfo) { f.SmemLen-- }, "smem_len"},
		{"offset past memory", func(v *varScreenInfo, f *fixScreenInfo) { v.YOffset = 1 }, "smem_len"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, f := ok()
			if _, err := newLayout(&v, &f, 4096); err != nil {
				t.Fatalf("base screen rejected: %v", err)
			}
			tt.edit(&v, &f)
			_, err := newLayout(&v, &f, 4096)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestLayoutPaging(t *testing.T) {
	const w, h = 100, 50
	tests := []struct {
		name       string
		edit       func(v *varScreenInfo, f *fixScreenInfo)
		pages      int
		front      int
		origin0    int
		mapOffset  int
		zeroStride bool
	}{
		{name: "two pages", pages: 2},
		{name: "shown from second page", edit: func(v *varScreenInfo, f *fixScreenInfo) { v.YOffset = h }, pages: 2, front: 1},
		{name: "DRM fbdev emulation", edit: func(v *varScreenInfo, f *fixScreenInfo) { copy(f.ID[:], "virtio_gpudrmfb") }, pages: 1},
		{name: "no pan step", edit: func(v *varScreenInfo, f *fixScreenInfo) { f.YPanStep = 0 }, pages: 1},
		{name: "pan step does not divide height", edit: func(v *varScreenInfo, f *fixScreenInfo) { f.YPanStep = 3 }, pages: 1},
		{name: "virtual too short", edit: func(v *varScreenInfo, f *fixScreenInfo) { v.YResVirtual = 2*h - 1 }, pages: 1},
		{name: "memory too short for two", edit: func(v *varScreenInfo, f *fixScreenInfo) { f.SmemLen -= 1 }, pages: 1},
		{
			name: "direct at an offset", pages: 1, origin0: 3*w*4*2 + 5*4,
			edit: func(v *varScreenInfo, f *fixScreenInfo) {
				f.YPanStep, v.XOffset, v.YOffset, v.XResVirtual = 0, 5, 3, 2*w
				f.LineLength, f.SmemLen = 2*w*4, 2*w*4*2*h
			},
		},
		{
			name: "line length unset", pages: 1, zeroStride: true,
			edit: func(v *varScreenInfo, f *fixScreenInfo) { f.LineLength, f.YPanStep = 0, 0 },
		},
		{
			name: "smem_start inside a page", pages: 2, mapOffset: 0x40,
			edit: func(v *varScreenInfo, f *fixScreenInfo) { f.SmemStart = 0x7000_0040 },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, f := screen(pixelCases[0], w, h, 0, 2)
			if tt.edit != nil {
				tt.edit(&v, &f)
			}
			l, err := newLayout(&v, &f, 4096)
			if err != nil {
				t.Fatal(err)
			}
			if l.pages != tt.pages || l.front != tt.front || l.origin[0] != tt.origin0 || l.mapOffset != tt.mapOffset {
				t.Errorf("pages %d front %d origin %d mapOffset %d, want %d %d %d %d",
					l.pages, l.front, l.origin[0], l.mapOffset, tt.pages, tt.front, tt.origin0, tt.mapOffset)
			}
			if l.pages == 2 && l.origin[1] != h*l.stride {
				t.Errorf("second page at byte %d, want %d", l.origin[1], h*l.stride)
			}
			if l.mapLen != l.mapOffset+int(f.SmemLen) {
				t.Errorf("maps %d bytes, want %d", l.mapLen, l.mapOffset+int(f.SmemLen))
			}
			if tt.zeroStride && l.stride != w*4 {
				t.Errorf("stride %d from xres_virtual, want %d", l.stride, w*4)
			}
		})
	}
}
