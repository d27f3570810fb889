package stream

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
)

func TestCRC32CIsCastagnoli(t *testing.T) {
	// The check value of CRC-32C over "123456789" (RFC 3720 B.4 lists the
	// same polynomial; the catalogue check value is 0xE3069283).
	if got := crc32c([]byte("123456789")); got != 0xE3069283 {
		t.Fatalf("crc32c(123456789) = %#08x, want 0xe3069283", got)
	}
}

func TestAppendFrameLayout(t *testing.T) {
	b := mustFrame(t, Frame{Kind: KindData, Seq: 0x01020304, ID: 0x0a0b0c0d, Payload: []byte("hi")})
	if len(b) != Overhead+2 {
		t.Fatalf("len = %d, want %d", len(b), Overhead+2)
	}
	want := []byte{STX, 'D', 1, 2, 3, 4, 0x0a, 0x0b, 0x0c, 0x0d, 0, 0, 0, 2}
	if !bytes.Equal(b[:14], want) {
		t.Fatalf("header % x, want % x", b[:14], want)
	}
	if got := binary.BigEndian.Uint32(b[14:18]); got != crc32c(b[1:14]) {
		t.Errorf("header check %#x, want CRC-32C of bytes 1..13 %#x", got, crc32c(b[1:14]))
	}
	if string(b[18:20]) != "hi" {
		t.Errorf("payload %q", b[18:20])
	}
	if got := binary.BigEndian.Uint32(b[20:24]); got != crc32c([]byte("hi")) {
		t.Errorf("payload check %#x, want %#x", got, crc32c([]byte("hi")))
	}
	if b[24] != ETX {
		t.Errorf("last byte %#x, want ETX", b[24])
	}
}

func TestFrameRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    Frame
	}{
		{"data", Frame{Kind: KindData, Seq: 7, ID: 9, Payload: []byte(`{"SaleToPOIRequest":{}}`)}},
		{"empty data", Frame{Kind: KindData, Seq: 0xffffffff}},
		{"payload full of STX and ETX", Frame{Kind: KindData, Seq: 1, Payload: bytes.Repeat([]byte{STX, ETX}, 100)}},
		{"largest payload", Frame{Kind: KindData, Seq: 2, Payload: bytes.Repeat([]byte{'x'}, MaxPayload)}},
		{"ack", Frame{Kind: KindAck, Seq: 42}},
		{"nak", Frame{Kind: KindNak, Seq: 43}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := mustFrame(t, tc.f)
			b = append(b, "trailing"...)
			f, n, err := DecodeFrame(b, MaxPayload)
			if err != nil {
				t.Fatal(err)
			}
			if n != Overhead+len(tc.f.Payload) {
				t.Errorf("used %d bytes, want %d", n, Overhead+len(tc.f.Payload))
			}
			if f.Kind != tc.f.Kind || f.Seq != tc.f.Seq || f.ID != tc.f.ID || !bytes.Equal(f.Payload, tc.f.Payload) {
				t.Errorf("decoded %v seq %d id %d %d bytes, want %v seq %d id %d %d bytes",
					f.Kind, f.Seq, f.ID, len(f.Payload), tc.f.Kind, tc.f.Seq, tc.f.ID, len(tc.f.Payload))
			}
		})
	}
}

func TestAppendFrameRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    Frame
	}{
		{"unknown kind", Frame{Kind: 'X'}},
		{"ack with payload", Frame{Kind: KindAck, Payload: []byte{1}}},
		{"nak with id", Frame{Kind: KindNak, ID: 1}},
		{"payload too large", Frame{Kind: KindData, Payload: make([]byte, MaxPayload+1)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if b, err := AppendFrame([]byte("x"), tc.f); err == nil || string(b) != "x" {
				t.Fatalf("AppendFrame = %q, %v; want dst unchanged and an error", b, err)
			}
		})
	}
}

// rawHeader builds a frame header with a correct header check, to make
// frames the encoder refuses to make.
func rawHeader(kind byte, seq, id, n uint32) []byte {
	b := []byte{STX, kind}
	b = binary.BigEndian.AppendUint32(b, seq)
	b = binary.BigEndian.AppendUint32(b, id)
	b = binary.BigEndian.AppendUint32(b, n)
	return binary.BigEndian.AppendUint32(b, crc32c(b[1:]))
}

func TestDecodeFrameFailures(t *testing.T) {
	good := mustFrame(t, Frame{Kind: KindData, Seq: 5, ID: 6, Payload: []byte("payload")})
	flip := func(i int) []byte {
		b := append([]byte(nil), good...)
		b[i] ^= 0x10
		return b
	}
	for _, tc := range []struct {
		name    string
		b       []byte
		max     int
		err     error
		n       int
		wantSeq bool // the error names the frame's seq, for a NAK
	}{
		{"empty", nil, MaxPayload, ErrShort, 0, false},
		{"noise then frame", append([]byte("abc"), good...), MaxPayload, ErrNoise, 3, false},
		{"noise only", []byte("abcdef"), MaxPayload, ErrNoise, 6, false},
		{"header cut short", good[:headerSize-1], MaxPayload, ErrShort, 0, false},
		{"payload cut short", good[:len(good)-1], MaxPayload, ErrShort, 0, false},
		{"kind flipped", flip(1), MaxPayload, ErrHeader, 1, false},
		{"seq flipped", flip(3), MaxPayload, ErrHeader, 1, false},
		{"length flipped", flip(12), MaxPayload, ErrHeader, 1, false},
		{"header check flipped", flip(16), MaxPayload, ErrHeader, 1, false},
		{"payload flipped", flip(headerSize + 2), MaxPayload, ErrPayload, 1, true},
		{"payload check flipped", flip(len(good) - 3), MaxPayload, ErrPayload, 1, true},
		{"ETX wrong", flip(len(good) - 1), MaxPayload, ErrPayload, 1, true},
		{"over caller's limit", good, 3, ErrLength, 1, true},
		{"over MaxPayload", rawHeader('D', 5, 0, MaxPayload+1), MaxPayload * 4, ErrLength, 1, true},
		{"unknown kind", rawHeader('X', 5, 0, 0), MaxPayload, ErrHeader, 1, false},
		{"ack with id", rawHeader('A', 5, 1, 0), MaxPayload, ErrHeader, 1, false},
		{"ack with length", append(rawHeader('A', 5, 0, 1), 0, 0, 0, 0, 0, ETX), MaxPayload, ErrLength, 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, n, err := DecodeFrame(tc.b, tc.max)
			if !errors.Is(err, tc.err) || n != tc.n {
				t.Fatalf("DecodeFrame = n %d, %v; want n %d, %v", n, err, tc.n, tc.err)
			}
			if tc.wantSeq && f.Seq != 5 {
				t.Errorf("seq %d, want 5 for the NAK", f.Seq)
			}
		})
	}
}

func TestDecodeFrameEveryPrefixIsShort(t *testing.T) {
	good := mustFrame(t, Frame{Kind: KindData, Seq: 1, Payload: []byte("0123456789")})
	for i := range len(good) {
		if _, n, err := DecodeFrame(good[:i], MaxPayload); !errors.Is(err, ErrShort) || n != 0 {
			t.Fatalf("prefix of %d bytes: n %d, %v; want ErrShort", i, n, err)
		}
	}
}

func TestDecodeFrameEveryBitFlipIsCaught(t *testing.T) {
	good := mustFrame(t, Frame{Kind: KindData, Seq: 1, ID: 2, Payload: []byte(`{"a":1}`)})
	for i := range len(good) {
		for bit := range 8 {
			b := append([]byte(nil), good...)
			b[i] ^= 1 << bit
			if _, _, err := DecodeFrame(b, MaxPayload); err == nil {
				t.Fatalf("flip of bit %d in byte %d decoded as a good frame", bit, i)
			}
		}
	}
}

func BenchmarkAppendFrame(b *testing.B) {
	payload := bytes.Repeat([]byte("x"), 4096)
	buf := make([]byte, 0, Overhead+len(payload))
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		buf, _ = AppendFrame(buf[:0], Frame{Kind: KindData, Seq: 1, Payload: payload})
	}
}

func BenchmarkDecodeFrame(b *testing.B) {
	frame := mustFrame(b, Frame{Kind: KindData, Seq: 1, Payload: bytes.Repeat([]byte("x"), 4096)})
	b.SetBytes(int64(len(frame)))
	for b.Loop() {
		if _, _, err := DecodeFrame(frame, MaxPayload); err != nil {
			b.Fatal(err)
		}
	}
}
