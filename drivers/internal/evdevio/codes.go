package evdevio

// Event types and codes from include/uapi/linux/input-event-codes.h that
// more than one driver uses.
const (
	EvSyn = 0x00 // EV_SYN: framing
	EvKey = 0x01 // EV_KEY: keys and buttons
	EvAbs = 0x03 // EV_ABS: absolute axes

	SynReport  = 0 // SYN_REPORT: end of a frame of changes
	SynDropped = 3 // SYN_DROPPED: the kernel's buffer overflowed

	AbsCnt = 0x40  // ABS_CNT: number of absolute axis codes
	KeyCnt = 0x300 // KEY_CNT: number of key codes
)
