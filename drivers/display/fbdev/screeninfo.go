package fbdev

// Struct layouts and request numbers from include/uapi/linux/fb.h. Field
// order and widths match the C structs, so Go lays them out identically on
// every Linux ABI: "unsigned long" is uintptr, everything else is fixed-width.

// Legacy ioctl numbers; fb.h defines them as plain constants, not _IOR/_IOW.
const (
	ioctlGetVScreenInfo = 0x4600 // FBIOGET_VSCREENINFO, arg *varScreenInfo
	ioctlGetFScreenInfo = 0x4602 // FBIOGET_FSCREENINFO, arg *fixScreenInfo
	ioctlPanDisplay     = 0x4606 // FBIOPAN_DISPLAY, arg *varScreenInfo (xoffset, yoffset, vmode)
	ioctlBlank          = 0x4611 // FBIOBLANK, arg is the blank level itself
)

// Blank levels for FBIOBLANK (enum in fb.h).
const (
	blankUnblank   = 0 // FB_BLANK_UNBLANK
	blankPowerdown = 4 // FB_BLANK_POWERDOWN: panel and backlight off
)

// visualTrueColor is FB_VISUAL_TRUECOLOR: pixels hold packed R, G, B values
// laid out by the var screeninfo bitfields. Palette visuals are not supported.
const visualTrueColor = 2

// vmodeYWrap is FB_VMODE_YWRAP; panning with it set wraps around the
// virtual screen, which the double buffer does not want.
const vmodeYWrap = 256

// bitfield is struct fb_bitfield: where one colour channel sits in a pixel.
type bitfield struct {
	Offset   uint32 // bit position of the channel's least significant bit
	Length   uint32 // width in bits; 0 means the channel is absent
	MSBRight uint32 // != 0: most significant bit is on the right (unsupported)
}

// varScreenInfo is struct fb_var_screeninfo (160 bytes).
type varScreenInfo struct {
	XRes, YRes               uint32 // visible resolution in pixels
	XResVirtual, YResVirtual uint32 // virtual resolution in pixels
	XOffset, YOffset         uint32 // visible origin within the virtual screen
	BitsPerPixel             uint32
	Grayscale                uint32 // != 0: grayscale (unsupported)
	Red, Green, Blue, Transp bitfield
	Nonstd                   uint32 // != 0: non-standard pixel format (unsupported)
	Activate                 uint32
	Height, Width            uint32 // physical size in mm
	AccelFlags               uint32
	// Timing fields, unused here but part of the layout.
	Pixclock, LeftMargin, RightMargin, UpperMargin, LowerMargin uint32
	HsyncLen, VsyncLen, Sync, Vmode, Rotate, Colorspace         uint32
	Reserved                                                    [4]uint32
}

// fixScreenInfo is struct fb_fix_screeninfo (80 bytes on 64-bit ABIs).
type fixScreenInfo struct {
	ID           [16]byte // driver name, NUL-padded
	SmemStart    uintptr  // physical start of frame buffer memory; may be 0 (hidden)
	SmemLen      uint32   // length of frame buffer memory in bytes
	Type         uint32
	TypeAux      uint32
	Visual       uint32
	XPanStep     uint16 // 0: no horizontal panning
	YPanStep     uint16 // 0: no vertical panning
	YWrapStep    uint16
	LineLength   uint32 // bytes per line (the stride)
	MMIOStart    uintptr
	MMIOLen      uint32
	Accel        uint32
	Capabilities uint16
	Reserved     [2]uint16
}

// id returns the driver name without its NUL padding.
func (f *fixScreenInfo) id() string {
	for i, c := range f.ID {
		if c == 0 {
			return string(f.ID[:i])
		}
	}
	return string(f.ID[:])
}
