//go:build linux

package face_test

import (
	"bufio"
	"context"
	"image"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"payterm/drivers/camera"
	"payterm/drivers/camera/v4l2cam"
	"payterm/internal/face"
)

// Frames of the vivid run: warm-up (the first frame of a size sizes the
// buffers) and the steady frames measured.
const (
	vividWarm   = 5
	vividFrames = 60
)

// TestVividPipeline feeds a real V4L2 device's frames (vivid's test
// pattern in QEMU; rootfs/systemtest's TestCameraInQEMU runs it) through
// the face pipeline the way the firmware's face capture does: 640×480
// raw YUYV, FeedFrame at the frame's time, the preview's luma, Release.
// The pipeline must take every frame the camera delivers (at most one
// in ten dropped), answer "no face" to each, allocate nothing per frame,
// and write no file. It logs one "vivid-face:" line with the rates.
func TestVividPipeline(t *testing.T) {
	path := os.Getenv("PAYTERM_V4L2_DEVICE")
	if path == "" {
		t.Skip("set PAYTERM_V4L2_DEVICE to a capture device showing no face (vivid in QEMU: TestCameraInQEMU)")
	}
	p, err := face.NewPipeline(face.Config{})
	if err != nil {
		t.Fatal(err)
	}
	before := writableFiles(t)
	cam := v4l2cam.New(path, v4l2cam.Options{})
	defer cam.Halt()
	// As firmware/facecapture.go's cameraFrame.
	if err := cam.Start(context.Background(), camera.Format{Width: 640, Height: 480, Pixels: camera.Raw}); err != nil {
		t.Fatal(err)
	}
	var preview *image.Gray
	var busy time.Duration           // time spent on frames, not waiting for them
	wait := time.NewTimer(time.Hour) // one timer, reset per frame: time.After would allocate
	feed := func() (seq uint64, at time.Time, g face.Guidance) {
		wait.Reset(v4l2cam.DefaultStall + time.Second)
		var f *camera.Frame
		select {
		case got, ok := <-cam.Frames():
			if !ok {
				t.Fatalf("stream ended: %v", cam.Err())
			}
			f = got
		case <-wait.C:
			t.Fatalf("no frame: %v", cam.Err())
		}
		got := time.Now()
		at = f.Time
		if at.IsZero() {
			at = time.Now()
		}
		r := p.FeedFrame(f, at)
		if l := camera.Luma(f, preview); l != nil {
			preview = l
		}
		seq = f.Seq
		f.Release()
		busy += time.Since(got)
		if !r.Box.Empty() || r.Done {
			t.Errorf("frame %d: box %v, done %v on vivid's test pattern", seq, r.Box, r.Done)
		}
		return seq, at, r.Guidance
	}
	var firstSeq uint64
	var firstAt time.Time
	for range vividWarm {
		firstSeq, firstAt, _ = feed()
	}
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	var lastSeq uint64
	var lastAt time.Time
	wrong := map[face.Guidance]int{}
	busy = 0
	for range vividFrames {
		var g face.Guidance
		lastSeq, lastAt, g = feed()
		if g != face.NoFace {
			wrong[g]++
		}
	}
	runtime.ReadMemStats(&m1)
	mallocs, bytes := m1.Mallocs-m0.Mallocs, m1.TotalAlloc-m0.TotalAlloc
	runtime.GC()
	var m2 runtime.MemStats
	runtime.ReadMemStats(&m2)
	cam.Stop()
	p.Reset()

	// Delivered: what the driver took from the device while these frames
	// were fed (Seq counts them, dropped ones too); processed: what the
	// pipeline judged.
	delivered := lastSeq - firstSeq
	span := lastAt.Sub(firstAt).Seconds()
	t.Logf("vivid-face: delivered=%d processed=%d camera=%.2f fps pipeline=%.2f fps busy=%.1f ms/frame mallocs=%d bytes=%d heap=%d→%d",
		delivered, vividFrames, float64(delivered)/span, vividFrames/span,
		float64(busy.Microseconds())/1000/vividFrames, mallocs, bytes, m0.HeapAlloc, m2.HeapAlloc)
	if 10*vividFrames < 9*delivered {
		t.Errorf("the pipeline took %d of the %d frames the camera delivered, want ≥ 90 %%", vividFrames, delivered)
	}
	if len(wrong) > 0 {
		t.Errorf("guidance other than %v on vivid's test pattern: %v", face.NoFace, wrong)
	}
	// Less than one allocation per frame, as testing.AllocsPerRun counts
	// (the whole process: the driver's goroutine too).
	if mallocs >= vividFrames {
		t.Errorf("%d allocations (%d bytes) over %d frames", mallocs, bytes, vividFrames)
	}
	// The live heap after the frames is what it was before: no frame kept.
	if m2.HeapAlloc > m0.HeapAlloc+64<<10 {
		t.Errorf("live heap grew from %d to %d bytes over %d frames", m0.HeapAlloc, m2.HeapAlloc, vividFrames)
	}
	if diff := changedFiles(before, writableFiles(t)); len(diff) > 0 {
		t.Errorf("files written while frames flowed: %v", diff)
	}
}

// fileStamp is what changes when a file is written.
type fileStamp struct {
	size  int64
	mtime time.Time
}

// Pseudo file systems: nothing there is a file a frame could land in.
var pseudoFS = map[string]bool{"proc": true, "sysfs": true, "devpts": true, "cgroup": true, "cgroup2": true,
	"debugfs": true, "tracefs": true, "securityfs": true, "pstore": true, "bpf": true, "configfs": true,
	"mqueue": true, "fusectl": true, "hugetlbfs": true, "autofs": true, "binfmt_misc": true, "efivarfs": true}

// writableFiles stamps every regular file on the writable file systems
// when PAYTERM_CHECK_WRITES=1 (set in the QEMU guest, whose file systems
// are small and quiet), else nothing: on a workstation other programs
// write all the time.
func writableFiles(t *testing.T) map[string]fileStamp {
	t.Helper()
	files := map[string]fileStamp{}
	if os.Getenv("PAYTERM_CHECK_WRITES") != "1" {
		t.Log("not checking for written files (set PAYTERM_CHECK_WRITES=1; the QEMU guest does)")
		return files
	}
	mounts, err := os.Open("/proc/self/mounts")
	if err != nil {
		t.Fatal(err)
	}
	defer mounts.Close()
	var roots []string
	sc := bufio.NewScanner(mounts)
	for sc.Scan() {
		f := strings.Fields(sc.Text()) // device dir type options …
		if len(f) < 4 || pseudoFS[f[2]] || !strings.HasPrefix(f[3], "rw") {
			continue
		}
		roots = append(roots, f[1])
	}
	if len(roots) == 0 {
		t.Fatal("no writable file system found in /proc/self/mounts")
	}
	for _, root := range roots {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil // gone, or unreadable: nothing to compare
			}
			if d.IsDir() && p != root && (p == "/proc" || p == "/sys") {
				return fs.SkipDir
			}
			// Only regular files: a tty's times change when written to.
			if d.Type().IsRegular() {
				if fi, err := d.Info(); err == nil {
					files[p] = fileStamp{fi.Size(), fi.ModTime()}
				}
			}
			return nil
		})
	}
	t.Logf("watching %d files on %v", len(files), roots)
	return files
}

// changedFiles lists the files created, changed or removed between two
// walks.
func changedFiles(before, after map[string]fileStamp) []string {
	var out []string
	for p, s := range after {
		if b, ok := before[p]; !ok || b != s {
			out = append(out, p)
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			out = append(out, p+" (removed)")
		}
	}
	return out
}
