package document

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
)

// RendererEnv, set to "1" in a process's environment, makes it a
// renderer: main calls Serve instead of starting the firmware.
const RendererEnv = "PAYTERM_DOCUMENT_RENDERER"

// IsRenderer reports whether this process was started as a renderer.
func IsRenderer() bool { return os.Getenv(RendererEnv) == "1" }

// Serve is a renderer process's whole job: it reads one PDF from r, opens
// it and loads every page (so a PDF whose page tree MuPDF chokes on is
// refused at once), then draws the pages w asks for until r ends. MuPDF
// aborts the process on some malformed pages; running it here means such
// a PDF ends this process, never the firmware.
func Serve(r io.Reader, w io.Writer) error {
	// Under memory pressure the kernel should kill a renderer, not the
	// terminal. Best effort: there is no such file off Linux.
	_ = os.WriteFile("/proc/self/oom_score_adj", []byte("1000"), 0)
	in, out := bufio.NewReaderSize(r, 64<<10), bufio.NewWriterSize(w, 1<<20)
	kind, pdf, err := readMsg(in, MaxBytes)
	if err != nil {
		return fmt.Errorf("document: renderer: %w", err)
	}
	if kind != msgOpen {
		return fmt.Errorf("%w: first message %q, want open", errMessage, kind)
	}
	d, err := Open(pdf)
	if err == nil {
		err = d.loadPages()
	}
	if err != nil {
		return reply(out, msgFailed, failure(err))
	}
	defer d.Close()
	if err := reply(out, msgOK, binary.BigEndian.AppendUint32(nil, uint32(d.Pages()))); err != nil {
		return err
	}
	for {
		kind, req, err := readMsg(in, 8)
		if errors.Is(err, io.EOF) {
			return nil // the firmware closed the document
		}
		if err != nil {
			return fmt.Errorf("document: renderer: %w", err)
		}
		if kind != msgRender || len(req) != 8 {
			return fmt.Errorf("%w: request %q of %d bytes", errMessage, kind, len(req))
		}
		page, width := int(binary.BigEndian.Uint32(req)), int(binary.BigEndian.Uint32(req[4:]))
		img, err := d.Render(page, width)
		if err != nil {
			err = reply(out, msgFailed, failure(err))
		} else {
			err = reply(out, msgOK, encodePage(img))
		}
		if err != nil {
			return err
		}
	}
}

func reply(w *bufio.Writer, kind byte, payload []byte) error {
	if err := writeMsg(w, kind, payload); err != nil {
		return fmt.Errorf("document: renderer: reply: %w", err)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("document: renderer: reply: %w", err)
	}
	return nil
}

// encodePage is a render reply: width, height, then the RGBA rows.
func encodePage(img *image.RGBA) []byte {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	b := make([]byte, 8, 8+4*w*h)
	binary.BigEndian.PutUint32(b, uint32(w))
	binary.BigEndian.PutUint32(b[4:], uint32(h))
	for y := range h {
		row := img.Pix[y*img.Stride:]
		b = append(b, row[:4*w]...)
	}
	return b
}

// decodePage checks a render reply against the width asked for.
func decodePage(b []byte, width int) (*image.RGBA, error) {
	if len(b) < 8 {
		return nil, fmt.Errorf("%w: page reply of %d bytes", errMessage, len(b))
	}
	w, h := int(binary.BigEndian.Uint32(b)), int(binary.BigEndian.Uint32(b[4:]))
	if w != width || h < 1 || w*h > MaxPixels || len(b)-8 != 4*w*h {
		return nil, fmt.Errorf("%w: page %d×%d in %d bytes, asked %d wide", errMessage, w, h, len(b)-8, width)
	}
	return &image.RGBA{Pix: b[8:], Stride: 4 * w, Rect: image.Rect(0, 0, w, h)}, nil
}

// ExitIfRenderer is the first thing main (and a TestMain of tests that
// show documents) does: in a process started as a renderer it serves
// stdin and stdout and exits; otherwise it returns at once.
func ExitIfRenderer() {
	if !IsRenderer() {
		return
	}
	if err := Serve(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "payterm:", err)
		os.Exit(1)
	}
	os.Exit(0)
}
