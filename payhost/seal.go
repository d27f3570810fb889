package payhost

import (
	"crypto/ecdh"
	"crypto/hpke"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
)

// The face crop's sealing: HPKE (RFC 9180) base mode with
// DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and AES-128-GCM, to the payment
// system's face key. A token is unpadded base64url of enc ‖ ciphertext.
var (
	faceKEM  = hpke.DHKEM(ecdh.X25519())
	faceKDF  = hpke.HKDFSHA256()
	faceAEAD = hpke.AES128GCM()
)

// Sizes of the sealing.
const (
	// MaxFaceToken bounds a sealed crop's token (32 KiB): a 150×150 JPEG
	// at q=92 is about 12 KiB, 16 KiB once sealed and encoded.
	MaxFaceToken = 32 << 10
	// FaceKeySize is the length of a face key, public or private (X25519).
	FaceKeySize = 32
	faceEncSize = 32 // HPKE enc: the ephemeral X25519 public key
	faceTagSize = 16 // AES-GCM tag
)

// ErrFaceToken: a face token that is malformed, or does not open with the
// key and binding given (another order, another terminal, another key,
// altered in transit). The cases are not told apart, on purpose.
var ErrFaceToken = errors.New("face token does not open")

// FaceBinding is what a sealed crop is bound to: opening it for any other
// terminal or order fails. Both fields are taken byte for byte, so seal
// with the forms the PayRequest will carry (TerminalID as sent, OrderHash
// in lowercase hex).
type FaceBinding struct {
	TerminalID string
	OrderHash  string
}

// info is the HPKE info string: a label, then each field length-prefixed
// so no two bindings encode alike.
func (b FaceBinding) info() []byte {
	out := []byte("payterm face crop v1")
	for _, s := range []string{b.TerminalID, b.OrderHash} {
		out = binary.BigEndian.AppendUint32(out, uint32(len(s)))
		out = append(out, s...)
	}
	return out
}

// SealFace seals crop (the aligned JPEG) to the payment system's face key
// hostPub (FaceKeySize bytes, as GET /v1/face-key gives it in hex) for
// binding b. The caller sends FacePrefix+token as the AuthCode and wipes
// crop. A crop too large for MaxFaceToken is an error.
func SealFace(hostPub []byte, crop []byte, b FaceBinding) (token string, err error) {
	if len(crop) == 0 {
		return "", errors.New("payhost: seal face: empty crop")
	}
	if n := base64.RawURLEncoding.EncodedLen(faceEncSize + len(crop) + faceTagSize); n > MaxFaceToken {
		return "", fmt.Errorf("payhost: seal face: crop of %d bytes makes a %d-byte token, limit %d", len(crop), n, MaxFaceToken)
	}
	pub, err := faceKEM.NewPublicKey(hostPub)
	if err != nil {
		return "", fmt.Errorf("payhost: seal face: host key: %w", err)
	}
	sealed, err := hpke.Seal(pub, faceKDF, faceAEAD, b.info(), crop)
	if err != nil {
		return "", fmt.Errorf("payhost: seal face: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(sealed), nil
}

// FaceKey is the payment system's private face key.
type FaceKey struct{ k hpke.PrivateKey }

// NewFaceKey draws a new face key from crypto/rand.
func NewFaceKey() (*FaceKey, error) {
	k, err := faceKEM.GenerateKey()
	if err != nil {
		return nil, fmt.Errorf("payhost: face key: %w", err)
	}
	return &FaceKey{k: k}, nil
}

// ParseFaceKey reads a private face key of FaceKeySize bytes (Bytes's
// output).
func ParseFaceKey(b []byte) (*FaceKey, error) {
	if len(b) != FaceKeySize {
		return nil, fmt.Errorf("payhost: face key: %d bytes, want %d", len(b), FaceKeySize)
	}
	k, err := faceKEM.NewPrivateKey(b)
	if err != nil {
		return nil, fmt.Errorf("payhost: face key: %w", err)
	}
	return &FaceKey{k: k}, nil
}

// Bytes is the private key, for storing it; a secret.
func (k *FaceKey) Bytes() []byte {
	b, err := k.k.Bytes()
	if err != nil { // X25519 keys always serialise
		panic("payhost: face key: " + err.Error())
	}
	return b
}

// Public is the public key terminals seal to (FaceKeySize bytes).
func (k *FaceKey) Public() []byte { return k.k.PublicKey().Bytes() }

// String masks the key so that it never reaches a log.
func (k *FaceKey) String() string { return "payhost.FaceKey(X25519, private)" }

// OpenFace opens a token SealFace made for k's public key and binding b,
// returning the crop. Any failure wraps ErrFaceToken.
func OpenFace(k *FaceKey, token string, b FaceBinding) ([]byte, error) {
	sealed, err := decodeFaceToken(token)
	if err != nil {
		return nil, err
	}
	crop, err := hpke.Open(k.k, faceKDF, faceAEAD, b.info(), sealed)
	if err != nil {
		return nil, fmt.Errorf("payhost: open face: %w", ErrFaceToken)
	}
	return crop, nil
}

// decodeFaceToken checks a token's size and alphabet and decodes it.
func decodeFaceToken(token string) ([]byte, error) {
	if len(token) > MaxFaceToken {
		return nil, fmt.Errorf("payhost: open face: %w: longer than %d bytes", ErrFaceToken, MaxFaceToken)
	}
	sealed, err := base64.RawURLEncoding.Strict().DecodeString(token)
	if err != nil {
		return nil, fmt.Errorf("payhost: open face: %w: not base64url", ErrFaceToken)
	}
	if len(sealed) < faceEncSize+faceTagSize+1 {
		return nil, fmt.Errorf("payhost: open face: %w: %d bytes is too short", ErrFaceToken, len(sealed))
	}
	return sealed, nil
}
