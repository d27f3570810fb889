package poslink

import (
	"encoding/base64"
	"fmt"
)

// sealKey is the key a message arrived under; its reply goes out under
// the same one.
type sealKey struct {
	ref           keyRef
	cryptoVersion int // echoed in the reply's trailer
	dk            *DerivedKey
}

// sealEnvelope encrypts a whole inner message (plain, its own
// {"<root>":{...}} JSON) and wraps it in an envelope headed by h.
func sealEnvelope(root string, h MessageHeader, plain []byte, k sealKey) ([]byte, error) {
	blob, nonce, mac := k.dk.Seal(plain)
	return marshalEnvelope(root,
		field{"MessageHeader", h},
		field{"NexoBlob", base64.StdEncoding.EncodeToString(blob)},
		field{"SecurityTrailer", SecurityTrailer{
			AdyenCryptoVersion: k.cryptoVersion,
			KeyIdentifier:      k.ref.id,
			KeyVersion:         k.ref.version,
			Nonce:              nonce,
			Hmac:               mac,
		}},
	)
}

// keyFor finds the key a secured envelope names. The errors are
// ErrUnknownKey and ErrMessageFormat.
func keyFor(e *envelope, keys *Keys) (sealKey, error) {
	t := e.Trailer
	if t == nil {
		return sealKey{}, fmt.Errorf("NexoBlob without SecurityTrailer: %w", ErrMessageFormat)
	}
	// Adyen's libraries copy AdyenCryptoVersion from the caller's key
	// settings, and examples use 0 as well as 1 for the same scheme.
	if t.AdyenCryptoVersion != 0 && t.AdyenCryptoVersion != CryptoVersion {
		return sealKey{}, fmt.Errorf("AdyenCryptoVersion %d: %w", t.AdyenCryptoVersion, ErrUnknownKey)
	}
	dk, ok := keys.lookup(t.KeyIdentifier, t.KeyVersion)
	if !ok {
		return sealKey{}, fmt.Errorf("key %.64q version %d: %w", t.KeyIdentifier, t.KeyVersion, ErrUnknownKey)
	}
	return sealKey{ref: keyRef{t.KeyIdentifier, t.KeyVersion}, cryptoVersion: t.AdyenCryptoVersion, dk: dk}, nil
}

// openEnvelope decrypts a secured envelope with k and parses the message
// inside. The inner header is the authenticated one; it must match the
// outer header exactly, or the outer one lies about what it carries.
func openEnvelope(e *envelope, k sealKey) (envelope, error) {
	plain, err := openBlob(e, k)
	if err != nil {
		return envelope{}, err
	}
	in, err := splitEnvelope(plain)
	if err != nil {
		return in, fmt.Errorf("encrypted message: %w", err)
	}
	switch {
	case in.Secured():
		return in, fmt.Errorf("encrypted message is encrypted again: %w", ErrMessageFormat)
	case in.Root != e.Root:
		return in, fmt.Errorf("encrypted %s inside %s: %w", in.Root, e.Root, ErrMessageFormat)
	case in.Header != e.Header:
		return in, fmt.Errorf("MessageHeader differs from the encrypted one: %w", ErrMessageFormat)
	}
	return in, nil
}

// openBlob decrypts and authenticates the NexoBlob of a secured envelope.
// A blob that is not base64 takes the same path as one that fails its
// HMAC (Open decrypts a stand-in of that size) and gets the same bare
// ErrAuthentication: nothing in the answer or its timing tells the sender
// which part of a forgery was wrong.
func openBlob(e *envelope, k sealKey) ([]byte, error) {
	blob, err := base64.StdEncoding.DecodeString(e.Blob)
	if err != nil {
		blob = make([]byte, base64.StdEncoding.DecodedLen(len(e.Blob)))
	}
	plain, openErr := k.dk.Open(blob, e.Trailer.Nonce, e.Trailer.Hmac)
	if err != nil || openErr != nil {
		return nil, ErrAuthentication
	}
	return plain, nil
}

// EncryptMessage encrypts a plain nexo message (a whole SaleToPOIRequest
// or SaleToPOIResponse) under key as Adyen's NexoCrypto does: the same
// MessageHeader outside, the whole message inside NexoBlob. For tools
// and tests; Client and Server encrypt on their own.
func EncryptMessage(message []byte, key SecurityKey) ([]byte, error) {
	e, err := splitEnvelope(message)
	if err != nil {
		return nil, fmt.Errorf("poslink: encrypt: %w", err)
	}
	if e.Secured() {
		return nil, fmt.Errorf("poslink: encrypt: message is encrypted already")
	}
	dk, err := DeriveKey(key.Passphrase)
	if err != nil {
		return nil, err
	}
	k := sealKey{ref: keyRef{key.KeyIdentifier, key.KeyVersion}, cryptoVersion: CryptoVersion, dk: dk}
	return sealEnvelope(e.Root, e.Header, message, k)
}

// DecryptMessage returns the plain message inside an encrypted one after
// checking its HMAC with the matching key of keys; a plain message comes
// back unchanged.
func DecryptMessage(message []byte, keys *Keys) ([]byte, error) {
	e, err := splitEnvelope(message)
	if err != nil {
		return nil, fmt.Errorf("poslink: decrypt: %w", err)
	}
	if !e.Secured() {
		return message, nil
	}
	k, err := keyFor(&e, keys)
	if err != nil {
		return nil, fmt.Errorf("poslink: decrypt: %w", err)
	}
	plain, err := openBlob(&e, k)
	if err != nil {
		return nil, fmt.Errorf("poslink: decrypt: %w", err)
	}
	return plain, nil
}
