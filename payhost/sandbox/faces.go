package sandbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"

	bolt "go.etcd.io/bbolt"

	"payterm/payhost"
	"payterm/payhost/facerec"
)

// Recognizer turns an aligned facerec.InputSize² face crop into a
// descriptor; *facerec.Net is one. It must be safe for concurrent use.
type Recognizer interface {
	Descriptor(img image.Image) (facerec.Descriptor, error)
}

// Cropper turns one still photo into an aligned JPEG crop
// (internal/face.CropPhoto), refusing photos without exactly one usable
// face.
type Cropper func(photo image.Image) ([]byte, error)

// Limits of enrolment.
const (
	// MaxEnrolBytes caps a POST /accounts/{id}/faces body (a photo).
	MaxEnrolBytes = 16 << 20
	// MaxPhotoPixels caps a photo's width × height before it is decoded.
	MaxPhotoPixels = 40 << 20
)

// Errors of enrolment, matched with errors.Is.
var (
	// ErrFacesOff: the host was opened without a Recognizer (or, for a
	// photo, without a Cropper).
	ErrFacesOff = errors.New("face enrolment is not configured")
)

// NewFace enrols a face; the JSON form is POST /accounts/{id}/faces's
// body, each image base64 in JSON. Exactly one is set. The image is
// turned into a descriptor and forgotten: only the descriptor is stored.
type NewFace struct {
	// CropJPEG is an aligned facerec.InputSize² crop, as a terminal seals.
	CropJPEG []byte `json:"crop_jpeg,omitempty"`
	// PhotoJPEG is a photo with one face, cropped by Options.Cropper.
	PhotoJPEG []byte `json:"photo_jpeg,omitempty"`
}

// Validate checks that exactly one image is given; errors wrap
// payhost.ErrInvalidRequest. The images themselves are checked when
// decoded.
func (n NewFace) Validate() error {
	if (len(n.CropJPEG) == 0) == (len(n.PhotoJPEG) == 0) {
		return fmt.Errorf("sandbox: face: %w: give exactly one of crop_jpeg and photo_jpeg", payhost.ErrInvalidRequest)
	}
	return nil
}

// Enrolled answers an enrolment: the account and how many faces it has.
type Enrolled struct {
	AccountID string `json:"account_id"`
	Faces     int    `json:"faces"`
}

// EnrolFace adds a face to the account: the photo is cropped (PhotoJPEG)
// or the crop taken as is (CropJPEG), its descriptor stored under the
// account and added to the identification gallery. An image that does
// not decode, a crop of the wrong size or a photo the Cropper refuses
// wraps payhost.ErrInvalidRequest.
func (h *Host) EnrolFace(ctx context.Context, accountID string, n NewFace) (Enrolled, error) {
	if err := n.Validate(); err != nil {
		return Enrolled{}, err
	}
	if err := ctx.Err(); err != nil {
		return Enrolled{}, fmt.Errorf("sandbox: enrol face: %w", err)
	}
	if _, err := h.Account(ctx, accountID); err != nil {
		return Enrolled{}, err
	}
	d, err := h.enrolDescriptor(n)
	if err != nil {
		return Enrolled{}, fmt.Errorf("sandbox: enrol face for %s: %w", accountID, err)
	}
	err = h.db.Update(func(tx *bolt.Tx) error {
		if _, err := loadAccount(tx, accountID); err != nil {
			return err
		}
		seq, err := nextSeq(tx, bucketFaces)
		if err != nil {
			return err
		}
		return putJSON(tx, bucketFaces, seqKey(seq), faceRecord{AccountID: accountID, Descriptor: d[:], EnrolledAt: h.clock()})
	})
	if err != nil {
		return Enrolled{}, fmt.Errorf("sandbox: enrol face for %s: %w", accountID, err)
	}
	faces := h.gallery.add(accountID, d)
	h.log.Info("face enrolled", "account", accountID, "faces", faces)
	return Enrolled{AccountID: accountID, Faces: faces}, nil
}

// enrolDescriptor decodes and crops the enrolment's image and computes
// its descriptor; the image bytes are not kept.
func (h *Host) enrolDescriptor(n NewFace) (facerec.Descriptor, error) {
	if h.recog == nil {
		return facerec.Descriptor{}, ErrFacesOff
	}
	crop := n.CropJPEG
	if len(n.PhotoJPEG) > 0 {
		if h.crop == nil {
			return facerec.Descriptor{}, fmt.Errorf("%w: no cropper for photos (send crop_jpeg)", ErrFacesOff)
		}
		photo, err := decodeJPEG(n.PhotoJPEG, 0)
		if err != nil {
			return facerec.Descriptor{}, err
		}
		if crop, err = h.crop(photo); err != nil {
			return facerec.Descriptor{}, fmt.Errorf("%w: photo: %w", payhost.ErrInvalidRequest, err)
		}
		defer clear(crop)
	}
	return h.describe(crop)
}

// describe decodes a facerec.InputSize² JPEG crop and runs the network.
func (h *Host) describe(crop []byte) (facerec.Descriptor, error) {
	img, err := decodeJPEG(crop, facerec.InputSize)
	if err != nil {
		return facerec.Descriptor{}, err
	}
	d, err := h.recog.Descriptor(img)
	if err != nil {
		return facerec.Descriptor{}, fmt.Errorf("%w: %w", payhost.ErrInvalidRequest, err)
	}
	return d, nil
}

// decodeJPEG decodes b, checking its size from the header first: side
// pixels square when side > 0, at most MaxPhotoPixels otherwise.
func decodeJPEG(b []byte, side int) (image.Image, error) {
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%w: not a JPEG: %w", payhost.ErrInvalidRequest, err)
	}
	switch {
	case side > 0 && (cfg.Width != side || cfg.Height != side):
		return nil, fmt.Errorf("%w: crop is %dx%d, want %dx%d", payhost.ErrInvalidRequest, cfg.Width, cfg.Height, side, side)
	case cfg.Width*cfg.Height > MaxPhotoPixels:
		return nil, fmt.Errorf("%w: photo of %dx%d is too large", payhost.ErrInvalidRequest, cfg.Width, cfg.Height)
	}
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%w: JPEG: %w", payhost.ErrInvalidRequest, err)
	}
	return img, nil
}

// loadGallery fills the in-memory gallery from the database at Open.
func (h *Host) loadGallery() error {
	return h.db.View(func(tx *bolt.Tx) error {
		var bad error
		err := forEachJSON(tx, bucketFaces, func(key string, f *faceRecord) {
			if len(f.Descriptor) != len(facerec.Descriptor{}) {
				bad = fmt.Errorf("face %x: descriptor of %d numbers", key, len(f.Descriptor))
				return
			}
			h.gallery.add(f.AccountID, facerec.Descriptor(f.Descriptor))
		})
		if err == nil {
			err = bad
		}
		return err
	})
}
