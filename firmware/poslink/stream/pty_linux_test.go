package stream

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"

	"payterm/internal/ptypair"
)

// TestRoundTripsOverPty runs the terminal on the tty end of a real
// pseudo-terminal and the POS on the master end: the kernel's tty layer
// in raw mode, as a UART would be.
func TestRoundTripsOverPty(t *testing.T) {
	for _, tc := range []struct {
		name string
		open func(t *testing.T, p *ptypair.Pair) io.ReadWriter
	}{
		{"tty as a file", func(_ *testing.T, p *ptypair.Pair) io.ReadWriter { return p.Slave }},
		{"tty through OpenSerial", func(t *testing.T, p *ptypair.Pair) io.ReadWriter {
			port, err := OpenSerial(p.Name, 115200)
			if err != nil {
				t.Fatal(err)
			}
			return port
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ptypair.Open()
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { p.Close() })
			pos := New(p.Master, Options{})
			term := New(tc.open(t, p), Options{})
			t.Cleanup(func() { pos.Close(); term.Close() })
			serveOn(t, term, echo)
			cl := newClient(t, pos)
			ctx := testCtx(t)
			for i := range 100 {
				req := payloadFor("pty", i)
				if i%25 == 0 { // now and then a message larger than the tty's buffers
					req = append(req, bytes.Repeat([]byte{0xff, STX, '\r', '\n', 0x04}, 4000)...)
				}
				resp, err := cl.RoundTrip(ctx, req)
				if err != nil {
					t.Fatalf("round trip %d: %v", i, err)
				}
				if want := echo(ctx, req); !bytes.Equal(resp, want) {
					t.Fatalf("round trip %d: got %d bytes %.30q, want %d bytes", i, len(resp), resp, len(want))
				}
			}
		})
	}
}

func TestOpenSerialMissingDevice(t *testing.T) {
	_, err := OpenSerial("/dev/does-not-exist", 9600)
	if err == nil {
		t.Fatal("OpenSerial of a missing device succeeded")
	}
	if want := "/dev/does-not-exist"; !bytes.Contains([]byte(err.Error()), []byte(want)) {
		t.Errorf("error %q does not name the device", err)
	}
}

// ExampleOpenSerial is the wiring on a terminal whose POS link is a UART.
func ExampleOpenSerial() {
	port, err := OpenSerial("/dev/ttyS1", 115200)
	if err != nil {
		fmt.Println(err)
		return
	}
	conn := New(port, Options{})
	defer conn.Close()
	Serve(context.Background(), conn, func(ctx context.Context, req []byte) []byte {
		return req // decode the nexo request and answer it here
	})
}
