package journal

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// formatVersion is the first byte of every entry stored now. Format 1
// (before Ref, Request, Amount and Currency) is still read and verified.
const (
	formatV1      = 1
	formatVersion = 2
)

// hashDomains separate each format's encoding from any other SHA-256
// input; a new format gets a new domain.
var hashDomains = [...]string{formatV1: "payterm/journal/v1", formatVersion: "payterm/journal/v2"}

// formatOf is e's format, the current one for a new entry.
func formatOf(e *Entry) byte {
	if e.format == 0 {
		return formatVersion
	}
	return e.format
}

// A stored entry is:
//
//	version  1 byte (formatVersion, or formatV1 for old entries)
//	body     see appendBody
//	prev     32 bytes
//	hash     32 bytes
//	sig      64 bytes
//
// and the body, also the canonical encoding that is hashed (after the
// domain), is
//
//	seq      uint64 big-endian
//	time     int64 big-endian, Unix nanoseconds
//	kind     uint32 big-endian length, bytes
//	order    32 bytes
//	method   uint32 big-endian length, bytes
//	detail   uint32 big-endian length, bytes
//
// and from format 2 on
//
//	ref      uint32 big-endian length, bytes
//	request  uint32 big-endian length, bytes
//	amount   int64 big-endian
//	currency uint32 big-endian length, bytes
//	reference uint32 big-endian length, bytes
//	status   uint32 big-endian length, bytes
//
// Every field has one encoding, so equal entries encode alike and decoding
// followed by encoding gives back the stored bytes.
func appendBody(dst []byte, e *Entry) []byte {
	dst = binary.BigEndian.AppendUint64(dst, e.Seq)
	dst = binary.BigEndian.AppendUint64(dst, uint64(e.Time.UnixNano()))
	dst = appendString(dst, e.Kind)
	dst = append(dst, e.OrderHash[:]...)
	dst = appendString(dst, e.Method)
	dst = appendString(dst, e.Detail)
	if formatOf(e) == formatV1 {
		return dst
	}
	dst = appendString(dst, e.Ref)
	dst = appendString(dst, e.Request)
	dst = binary.BigEndian.AppendUint64(dst, uint64(e.Amount))
	dst = appendString(dst, e.Currency)
	dst = appendString(dst, e.Reference)
	return appendString(dst, e.Status)
}

func appendString(dst []byte, s string) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(s)))
	return append(dst, s...)
}

// hashEntry is SHA-256(prev || domain || body).
func hashEntry(e *Entry) Digest {
	h := sha256.New()
	h.Write(e.Prev[:])
	h.Write(appendString(nil, hashDomains[formatOf(e)]))
	h.Write(appendBody(nil, e))
	var d Digest
	h.Sum(d[:0])
	return d
}

// encodeEntry is the stored form of e.
func encodeEntry(e *Entry) []byte {
	b := appendBody([]byte{formatOf(e)}, e)
	b = append(b, e.Prev[:]...)
	b = append(b, e.Hash[:]...)
	return append(b, e.Sig...)
}

// decodeEntry parses a stored entry. It checks the form, not the chain:
// lengths must fit exactly, and the text fields must be within limits.
func decodeEntry(b []byte) (Entry, error) {
	d := decoder{b: b}
	v := d.bytes(1)
	if v == nil || (v[0] != formatV1 && v[0] != formatVersion) {
		return Entry{}, errors.New("unknown format version")
	}
	e := Entry{format: v[0]}
	e.Seq = d.uint64()
	e.Time = time.Unix(0, int64(d.uint64())).UTC()
	e.Kind = d.string(maxKind)
	copy(e.OrderHash[:], d.bytes(len(e.OrderHash)))
	e.Method = d.string(maxMethod)
	e.Detail = d.string(maxDetail)
	if e.format != formatV1 {
		e.Ref = d.string(maxRef)
		e.Request = d.string(maxRequest)
		e.Amount = int64(d.uint64())
		e.Currency = d.string(maxCurrency)
		e.Reference = d.string(maxRef)
		e.Status = d.string(maxStatus)
	}
	copy(e.Prev[:], d.bytes(len(e.Prev)))
	copy(e.Hash[:], d.bytes(len(e.Hash)))
	e.Sig = append([]byte(nil), d.bytes(ed25519.SignatureSize)...)
	if d.err != nil {
		return Entry{}, d.err
	}
	if len(d.b) != 0 {
		return Entry{}, fmt.Errorf("%d bytes after the signature", len(d.b))
	}
	return e, nil
}

// decoder reads fields off b; the first failure sticks and later reads
// return zero values.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) bytes(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || n > len(d.b) {
		d.err = errors.New("entry cut short")
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) uint64() uint64 {
	if v := d.bytes(8); v != nil {
		return binary.BigEndian.Uint64(v)
	}
	return 0
}

func (d *decoder) string(limit int) string {
	v := d.bytes(4)
	if v == nil {
		return ""
	}
	n := binary.BigEndian.Uint32(v)
	if n > uint32(limit) {
		d.err = fmt.Errorf("text field of %d bytes, over %d", n, limit)
		return ""
	}
	return string(d.bytes(int(n)))
}

func (d *decoder) uint32() uint32 {
	if v := d.bytes(4); v != nil {
		return binary.BigEndian.Uint32(v)
	}
	return 0
}
