// Package fbdev drives a Linux framebuffer device (/dev/fbN) as a
// display.Display.
//
// The panel's geometry and pixel format come from the FBIOGET_VSCREENINFO and
// FBIOGET_FSCREENINFO ioctls; its memory is mapped once (smem_len bytes) and
// Draw converts only the damaged rectangles of an RGBA frame into it. When
// the virtual screen is at least two panels tall and the driver can pan
// vertically, Draw writes into the hidden half and flips with
// FBIOPAN_DISPLAY, so a half-drawn frame is never shown. DRM's fbdev
// emulation (virtio-gpu and other KMS drivers) is always drawn directly.
//
// Reference: include/uapi/linux/fb.h (struct layouts, ioctl numbers) and
// Documentation/fb/api.rst (pixel formats, bitfields, panning) in the Linux
// kernel tree.
package fbdev
