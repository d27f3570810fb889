package ptypair

import (
	"bytes"
	"io"
	"runtime"
	"testing"
	"time"
)

func TestPairCarriesRawBytes(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("ptys are opened on Linux only")
	}
	p, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	// Bytes a cooked tty would translate or act on: CR, NL, ^C, ^D, ^S, DEL, 0xFF.
	want := []byte{0x02, '\r', '\n', 0x03, 0x04, 0x13, 0x7f, 0xff, 0x00, 'a'}
	for _, dir := range []struct {
		name string
		w, r io.ReadWriter
	}{{"master to slave", p.Master, p.Slave}, {"slave to master", p.Slave, p.Master}} {
		t.Run(dir.name, func(t *testing.T) {
			if _, err := dir.w.Write(want); err != nil {
				t.Fatal(err)
			}
			got := make([]byte, len(want))
			if err := p.Master.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
				t.Fatal(err)
			}
			if err := p.Slave.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
				t.Fatal(err)
			}
			if _, err := io.ReadFull(dir.r, got); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("read %x, wrote %x", got, want)
			}
		})
	}
}

func TestCloseUnblocksRead(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("ptys are opened on Linux only")
	}
	p, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() {
		_, err := p.Master.Read(make([]byte, 1))
		done <- err
	}()
	time.Sleep(10 * time.Millisecond) // let the read block
	p.Close()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("read after close returned no error")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not unblock Read")
	}
}
