package checkout

import (
	"image"
	"math"
	"time"
)

// FaceHint is the camera pipeline's advice to the customer while a face
// is captured. The zero value, FaceLook, means no face is seen yet.
type FaceHint int

const (
	FaceLook       FaceHint = iota // no face in view: look at the camera
	FaceMoveCloser                 // face too small
	FaceMoveBack                   // face too large or cut by the frame
	FaceCentre                     // face off centre
	FaceHoldStill                  // face moving or blurred
	FaceTooDark
	FaceTooBright
	FaceOnlyOne   // more than one face in view
	FaceTheCamera // head turned: face the camera
	FaceNotLive   // no motion or blink across frames yet: blink or move slightly
	FaceReady     // a usable face: capturing
)

var faceHintNames = [...]string{"look", "move-closer", "move-back", "centre", "hold-still", "too-dark", "too-bright", "only-one", "face-camera", "not-live", "ready"}

func (h FaceHint) String() string {
	if h >= 0 && int(h) < len(faceHintNames) {
		return faceHintNames[h]
	}
	return "hint?"
}

// FaceGuidance: the face pipeline's latest advice. It updates the face
// screen while a face is being captured and is ignored otherwise; it
// changes no phase and no deadline.
type FaceGuidance struct {
	Hint FaceHint
	// Box is the face found, in camera frame pixels; empty for none.
	Box image.Rectangle
	// Frame is the camera frame's size, the space Box is in.
	Frame image.Point
	// Progress is how far the capture is, 0 to 1.
	Progress float64
}

// FaceView is the face screen's live part (View.Face, ScreenFace only).
type FaceView struct {
	Hint  FaceHint
	Box   image.Rectangle // camera frame pixels; empty for none
	Frame image.Point     // camera frame size; zero before the first guidance
	// Progress is the capture's progress in percent, 0–100.
	Progress int
	// Left is the whole seconds left before the capture times out; 0
	// before the phase's deadline is known.
	Left int
}

func (FaceGuidance) isEvent() {}

// onGuidance shows the pipeline's advice while a face is wanted.
func onGuidance(s State, g FaceGuidance) (State, []Effect) {
	if s.phase != Capturing || s.method != Face {
		return s, nil
	}
	f := s.face
	f.Hint, f.Box, f.Frame = g.Hint, g.Box.Canon(), g.Frame
	if f.Box.Empty() {
		f.Box = image.Rectangle{}
	}
	f.Progress = int(math.Round(100 * min(max(g.Progress, 0), 1)))
	return s.showFace(f)
}

// faceCountdown updates the seconds left on the face screen once a Tick
// has armed or moved it.
func (s State) faceCountdown() (State, []Effect) {
	if s.phase != Capturing || s.method != Face || !s.armed {
		return s, nil
	}
	f := s.face
	f.Left = secondsLeft(s.deadline.Sub(s.now))
	return s.showFace(f)
}

// showFace shows f when it differs from what is on screen.
func (s State) showFace(f FaceView) (State, []Effect) {
	if f == s.face {
		return s, nil
	}
	s.face = f
	return s, []Effect{s.show(s.sessionView(ScreenFace, ""))}
}

// secondsLeft rounds d up to whole seconds, never below 0.
func secondsLeft(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	return int((d + time.Second - 1) / time.Second)
}
