package evdev

// Snapshot is a device's current state as the EVIOCG* ioctls report it; the
// decoder resynchronises from it after SYN_DROPPED.
type Snapshot struct {
	Touching bool  // BTN_TOUCH or BTN_LEFT is held
	X, Y     int32 // ABS_X, ABS_Y
	// Slot is the current ABS_MT_SLOT; Slots holds every slot from 0, and
	// is empty for single-touch devices.
	Slot  int32
	Slots []SlotState
}

// SlotState is one multi-touch slot. TrackingID -1 means no contact.
type SlotState struct {
	TrackingID int32
	X, Y       int32 // ABS_MT_POSITION_X, ABS_MT_POSITION_Y
}
