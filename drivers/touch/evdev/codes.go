package evdev

import "payterm/drivers/internal/evdevio"

// Event types and codes from include/uapi/linux/input-event-codes.h; only
// those the decoder and the device probe use.
const (
	evSyn = evdevio.EvSyn
	evKey = evdevio.EvKey
	evAbs = evdevio.EvAbs

	synReport  = evdevio.SynReport
	synDropped = evdevio.SynDropped

	btnLeft  = 0x110 // BTN_LEFT: an absolute pointer's button (virtio tablet)
	btnTouch = 0x14a // BTN_TOUCH: a finger is on a single-touch screen

	absX            = 0x00 // ABS_X
	absY            = 0x01 // ABS_Y
	absMTSlot       = 0x2f // ABS_MT_SLOT: following ABS_MT_* apply to this slot
	absMTPositionX  = 0x35 // ABS_MT_POSITION_X
	absMTPositionY  = 0x36 // ABS_MT_POSITION_Y
	absMTTrackingID = 0x39 // ABS_MT_TRACKING_ID: contact id; -1 ends it

	absCnt = evdevio.AbsCnt
	keyCnt = evdevio.KeyCnt
)
