// Package evdevio is the low-level side of Linux input event devices
// (/dev/input/eventN) that the input drivers share: the struct
// input_event record and a reader of whole records, the common event
// codes, kernel bitmaps, listing the event devices in a directory, and
// the EVIOC* ioctls. It knows nothing of what the events mean; the
// drivers (drivers/touch/evdev, drivers/powerkey) do.
//
// References, in the Linux kernel tree: include/uapi/linux/input.h
// (struct input_event, struct input_absinfo, EVIOC* ioctls),
// include/uapi/linux/input-event-codes.h (codes) and
// Documentation/input/event-codes.rst (SYN_REPORT framing, SYN_DROPPED).
package evdevio
