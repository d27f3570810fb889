package evdev

// Event types and codes from include/uapi/linux/input-event-codes.h; only
// those the decoder and the device probe use.
const (
	evSyn = 0x00 // EV_SYN: framing
	evKey = 0x01 // EV_KEY: buttons
	evAbs = 0x03 // EV_ABS: absolute axes

	synReport  = 0 // SYN_REPORT: end of a frame of changes
	synDropped = 3 // SYN_DROPPED: the kernel's buffer overflowed

	btnLeft  = 0x110 // BTN_LEFT: an absolute pointer's button (virtio tablet)
	btnTouch = 0x14a // BTN_TOUCH: a finger is on a single-touch screen

	absX            = 0x00 // ABS_X
	absY            = 0x01 // ABS_Y
	absMTSlot       = 0x2f // ABS_MT_SLOT: following ABS_MT_* apply to this slot
	absMTPositionX  = 0x35 // ABS_MT_POSITION_X
	absMTPositionY  = 0x36 // ABS_MT_POSITION_Y
	absMTTrackingID = 0x39 // ABS_MT_TRACKING_ID: contact id; -1 ends it

	absCnt = 0x40  // ABS_CNT: number of absolute axis codes
	keyCnt = 0x300 // KEY_CNT: number of key codes
)
