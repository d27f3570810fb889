package face

import "fmt"

// Guidance is what the customer should do next, one per frame.
type Guidance int

const (
	NoFace     Guidance = iota // no face in view
	MoveCloser                 // the face is too small
	MoveBack                   // the face is too large
	Centre                     // the face is off centre or cut by the frame's edge
	HoldStill                  // blurred, or moving between frames
	TooDark                    // the face (or, with no face, the frame) is underexposed
	TooBright                  // the face is overexposed
	OnlyOne                    // more than one face in view
	FaceCamera                 // the head is turned or tilted too far
	NotLive                    // a whole window passed without natural motion
	Ready                      // all gates pass: hold on while the window fills
)

var guidanceKeys = [...]string{"no-face", "move-closer", "move-back", "centre", "hold-still", "too-dark",
	"too-bright", "only-one", "face-camera", "not-live", "ready"}

// String gives a stable English key (for logs and the UI's catalogue).
func (g Guidance) String() string {
	if g >= 0 && int(g) < len(guidanceKeys) {
		return guidanceKeys[g]
	}
	return fmt.Sprintf("guidance-%d", int(g))
}
