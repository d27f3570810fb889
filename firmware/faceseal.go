package main

import (
	"errors"

	"payterm/firmware/order"
)

// Sealing comes from payhost.SealFace (branch facenet); until it is
// merged the terminal offers no face payment (newFaceParts).
const faceSealing = false

var errNoSealing = errors.New("face sealing is not built into this terminal")

func sealFace(key, crop []byte, poiID string, h order.Hash) (string, error) {
	return "", errNoSealing
}
