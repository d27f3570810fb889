package document

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzReply: whatever a (possibly crashed or compromised) renderer
// writes, the firmware's side parses it into an error or a page of the
// size it asked for, never a panic.
func FuzzReply(f *testing.F) {
	var ok, fail bytes.Buffer
	writeMsg(&ok, msgOK, []byte{0, 0, 0, 1, 0, 0, 0, 1, 255, 255, 255, 255})
	writeMsg(&fail, msgFailed, failure(ErrBroken))
	f.Add(ok.Bytes())
	f.Add(fail.Bytes())
	f.Add([]byte{msgOK, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		kind, payload, err := readMsg(bytes.NewReader(b), 1<<16)
		if err != nil {
			return
		}
		switch kind {
		case msgOK:
			img, err := decodePage(payload, 1)
			if err == nil && (img.Rect.Dx() != 1 || len(img.Pix) != 4*img.Rect.Dy()) {
				t.Fatalf("page %v with %d bytes", img.Rect, len(img.Pix))
			}
		case msgFailed:
			if failed(payload) == nil {
				t.Fatal("a failure parsed as no error")
			}
		}
	})
}

func TestFailureKeepsSentinel(t *testing.T) {
	for _, want := range []error{ErrBroken, ErrTooLarge, ErrUnavailable} {
		if got := failed(failure(want)); !errors.Is(got, want) {
			t.Errorf("%v came back as %v", want, got)
		}
	}
}
