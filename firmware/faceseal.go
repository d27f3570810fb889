package main

import (
	"payterm/firmware/order"
	"payterm/payhost"
)

// sealFace seals crop to the payment system's face key, bound to the
// terminal and the order (payhost.SealFace): a token opened for another
// order or terminal fails.
func sealFace(key, crop []byte, poiID string, h order.Hash) (string, error) {
	return payhost.SealFace(key, crop, payhost.FaceBinding{TerminalID: poiID, OrderHash: h.String()})
}
