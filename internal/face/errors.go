package face

import "errors"

// Errors of CropPhoto, one per failed gate; wrapped, so test with errors.Is.
var (
	ErrNoFace      = errors.New("face: no face found")
	ErrManyFaces   = errors.New("face: more than one face")
	ErrPartialFace = errors.New("face: the face is cut by the picture's edge")
	ErrTooSmall    = errors.New("face: the face is too small")
	ErrTooDark     = errors.New("face: the face is too dark")
	ErrTooBright   = errors.New("face: the face is too bright")
	ErrBlurred     = errors.New("face: the face is blurred")
	ErrPose        = errors.New("face: the face is not turned to the camera")
)

// errorOf maps a failed gate to CropPhoto's error.
func errorOf(g Guidance) error {
	switch g {
	case NoFace:
		return ErrNoFace
	case OnlyOne:
		return ErrManyFaces
	case Centre:
		return ErrPartialFace
	case MoveCloser:
		return ErrTooSmall
	case TooDark:
		return ErrTooDark
	case TooBright:
		return ErrTooBright
	case HoldStill:
		return ErrBlurred
	case FaceCamera:
		return ErrPose
	}
	return nil
}
