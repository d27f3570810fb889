// Package evdev reads a Linux input event device (/dev/input/eventN) as a
// touch.Touch: a touchscreen (single-touch, or multi-touch protocol B) or
// an absolute pointer such as QEMU's virtio tablet.
//
// The Decoder turns the raw struct input_event stream from any io.Reader
// into Down/Move/Up events in panel pixels, applying calibration and
// rotation; it is pure and testable anywhere. Open, Find and Watch add the
// Linux device side: capability and range ioctls, resynchronisation after
// the kernel drops events, and hot-unplug. The record format, bitmaps and
// ioctls it shares with other input drivers are in drivers/internal/evdevio.
//
// References, all in the Linux kernel tree: include/uapi/linux/input.h
// (struct input_event, struct input_absinfo, EVIOC* ioctls),
// include/uapi/linux/input-event-codes.h (codes),
// Documentation/input/event-codes.rst (SYN_REPORT framing, SYN_DROPPED) and
// Documentation/input/multi-touch-protocol.rst (protocol B slots).
package evdev
