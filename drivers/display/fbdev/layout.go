package fbdev

import (
	"fmt"
	"strings"
)

// layout is where the panel's pixels live in framebuffer memory.
type layout struct {
	width, height int
	stride        int // bytes from one line to the next (line_length)
	format        *format
	// pages is 1 (draw straight into the visible area) or 2 (draw into the
	// hidden page, then pan to it). origin[i] is the byte offset of page
	// i's pixel (0,0) within smem.
	pages  int
	origin [2]int
	front  int // page visible at open
	// The mapping starts at the page boundary below smem_start, so the
	// pixels begin mapOffset bytes into it.
	mapOffset, mapLen int
}

// newLayout checks the kernel's description of the framebuffer and works out
// the page geometry. pageSize is the MMU page size.
func newLayout(v *varScreenInfo, f *fixScreenInfo, pageSize int) (*layout, error) {
	if f.Visual != visualTrueColor {
		return nil, fmt.Errorf("visual %d not supported (want truecolor)", f.Visual)
	}
	if v.XRes == 0 || v.YRes == 0 {
		return nil, fmt.Errorf("empty resolution %dx%d", v.XRes, v.YRes)
	}
	pf, err := newFormat(v)
	if err != nil {
		return nil, err
	}
	size := uint64(pf.size)
	stride := uint64(f.LineLength)
	if stride == 0 { // some old drivers leave it unset
		stride = uint64(max(v.XResVirtual, v.XRes)) * size
	}
	w, h, smem := uint64(v.XRes), uint64(v.YRes), uint64(f.SmemLen)
	if w*size > stride {
		return nil, fmt.Errorf("line length %d shorter than %d pixels of %d bytes", stride, w, size)
	}
	// The last byte of a page starting at origin o is o + (h-1)*stride + w*size.
	pageEnd := (h-1)*stride + w*size
	l := &layout{
		width: int(w), height: int(h), stride: int(stride), format: pf,
		mapOffset: int(uint64(f.SmemStart) % uint64(pageSize)),
	}
	l.mapLen = l.mapOffset + int(smem)

	// DRM's fbdev emulation ("<driver>drmfb") copies a shadow buffer to the
	// scanout from a worker, so panning buys no tear-freedom there; and
	// under QEMU virtio-gpu on Linux 6.1 with drm_fbdev_overalloc=200 the
	// second page never reached the screen. Draw into it directly.
	drm := strings.HasSuffix(f.id(), "drmfb")
	canPan := !drm && f.YPanStep != 0 && uint64(v.YResVirtual) >= 2*h && h%uint64(f.YPanStep) == 0
	if canPan && h*stride+pageEnd <= smem {
		l.pages = 2
		l.origin = [2]int{0, int(h * stride)}
		if uint64(v.YOffset) >= h {
			l.front = 1
		}
		return l, nil
	}
	origin := uint64(v.YOffset)*stride + uint64(v.XOffset)*size
	if origin+pageEnd > smem {
		return nil, fmt.Errorf("%dx%d at offset (%d,%d) with line length %d needs %d bytes, smem_len is %d",
			w, h, v.XOffset, v.YOffset, stride, origin+pageEnd, smem)
	}
	l.pages = 1
	l.origin[0] = int(origin)
	return l, nil
}
