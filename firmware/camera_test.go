package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"payterm/drivers/camera/camsim"
	"payterm/firmware/checkout"
	"payterm/internal/codecam/codecamtest"
)

// TestCameraUserReadsEachCodeOnce: while the checkout wants a code the
// camera's frames are decoded and a code held in view is posted once;
// a boot self-test still running gives way at once; StopCamera stops
// the stream.
func TestCameraUserReadsEachCodeOnce(t *testing.T) {
	const code = "134567890123456789"
	pic, err := codecamtest.QRFrame(code, 640, 480, 160, 20, 1, 8, 3)
	if err != nil {
		t.Fatal(err)
	}
	cam := camsim.New(camsim.Options{FPS: 60})
	defer cam.Halt()
	cam.Show(pic)
	logs := &lockedWriter{w: &bytes.Buffer{}}
	log := slog.New(slog.NewTextHandler(logs, nil))
	events := make(chan checkout.Event, 16)
	u := newCameraUser(cam, log, func(_ context.Context, ev checkout.Event) bool { events <- ev; return true })
	u.selfTest = time.Hour // still testing when the customer wants the camera
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { u.run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	u.start(checkout.Code)
	select {
	case ev := <-events:
		if cs, ok := ev.(checkout.CodeScanned); !ok || cs.Code != code {
			t.Fatalf("posted %#v", ev)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("no code read; log:\n%s", logs.String())
	}
	// The code stays in view for more frames: nothing more is posted.
	select {
	case ev := <-events:
		t.Fatalf("posted again: %#v", ev)
	case <-time.After(500 * time.Millisecond):
	}
	u.stop()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(logs.String(), "code reading stopped") {
		if time.Now().After(deadline) {
			t.Fatalf("reading did not stop; log:\n%s", logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), "camera self-test") {
		t.Errorf("the interrupted self-test reported nothing; log:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), code) {
		t.Error("the code is in the log unmasked")
	}
	// A new session reads the same code again.
	u.start(checkout.Code)
	select {
	case <-events:
	case <-time.After(10 * time.Second):
		t.Fatal("second session read nothing")
	}
}
