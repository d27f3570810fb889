package document

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"image"
	"os"
	"sync"
	"time"
)

// Renderer starts renderer processes: by default this very binary again
// with RendererEnv set (SelfRenderer), whose main must call Serve.
type Renderer struct {
	Path string   // the executable
	Args []string // its arguments (after argv[0])
	Env  []string // its whole environment, RendererEnv=1 included
	// Timeout bounds opening a PDF and drawing one page; a renderer that
	// takes longer is killed. 0 means 10 s.
	Timeout time.Duration
}

// SelfRenderer runs the current executable as the renderer.
func SelfRenderer() (Renderer, error) {
	exe, err := os.Executable()
	if err != nil {
		return Renderer{}, fmt.Errorf("document: renderer: %w", err)
	}
	return Renderer{Path: exe, Env: append(os.Environ(), RendererEnv+"=1")}, nil
}

// Remote is a PDF open in its own renderer process. Its methods are
// those of Doc; when the renderer dies (MuPDF aborted on a page, or it
// ran past the timeout) they fail with ErrBroken and the caller goes on.
// Safe for concurrent use.
type Remote struct {
	mu      sync.Mutex
	proc    *os.Process
	in, out *os.File // the renderer's stdin and stdout
	rd      *bufio.Reader
	pages   int
	timeout time.Duration
	dead    error // why the renderer is gone; nil while it serves
}

// Open starts a renderer for pdf and waits for its page count.
func (r Renderer) Open(pdf []byte) (*Remote, error) {
	if len(pdf) == 0 {
		return nil, fmt.Errorf("%w: empty", ErrBroken)
	}
	if len(pdf) > MaxBytes {
		return nil, fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, len(pdf), MaxBytes)
	}
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("document: renderer: %w", err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, fmt.Errorf("document: renderer: %w", err)
	}
	proc, err := os.StartProcess(r.Path, append([]string{r.Path}, r.Args...), &os.ProcAttr{Env: r.Env, Files: []*os.File{inR, outW, os.Stderr}})
	inR.Close()
	outW.Close()
	if err != nil {
		inW.Close()
		outR.Close()
		return nil, fmt.Errorf("document: start renderer %s: %w", r.Path, err)
	}
	d := &Remote{proc: proc, in: inW, out: outR, rd: bufio.NewReaderSize(outR, 1<<20), timeout: r.Timeout}
	if d.timeout <= 0 {
		d.timeout = 10 * time.Second
	}
	kind, payload, err := d.call(msgOpen, pdf, 4)
	switch {
	case err != nil:
		return nil, fmt.Errorf("%w: opening: %v", ErrBroken, err)
	case kind == msgFailed:
		d.Close()
		return nil, failed(payload)
	case len(payload) != 4:
		d.stop(errMessage)
		return nil, fmt.Errorf("%w: page count of %d bytes", errMessage, len(payload))
	}
	d.pages = int(binary.BigEndian.Uint32(payload))
	if d.pages < 1 || d.pages > MaxPages {
		d.stop(errMessage)
		return nil, fmt.Errorf("%w: %d pages", errMessage, d.pages)
	}
	return d, nil
}

// Pages is the number of pages, at least 1.
func (d *Remote) Pages() int { return d.pages }

// Render draws page (zero-based) width pixels wide, as Doc.Render does.
func (d *Remote) Render(page, width int) (*image.RGBA, error) {
	if page < 0 || page >= d.pages || width < 1 || width > MaxPixels {
		return nil, fmt.Errorf("document: page %d of %d at width %d", page, d.pages, width)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	req := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, uint32(page)), uint32(width))
	kind, payload, err := d.call(msgRender, req, maxMessage)
	switch {
	case err != nil:
		return nil, fmt.Errorf("%w: page %d: %v", ErrBroken, page, err)
	case kind == msgFailed:
		return nil, failed(payload)
	}
	img, err := decodePage(payload, width)
	if err != nil {
		d.stop(err)
		return nil, err
	}
	return img, nil
}

// call sends one request and reads its reply within the timeout; on any
// I/O failure the renderer is stopped and stays stopped. Open calls it
// before d is shared; Render holds d.mu.
func (d *Remote) call(kind byte, payload []byte, max int) (byte, []byte, error) {
	if d.dead != nil {
		return 0, nil, d.dead
	}
	deadline := time.Now().Add(d.timeout)
	d.in.SetWriteDeadline(deadline)
	d.out.SetReadDeadline(deadline)
	if err := writeMsg(d.in, kind, payload); err != nil {
		return 0, nil, d.stop(fmt.Errorf("renderer stopped: %w", err))
	}
	k, p, err := readMsg(d.rd, max)
	if err != nil {
		return 0, nil, d.stop(fmt.Errorf("renderer stopped: %w", err))
	}
	if k != msgOK && k != msgFailed {
		return 0, nil, d.stop(fmt.Errorf("%w: reply %q", errMessage, k))
	}
	return k, p, nil
}

// stop kills the renderer and remembers why.
func (d *Remote) stop(why error) error {
	if d.dead == nil {
		d.dead = why
		d.in.Close()
		d.out.Close()
		d.proc.Kill()
		// PID 1's reaper may collect it first; Wait then just fails.
		go d.proc.Wait()
	}
	return d.dead
}

// Close ends the renderer; Render fails afterwards.
func (d *Remote) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stop(fmt.Errorf("document: closed"))
	return nil
}
