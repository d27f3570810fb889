package rootfs

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// QMP is a client of QEMU's machine protocol (docs/interop/qmp-spec.rst):
// JSON objects one per line; a greeting, capabilities negotiation, then
// commands answered in order, with asynchronous events in between (which
// this client skips). Safe for use by one goroutine at a time per call;
// calls are serialised.
type QMP struct {
	mu   sync.Mutex
	conn net.Conn
	r    *bufio.Reader
	id   int
}

// QMPError is an error reply from QEMU.
type QMPError struct {
	Command string
	Class   string
	Desc    string
}

func (e *QMPError) Error() string {
	return fmt.Sprintf("rootfs: qmp %s: %s: %s", e.Command, e.Class, e.Desc)
}

// DialQMP connects to the QMP unix socket at path, retrying until QEMU
// has created it or ctx ends, and negotiates capabilities.
func DialQMP(ctx context.Context, path string) (*QMP, error) {
	var d net.Dialer
	for {
		conn, err := d.DialContext(ctx, "unix", path)
		if err == nil {
			q := &QMP{conn: conn, r: bufio.NewReaderSize(conn, 64<<10)}
			if err := q.handshake(ctx); err != nil {
				conn.Close()
				return nil, err
			}
			return q, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("rootfs: qmp: dial %s: %w", path, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// NewQMP runs the handshake over an open connection.
func NewQMP(ctx context.Context, conn net.Conn) (*QMP, error) {
	q := &QMP{conn: conn, r: bufio.NewReaderSize(conn, 64<<10)}
	if err := q.handshake(ctx); err != nil {
		return nil, err
	}
	return q, nil
}

func (q *QMP) handshake(ctx context.Context) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	stop := q.deadline(ctx)
	defer stop()
	var greet struct {
		QMP *json.RawMessage `json:"QMP"`
	}
	line, err := q.r.ReadBytes('\n')
	if err != nil {
		return fmt.Errorf("rootfs: qmp greeting: %w", err)
	}
	if err := json.Unmarshal(line, &greet); err != nil || greet.QMP == nil {
		return fmt.Errorf("rootfs: qmp: not a QMP greeting: %.80q", line)
	}
	return q.call("qmp_capabilities", nil, nil)
}

// deadline applies ctx's deadline and cancellation to the connection.
func (q *QMP) deadline(ctx context.Context) (stop func()) {
	if d, ok := ctx.Deadline(); ok {
		q.conn.SetDeadline(d)
	} else {
		q.conn.SetDeadline(time.Time{})
	}
	stopAfter := context.AfterFunc(ctx, func() { q.conn.SetDeadline(time.Unix(1, 0)) })
	return func() { stopAfter() }
}

// Execute runs command with args (marshalled to "arguments"; nil for
// none) and decodes the "return" value into result (nil to ignore).
func (q *QMP) Execute(ctx context.Context, command string, args, result any) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	stop := q.deadline(ctx)
	defer stop()
	return q.call(command, args, result)
}

func (q *QMP) call(command string, args, result any) error {
	q.id++
	req := struct {
		Execute   string `json:"execute"`
		Arguments any    `json:"arguments,omitempty"`
		ID        int    `json:"id"`
	}{command, args, q.id}
	b, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("rootfs: qmp %s: %w", command, err)
	}
	if _, err := q.conn.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("rootfs: qmp %s: %w", command, err)
	}
	for {
		line, err := q.r.ReadBytes('\n')
		if err != nil {
			return fmt.Errorf("rootfs: qmp %s: %w", command, err)
		}
		var resp struct {
			Return *json.RawMessage `json:"return"`
			Error  *struct {
				Class string `json:"class"`
				Desc  string `json:"desc"`
			} `json:"error"`
			Event string `json:"event"`
			ID    *int   `json:"id"`
		}
		if err := json.Unmarshal(line, &resp); err != nil {
			return fmt.Errorf("rootfs: qmp %s: bad reply %.80q: %w", command, line, err)
		}
		if resp.Event != "" || (resp.ID != nil && *resp.ID != q.id) {
			continue // an event, or the reply to a call abandoned on timeout
		}
		switch {
		case resp.Error != nil:
			return &QMPError{Command: command, Class: resp.Error.Class, Desc: resp.Error.Desc}
		case resp.Return != nil:
			if result != nil {
				if err := json.Unmarshal(*resp.Return, result); err != nil {
					return fmt.Errorf("rootfs: qmp %s: %w", command, err)
				}
			}
			return nil
		}
		return fmt.Errorf("rootfs: qmp %s: reply has neither return nor error: %.80q", command, line)
	}
}

// Status is the guest's run state ("running", "paused", "shutdown", ...).
func (q *QMP) Status(ctx context.Context) (string, error) {
	var s struct {
		Status string `json:"status"`
	}
	err := q.Execute(ctx, "query-status", nil, &s)
	return s.Status, err
}

// Screendump writes the primary display to file as PPM (P6), from QEMU's
// point of view: the path is QEMU's, which runs on this host.
func (q *QMP) Screendump(ctx context.Context, file string) error {
	return q.Execute(ctx, "screendump", map[string]string{"filename": file}, nil)
}

// Tablet axis range of QEMU's virtio-tablet (and usb-tablet).
const TabletMax = 32767

// InputEvent is one input-send-event event.
type InputEvent struct {
	Type string         `json:"type"` // "abs", "btn", "rel", "key"
	Data map[string]any `json:"data"`
}

// Abs moves an absolute axis ("x" or "y") to value (0–TabletMax).
func Abs(axis string, value int) InputEvent {
	return InputEvent{Type: "abs", Data: map[string]any{"axis": axis, "value": value}}
}

// Button presses (down) or releases a button ("left", "right", ...).
func Button(button string, down bool) InputEvent {
	return InputEvent{Type: "btn", Data: map[string]any{"button": button, "down": down}}
}

// SendInput injects events as one batch (input-send-event), as if from
// the tablet.
func (q *QMP) SendInput(ctx context.Context, events ...InputEvent) error {
	return q.Execute(ctx, "input-send-event", map[string]any{"events": events}, nil)
}

// TabletPoint converts a pixel (x, y) on a width×height screen to tablet
// coordinates, clamped to the screen.
func TabletPoint(x, y, width, height int) (ax, ay int) {
	scale := func(v, n int) int {
		if n <= 1 || v <= 0 {
			return 0
		}
		if v >= n-1 {
			return TabletMax
		}
		return v * TabletMax / (n - 1)
	}
	return scale(x, width), scale(y, height)
}

// Tap touches the pixel (x, y) of a width×height screen: move, press,
// release.
func (q *QMP) Tap(ctx context.Context, x, y, width, height int) error {
	ax, ay := TabletPoint(x, y, width, height)
	if err := q.SendInput(ctx, Abs("x", ax), Abs("y", ay), Button("left", true)); err != nil {
		return err
	}
	return q.SendInput(ctx, Button("left", false))
}

// Quit asks QEMU to exit at once. QEMU closing the socket right after
// its reply counts as success.
func (q *QMP) Quit(ctx context.Context) error {
	err := q.Execute(ctx, "quit", nil, nil)
	if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

// Close closes the connection.
func (q *QMP) Close() error { return q.conn.Close() }
