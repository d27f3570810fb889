package poslink

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"hash"
)

// NexoCrypto as Adyen's local Terminal API uses it (AdyenCryptoVersion 1):
//
//	PBKDF2-HMAC-SHA1(passphrase, "AdyenNexoV1Salt", 4000 iterations) → 80 bytes
//	  = HMAC key (32) | AES-256 key (32) | IV (16)
//	NexoBlob = AES-256-CBC(PKCS#7(plaintext)), IV = derived IV XOR Nonce
//	Hmac     = HMAC-SHA256(HMAC key, plaintext)
//
// The MAC covers the plaintext, not the ciphertext, so a receiver must
// decrypt before it can authenticate, and the plaintext's length depends
// on the padding. To give a padding oracle nothing to read, Open does the
// same work whatever the padding says and reports every failure as the
// same ErrAuthentication.
const (
	nexoSalt       = "AdyenNexoV1Salt"
	nexoIterations = 4000
	hmacKeySize    = 32
	cipherKeySize  = 32
	ivSize         = aes.BlockSize
	macSize        = sha256.Size
)

// DerivedKey is the key material derived from one passphrase. It is
// immutable and safe for concurrent use.
type DerivedKey struct {
	hmacKey   [hmacKeySize]byte
	cipherKey [cipherKeySize]byte
	iv        [ivSize]byte
}

// DeriveKey derives the HMAC key, AES key and IV from a passphrase. The
// passphrase is used as its bytes; Adyen's libraries read it as Latin-1,
// so only ASCII passphrases mean the same on both sides.
func DeriveKey(passphrase string) (*DerivedKey, error) {
	if passphrase == "" {
		return nil, fmt.Errorf("poslink: derive key: empty passphrase")
	}
	b, err := pbkdf2.Key(sha1.New, passphrase, []byte(nexoSalt), nexoIterations, hmacKeySize+cipherKeySize+ivSize)
	if err != nil {
		return nil, fmt.Errorf("poslink: derive key: %w", err)
	}
	k := new(DerivedKey)
	copy(k.hmacKey[:], b[:hmacKeySize])
	copy(k.cipherKey[:], b[hmacKeySize:hmacKeySize+cipherKeySize])
	copy(k.iv[:], b[hmacKeySize+cipherKeySize:])
	return k, nil
}

// Seal encrypts plaintext under a fresh random nonce and returns the
// ciphertext (NexoBlob before base64), the 16-byte nonce and the 32-byte
// HMAC.
func (k *DerivedKey) Seal(plaintext []byte) (blob, nonce, mac []byte) {
	nonce = make([]byte, ivSize)
	rand.Read(nonce) // never fails (crypto/rand, Go ≥ 1.24)
	return k.sealWithNonce(plaintext, nonce), nonce, k.mac(plaintext)
}

func (k *DerivedKey) sealWithNonce(plaintext, nonce []byte) []byte {
	pad := ivSize - len(plaintext)%ivSize
	buf := make([]byte, len(plaintext)+pad)
	copy(buf, plaintext)
	for i := len(plaintext); i < len(buf); i++ {
		buf[i] = byte(pad)
	}
	block, _ := aes.NewCipher(k.cipherKey[:]) // 32-byte key: cannot fail
	cipher.NewCBCEncrypter(block, k.ivFor(nonce)).CryptBlocks(buf, buf)
	return buf
}

// Open decrypts blob and checks mac over the plaintext. Every failure —
// a nonce, blob or MAC of the wrong size, a wrong key, a tampered blob,
// nonce or MAC, a bad padding — is the same ErrAuthentication, reached
// after the same work for a blob of that size: the MAC is computed over
// every plaintext length the padding could leave (fixed work) before the
// padding is looked at, and the two checks are combined without
// branching, so that neither the answer nor its timing is a padding
// oracle.
func (k *DerivedKey) Open(blob, nonce, mac []byte) ([]byte, error) {
	sizeOK := len(nonce) == ivSize && len(blob) > 0 && len(blob)%aes.BlockSize == 0
	if !sizeOK {
		// Decrypt a stand-in of about that size, to take the same path.
		blob = make([]byte, max(ivSize, len(blob)&^(ivSize-1)))
		nonce = make([]byte, ivSize)
	}
	buf := make([]byte, len(blob))
	block, _ := aes.NewCipher(k.cipherKey[:])
	cipher.NewCBCDecrypter(block, k.ivFor(nonce)).CryptBlocks(buf, blob)

	n, padOK := unpadLen(buf)
	sum := k.macOfPrefix(buf, n)
	macOK := subtle.ConstantTimeCompare(sum, mac) // 0 on length mismatch too
	if padOK&macOK != 1 || !sizeOK {
		return nil, ErrAuthentication
	}
	return buf[:n], nil
}

// macOfPrefix is the HMAC of buf[:n] for any n in len(buf)-ivSize ..
// len(buf), computed with the same work whatever n is: the inner hash of
// the common prefix is finished for each of the ivSize+1 candidate
// lengths and the one for n is picked in constant time. len(buf) ≥ ivSize.
func (k *DerivedKey) macOfPrefix(buf []byte, n int) []byte {
	var ipad, opad [sha256.BlockSize]byte
	copy(ipad[:], k.hmacKey[:])
	copy(opad[:], k.hmacKey[:])
	for i := range ipad {
		ipad[i] ^= 0x36
		opad[i] ^= 0x5c
	}
	common := len(buf) - ivSize
	inner := sha256.New()
	inner.Write(ipad[:])
	inner.Write(buf[:common])
	var picked, cand [sha256.Size]byte
	for extra := 0; extra <= ivSize; extra++ {
		h, _ := inner.(hash.Cloner).Clone() // sha256 clones without error
		h.Write(buf[common : common+extra])
		h.Sum(cand[:0])
		subtle.ConstantTimeCopy(subtle.ConstantTimeEq(int32(common+extra), int32(n)), picked[:], cand[:])
	}
	outer := sha256.New()
	outer.Write(opad[:])
	outer.Write(picked[:])
	return outer.Sum(nil)
}

// unpadLen returns the length of buf without its PKCS#7 padding and 1 if
// the padding is valid; on invalid padding it returns len(buf) and 0. It
// looks at the last block without branching on its content. len(buf) is
// a non-zero multiple of the block size.
func unpadLen(buf []byte) (int, int) {
	n := len(buf)
	p := int(buf[n-1])
	ok := subtle.ConstantTimeLessOrEq(1, p) & subtle.ConstantTimeLessOrEq(p, ivSize)
	for i := 1; i <= ivSize; i++ {
		inPad := subtle.ConstantTimeLessOrEq(i, p)
		same := subtle.ConstantTimeByteEq(buf[n-i], byte(p))
		ok &= (inPad ^ 1) | same
	}
	return subtle.ConstantTimeSelect(ok, n-p, n), ok
}

func (k *DerivedKey) ivFor(nonce []byte) []byte {
	iv := make([]byte, ivSize)
	subtle.XORBytes(iv, k.iv[:], nonce)
	return iv
}

func (k *DerivedKey) mac(plaintext []byte) []byte {
	m := hmac.New(sha256.New, k.hmacKey[:])
	m.Write(plaintext)
	return m.Sum(nil)
}
