package stream

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"testing/iotest"
	"time"
)

// drain feeds everything r yields to a decoder, chunk by chunk, and
// returns the good frames' payloads and the failures seen.
func drain(t *testing.T, r io.Reader, d *decoder) (payloads []string, failures []error) {
	t.Helper()
	buf := make([]byte, 512)
	now := time.Unix(0, 0)
	for {
		n, err := r.Read(buf)
		d.feed(buf[:n], now)
		for {
			f, ok, ferr := d.next()
			if !ok {
				break
			}
			if ferr != nil {
				failures = append(failures, ferr)
				continue
			}
			payloads = append(payloads, string(f.Payload))
		}
		if err == io.EOF {
			return payloads, failures
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestDecoderResynchronises(t *testing.T) {
	one := mustFrame(t, Frame{Kind: KindData, Seq: 1, Payload: []byte("one")})
	two := mustFrame(t, Frame{Kind: KindData, Seq: 2, Payload: []byte("two")})
	three := mustFrame(t, Frame{Kind: KindData, Seq: 3, Payload: []byte("three")})
	cut := func(b []byte, i int) []byte { return append(append([]byte(nil), b[:i]...), b[i+1:]...) }
	for _, tc := range []struct {
		name   string
		stream [][]byte
		want   []string
	}{
		{"clean", [][]byte{one, two, three}, []string{"one", "two", "three"}},
		{"noise between frames", [][]byte{[]byte("\x00\xff"), one, []byte("\x02\x02\x03junk\x02"), two, three}, []string{"one", "two", "three"}},
		{"byte dropped from a payload", [][]byte{cut(one, headerSize+1), two, three}, []string{"two", "three"}},
		{"byte dropped from a header", [][]byte{one, cut(two, 5), three}, []string{"one", "three"}},
		{"frame cut in half", [][]byte{one[:10], two, three}, []string{"two", "three"}},
		{"stray STX before a frame", [][]byte{{STX}, one, two}, []string{"one", "two"}},
	} {
		for _, rd := range []struct {
			name string
			wrap func(io.Reader) io.Reader
		}{
			{"whole", func(r io.Reader) io.Reader { return r }},
			{"one byte", iotest.OneByteReader},
			{"half", iotest.HalfReader},
		} {
			t.Run(tc.name+"/"+rd.name, func(t *testing.T) {
				r := rd.wrap(bytes.NewReader(bytes.Join(tc.stream, nil)))
				got, _ := drain(t, r, newDecoder(MaxPayload, 0))
				if fmt.Sprint(got) != fmt.Sprint(tc.want) {
					t.Fatalf("payloads %q, want %q", got, tc.want)
				}
			})
		}
	}
}

func TestDecoderDiscardsStalePartialFrame(t *testing.T) {
	frame := mustFrame(t, Frame{Kind: KindData, Seq: 1, Payload: []byte("payload")})
	t0 := time.Unix(100, 0)
	gap := 50 * time.Millisecond
	for _, tc := range []struct {
		name      string
		busy      time.Duration // the reader asks again this long after the first chunk
		pause     time.Duration // the rest arrives this long after the first chunk
		wantFrame bool
	}{
		{"pause within the timeout", 0, gap, true},
		{"pause over the timeout", 0, gap + time.Millisecond, false},
		{"reader busy, the rest waiting", 10 * gap, 10*gap + time.Millisecond, true},
		{"reader busy, then the line silent", gap, 2*gap + time.Millisecond, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newDecoder(MaxPayload, gap)
			d.asking(t0)
			d.feed(frame[:20], t0)
			if _, ok, _ := d.next(); ok {
				t.Fatal("a partial frame decoded")
			}
			d.asking(t0.Add(tc.busy))
			lost := d.feed(frame[20:], t0.Add(tc.pause))
			var good int
			for {
				_, ok, err := d.next()
				if !ok {
					break
				}
				if err == nil {
					good++
				}
			}
			if got := good == 1; got != tc.wantFrame {
				t.Fatalf("frames decoded %d, discarded %d bytes; want a frame: %v", good, lost, tc.wantFrame)
			}
			if !tc.wantFrame && lost != 20 {
				t.Errorf("discarded %d bytes, want 20", lost)
			}
		})
	}
}

func TestDecoderBufferStaysBounded(t *testing.T) {
	// Random noise with STX sprinkled in: the decoder never holds more
	// than a header's worth of undecided bytes once it has looked.
	rng := rand.New(rand.NewPCG(1, 2))
	d := newDecoder(MaxPayload, 0)
	chunk := make([]byte, 997)
	for range 1000 {
		for i := range chunk {
			chunk[i] = byte(rng.UintN(256))
			if rng.IntN(8) == 0 {
				chunk[i] = STX
			}
		}
		d.feed(chunk, time.Time{})
		for {
			_, ok, err := d.next()
			if !ok {
				break
			}
			if err == nil {
				t.Fatal("noise decoded as a frame")
			}
		}
		if d.pending() >= headerSize {
			t.Fatalf("%d bytes pending after decoding noise", d.pending())
		}
	}
}

func TestDecoderWaitsOnlyForAPromisedPayload(t *testing.T) {
	// A good header promising MaxPayload bytes holds the decoder until
	// they come, and not a byte longer.
	d := newDecoder(MaxPayload, 0)
	big := mustFrame(t, Frame{Kind: KindData, Seq: 9, Payload: bytes.Repeat([]byte("z"), MaxPayload)})
	r := iotest.HalfReader(bytes.NewReader(append(big, mustFrame(t, Frame{Kind: KindAck, Seq: 9})...)))
	var kinds []Kind
	buf := make([]byte, 64<<10)
	for {
		n, err := r.Read(buf)
		d.feed(buf[:n], time.Time{})
		for {
			f, ok, ferr := d.next()
			if !ok {
				break
			}
			if ferr != nil {
				t.Fatal(ferr)
			}
			kinds = append(kinds, f.Kind)
		}
		if d.pending() > len(big) {
			t.Fatalf("%d bytes pending, more than the largest frame", d.pending())
		}
		if errors.Is(err, io.EOF) {
			break
		}
	}
	if fmt.Sprint(kinds) != fmt.Sprint([]Kind{KindData, KindAck}) {
		t.Fatalf("decoded %v", kinds)
	}
}
