// Package face turns camera frames (or a still photo) into one aligned
// face crop for the recogniser: pure computation, no I/O, no clock.
//
// Per frame (Pipeline.Feed / FeedFrame, no allocation once warm): luma
// → pigo's face cascade on the half-resolution luma → suppression of
// overlapping windows → pupils, nose, mouth corners and chin (pigo's
// puploc and lp93/lp84/lp82 cascades) → gates in the order a customer
// can act on them: one face, size, whole face in view and centred,
// exposure, pose, sharpness, steadiness. Frames that pass fill a window
// (1 s); the sharpest is kept, and the window must show the face moving
// (liveness) before Done. Crop then aligns that frame's pupils to dlib's
// face-chip layout (150×150, padding 0.25) and encodes a JPEG.
//
// Liveness is a motion check only: a face that stays perfectly still for
// a whole window (a photo on a stand, a frozen or replayed still image)
// is refused with NotLive. An RGB camera cannot tell a live face from a
// printed or on-screen photo moved by hand, a video replayed on a
// screen, or a 3D mask: those all move, and nothing here measures depth,
// skin reflectance or infrared. Against them the payment system must
// rely on something else (the phone-digit confirmation, limits).
//
// Face pixels are never logged or written: the pipeline keeps one frame
// in buffers it reuses and zeroes on Reset; Crop's JPEG is the caller's
// to Wipe.
package face
