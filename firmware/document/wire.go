package document

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// The renderer process and the firmware talk over its stdin and stdout in
// messages: a kind byte, a big-endian uint32 length, the payload.
//
//	firmware → renderer: open (the PDF), then render (page, width) …
//	renderer → firmware: ok (open: page count; render: width, height,
//	                     RGBA pixels) or failed (a reason byte, text)
const (
	msgOpen   byte = 'o'
	msgRender byte = 'r'
	msgOK     byte = 'k'
	msgFailed byte = 'f'
)

// Reasons a failed message gives, so the firmware keeps errors.Is.
const (
	reasonBroken byte = iota + 1
	reasonTooLarge
	reasonUnavailable
	reasonOther
)

// maxMessage bounds any message: the largest is a rendered page.
const maxMessage = 16 + 4*MaxPixels

var errMessage = errors.New("document: renderer message malformed")

func writeMsg(w io.Writer, kind byte, payload []byte) error {
	var h [5]byte
	h[0] = kind
	binary.BigEndian.PutUint32(h[1:], uint32(len(payload)))
	if _, err := w.Write(h[:]); err != nil {
		return err
	}
	_, err := w.Write(payload)
	return err
}

// readMsg reads one message of at most max payload bytes.
func readMsg(r io.Reader, max int) (kind byte, payload []byte, err error) {
	var h [5]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(h[1:])
	if int64(n) > int64(max) {
		return 0, nil, fmt.Errorf("%w: %d bytes, at most %d", errMessage, n, max)
	}
	payload = make([]byte, n)
	if got, err := io.ReadFull(r, payload); err != nil {
		return 0, nil, fmt.Errorf("%w: %d of %d bytes: %v", errMessage, got, n, err)
	}
	return h[0], payload, nil
}

// failure is a failed message's payload for err.
func failure(err error) []byte {
	reason := reasonOther
	switch {
	case errors.Is(err, ErrBroken):
		reason = reasonBroken
	case errors.Is(err, ErrTooLarge):
		reason = reasonTooLarge
	case errors.Is(err, ErrUnavailable):
		reason = reasonUnavailable
	}
	return append([]byte{reason}, err.Error()...)
}

// failed turns a failed message's payload back into an error that
// matches the sentinel the renderer saw.
func failed(payload []byte) error {
	if len(payload) == 0 {
		return fmt.Errorf("%w: empty failure", errMessage)
	}
	text := string(payload[1:])
	switch payload[0] {
	case reasonBroken:
		return fmt.Errorf("%w (%s)", ErrBroken, text)
	case reasonTooLarge:
		return fmt.Errorf("%w (%s)", ErrTooLarge, text)
	case reasonUnavailable:
		return fmt.Errorf("%w (%s)", ErrUnavailable, text)
	}
	return errors.New(text)
}
