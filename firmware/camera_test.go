package main

import (
	"bytes"
	"context"
	"log/slog"
	"slices"
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

	u.start(checkout.StartCamera{Purpose: checkout.Code})
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
	u.start(checkout.StartCamera{Purpose: checkout.Code})
	select {
	case <-events:
	case <-time.After(10 * time.Second):
		t.Fatal("second session read nothing")
	}
}

// TestCameraUserSwitchesCodesToFace: the one camera owner reads codes,
// then on StartCamera{Face} stops reading (camera stopped) before the
// face capture starts; the face is sealed bound to the order hash the
// checkout named; StopCamera stops the capture and resets the pipeline.
// Without a face capture a face wish only logs.
func TestCameraUserSwitchesCodesToFace(t *testing.T) {
	const code = "134567890123456789"
	pic, err := codecamtest.QRFrame(code, 640, 480, 160, 0, 1, 8, 3)
	if err != nil {
		t.Fatal(err)
	}
	r := newFaceRig(t, faceResult{Hint: checkout.FaceReady, Progress: 1, Done: true})
	cam := camsim.New(camsim.Options{FPS: 60})
	defer cam.Halt()
	cam.Show(pic)
	logs := &lockedWriter{w: &bytes.Buffer{}}
	log := slog.New(slog.NewTextHandler(logs, nil))
	r.c.cam, r.c.log = cam, log
	u := newCameraUser(cam, log, r.c.post)
	u.face, u.selfTest = r.c, 0
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { u.run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	u.start(checkout.StartCamera{Purpose: checkout.Code})
	if cs, ok := r.next(t).(checkout.CodeScanned); !ok || cs.Code != code {
		t.Fatalf("reading codes: posted %#v", cs)
	}
	u.start(checkout.StartCamera{Purpose: checkout.Face, Hash: testHash})
	for {
		if _, ok := r.next(t).(checkout.FaceCaptured); ok {
			break
		}
	}
	r.mu.Lock()
	sealed := slices.Clone(r.sealed)
	r.mu.Unlock()
	if len(sealed) != 1 || sealed[0].hash != testHash {
		t.Fatalf("sealed %v, want one crop bound to %v", sealed, testHash)
	}
	l := logs.String()
	if a, b := strings.Index(l, "code reading stopped"), strings.Index(l, "face capture started"); a < 0 || b < a {
		t.Fatalf("code reading must stop before the face capture starts; log:\n%s", l)
	}
	u.stop()
	waitLog(t, logs, "face capture stopped")
	r.pipe.mu.Lock()
	resets := r.pipe.resets
	r.pipe.mu.Unlock()
	if resets != 1 {
		t.Errorf("pipeline reset %d times at stop, want 1", resets)
	}

	u.face = nil // only read by the owner when a wish comes; none is running
	u.start(checkout.StartCamera{Purpose: checkout.Face, Hash: testHash})
	waitLog(t, logs, "takes no faces")
}

// waitLog waits until the log holds s.
func waitLog(t *testing.T, logs *lockedWriter, s string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(logs.String(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the log:\n%s", s, logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}
