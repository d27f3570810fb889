package main

import (
	"image"
	"time"

	"payterm/drivers/camera"
	"payterm/firmware/checkout"
	"payterm/internal/face"
)

// livePipeline is internal/face's pipeline as the face capture drives it.
type livePipeline struct{ p *face.Pipeline }

func newFacePipeline() (facePipeline, error) {
	p, err := face.NewPipeline(face.Config{})
	if err != nil {
		return nil, err
	}
	return livePipeline{p}, nil
}

// Feed takes the frame itself, so the crop is in colour.
func (l livePipeline) Feed(f *camera.Frame, now time.Time) faceResult {
	r := l.p.FeedFrame(f, now)
	return faceResult{Hint: faceHint(r.Guidance), Box: r.Box, Progress: r.Progress, Done: r.Done}
}

func (l livePipeline) Crop() []byte { return l.p.Crop() }
func (l livePipeline) Reset()       { l.p.Reset() }

// faceHint is the checkout's name for the pipeline's guidance.
func faceHint(g face.Guidance) checkout.FaceHint {
	switch g {
	case face.MoveCloser:
		return checkout.FaceMoveCloser
	case face.MoveBack:
		return checkout.FaceMoveBack
	case face.Centre:
		return checkout.FaceCentre
	case face.HoldStill:
		return checkout.FaceHoldStill
	case face.TooDark:
		return checkout.FaceTooDark
	case face.TooBright:
		return checkout.FaceTooBright
	case face.OnlyOne:
		return checkout.FaceOnlyOne
	case face.FaceCamera:
		return checkout.FaceTheCamera
	case face.NotLive:
		return checkout.FaceNotLive
	case face.Ready:
		return checkout.FaceReady
	}
	return checkout.FaceLook
}

// frameLuma is a frame's luma for the preview, into dst when it fits.
func frameLuma(f *camera.Frame, dst *image.Gray) *image.Gray { return camera.Luma(f, dst) }

func wipeCrop(b []byte) { face.Wipe(b) }
