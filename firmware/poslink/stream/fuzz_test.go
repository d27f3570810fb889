package stream

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

func FuzzDecodeFrame(f *testing.F) {
	data := mustFrame(f, Frame{Kind: KindData, Seq: 1, ID: 2, Payload: []byte(`{"SaleToPOIRequest":{"MessageHeader":{}}}`)})
	ack := mustFrame(f, Frame{Kind: KindAck, Seq: 1})
	nak := mustFrame(f, Frame{Kind: KindNak, Seq: 1})
	f.Add(data)
	f.Add(ack)
	f.Add(nak)
	f.Add(append(append([]byte("noise\x02"), data...), ack...))
	f.Add(data[:len(data)-3])
	f.Add(rawHeader('D', 1, 0, MaxPayload+1))
	f.Add(rawHeader('A', 1, 0, 4))
	f.Add([]byte{STX})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, limit := range []int{MaxPayload, 16, 0} {
			fr, n, err := DecodeFrame(b, limit)
			switch {
			case errors.Is(err, ErrShort):
				if n != 0 {
					t.Fatalf("ErrShort with n = %d", n)
				}
			case n < 1 || n > len(b):
				t.Fatalf("n = %d of %d bytes, err %v", n, len(b), err)
			case err == nil:
				if len(fr.Payload) > limit {
					t.Fatalf("payload of %d bytes over limit %d", len(fr.Payload), limit)
				}
				again, aerr := AppendFrame(nil, fr)
				if aerr != nil || !bytes.Equal(again, b[:n]) {
					t.Fatalf("re-encoding differs: %x vs %x (%v)", again, b[:n], aerr)
				}
			}
		}
		// The stream decoder consumes everything it is given, in any chunking.
		d := newDecoder(MaxPayload, 0)
		for i := 0; i < len(b); i += 7 {
			d.feed(b[i:min(i+7, len(b))], time.Time{})
			for steps := 0; ; steps++ {
				if _, ok, _ := d.next(); !ok {
					break
				}
				if steps > len(b) {
					t.Fatal("decoder makes no progress")
				}
			}
		}
	})
}
