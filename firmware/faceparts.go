package main

import (
	"errors"
	"image"

	"payterm/drivers/camera"
	"payterm/firmware/order"
)

// The face pipeline and the sealing come from internal/face and payhost
// (branches capture and facenet); until they are merged the terminal
// offers no face payment.

var errNoFace = errors.New("face capture is not built into this terminal")

func newFacePipeline() (facePipeline, error) { return nil, errNoFace }

func sealFace(key, crop []byte, poiID string, h order.Hash) (string, error) {
	return "", errNoFace
}

// frameLuma views a gray frame as is, or takes the luma of a YUYV or
// RGBA one into dst.
func frameLuma(f *camera.Frame, dst *image.Gray) *image.Gray {
	if g := f.Gray(); g != nil {
		return g
	}
	r := image.Rect(0, 0, f.Width, f.Height)
	if dst == nil || dst.Rect != r {
		dst = image.NewGray(r)
	}
	if f.Pixels == camera.Raw && f.Stride >= 2*f.Width {
		for y := range f.Height {
			row := f.Pix[y*f.Stride:]
			for x := range f.Width {
				dst.Pix[y*dst.Stride+x] = row[2*x]
			}
		}
	}
	if rgba := f.RGBA(); rgba != nil {
		for y := range f.Height {
			for x := range f.Width {
				o := rgba.PixOffset(x, y)
				dst.Pix[y*dst.Stride+x] = uint8((299*int(rgba.Pix[o]) + 587*int(rgba.Pix[o+1]) + 114*int(rgba.Pix[o+2])) / 1000)
			}
		}
	}
	return dst
}

func wipeCrop(b []byte) { clear(b) }
