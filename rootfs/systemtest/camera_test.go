package systemtest

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"payterm/rootfs"
)

// cameraTests are the test binaries of the camera image and their runs
// in the guest, one a line (see rootfs/testdata/inittests), in the order
// inittests runs them (by name). The face pipeline on vivid's frames
// (internal/face's TestVividPipeline); then the V4L2 driver's own:
// streaming, the frame rate over 25 frames, and last, since it pulls
// vivid's virtual plug, the disconnect and the driver's recovery.
var cameraTests = []struct {
	bin, pkg string
	runs     []string
}{
	{"face.test", "./internal/face", []string{
		"-test.v -test.count=1 -test.run ^TestVividPipeline$",
	}},
	{"v4l2cam.test", "./drivers/camera/v4l2cam", []string{
		"-test.v -test.count=1 -test.run ^TestRealDeviceStreams$",
		"-test.run ^$ -test.bench ^BenchmarkRealDeviceFrameRate$ -test.benchtime 25x",
		"-test.v -test.count=1 -test.run ^TestVividDisconnect$",
	}},
}

// buildCameraTests builds an image whose /init (inittests) runs the
// camera's tests against vivid on the guest's kernel: the V4L2 driver's
// and the face pipeline's, cross-built with cgo like the firmware.
func buildCameraTests(tb testing.TB, dir string) (rootfs.Result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	init := filepath.Join(dir, "inittests")
	if err := crossBuild(ctx, append(append([]string{"build"}, staticFlags...), "-o", init, "./rootfs/testdata/inittests")...); err != nil {
		return rootfs.Result{}, err
	}
	env := filepath.Join(dir, "env")
	// PAYTERM_CHECK_WRITES: the guest's file systems are quiet enough for
	// TestVividPipeline to look for written files.
	if err := os.WriteFile(env, []byte("PAYTERM_V4L2_DEVICE=/dev/video0\nPAYTERM_VIVID_DISCONNECT=1\nPAYTERM_CHECK_WRITES=1\n"), 0o644); err != nil {
		return rootfs.Result{}, err
	}
	files := []rootfs.FileSpec{{Src: env, Dst: "tests/env"}}
	for _, ct := range cameraTests {
		bin := filepath.Join(dir, ct.bin)
		if err := crossBuild(ctx, append(append([]string{"test", "-c"}, staticFlags...), "-o", bin, ct.pkg)...); err != nil {
			return rootfs.Result{}, err
		}
		args := bin + ".args"
		if err := os.WriteFile(args, []byte(strings.Join(ct.runs, "\n")+"\n"), 0o644); err != nil {
			return rootfs.Result{}, err
		}
		files = append(files,
			rootfs.FileSpec{Src: bin, Dst: "tests/" + ct.bin, Perm: 0o755},
			rootfs.FileSpec{Src: args, Dst: "tests/" + ct.bin + ".args"})
	}
	return buildImage(ctx, tb, rootfs.Options{
		Init:   init,
		OutDir: filepath.Join(dir, "image"),
		NoDisk: true,
		Files:  files,
	})
}

// TestCameraInQEMU runs the V4L2 camera driver against vivid on the
// image's kernel: it streams, reports the frame rate, and comes back
// after vivid's Disconnect control pulls the virtual plug; and vivid's
// frames flow through the driver into the face pipeline at camera rate,
// "no face" to each, allocating nothing per frame, writing no file and
// putting no frame on the console.
func TestCameraInQEMU(t *testing.T) {
	img := shared.camera(t)
	g := boot(t, rootfs.Machine{Kernel: img.Path(rootfs.OutImage), Initrd: img.Path(rootfs.OutInitrd), Append: rootfs.DefaultArgs})
	done, _ := g.wait(bootTimeout+2*time.Minute, 0, "payterm-tests-done")
	want := 0
	for _, ct := range cameraTests {
		want += len(ct.runs)
	}
	if runs := logValue(done.text, "runs"); runs != strconv.Itoa(want) {
		t.Errorf("%s runs of the camera's tests, want %d: %s", runs, want, done.text)
	}
	for _, l := range g.con.find("payterm-test-exit") {
		if !strings.HasSuffix(l.text, "code=0") {
			t.Errorf("%s", l.text)
		}
	}
	for _, name := range []string{"TestVividPipeline", "TestRealDeviceStreams", "TestVividDisconnect"} {
		if len(g.con.find("--- PASS: "+name)) == 0 {
			t.Errorf("%s did not pass in the guest", name)
		}
	}
	if fps := vividFPS(g); fps <= 0 {
		t.Error("no frame rate from vivid")
	} else {
		t.Logf("vivid through the V4L2 driver: %.2f fps", fps)
	}
	if l := g.con.find("vivid-face:"); len(l) > 0 {
		t.Logf("vivid through the V4L2 driver into the face pipeline: %s", l[0].text[strings.Index(l[0].text, "vivid-face:"):])
	} else {
		t.Error("no vivid-face line: the face pipeline's rates")
	}
	checkQuietRun(t, g.con.between("payterm-test-run face.test", "payterm-test-exit face.test"))
	if l := g.con.find("Kernel panic"); len(l) > 0 {
		t.Errorf("%s", l[0].text)
	}
}

// vividFPS is the fps the frame-rate benchmark reported on the console,
// or 0.
func vividFPS(g *guest) float64 {
	for _, l := range g.con.find("BenchmarkRealDeviceFrameRate") {
		f := strings.Fields(l.text)
		for i := 1; i < len(f); i++ {
			if f[i] == "fps" {
				if v, err := strconv.ParseFloat(f[i-1], 64); err == nil {
					return v
				}
			}
		}
	}
	return 0
}

// maxRunOutput bounds the console output of the face pipeline's run: its
// test lines, a few hundred bytes, where one 640×480 frame is 600 KiB.
const maxRunOutput = 8 << 10

// checkQuietRun fails unless lines, a run's console output, are a little
// printable text: no frame, luma or crop bytes went to stdout or stderr.
func checkQuietRun(t *testing.T, lines []line) {
	t.Helper()
	if len(lines) == 0 {
		t.Error("no console output from the face pipeline's run")
		return
	}
	n := 0
	for _, l := range lines {
		n += len(l.text) + 1
		if !utf8.ValidString(l.text) || strings.IndexFunc(l.text, func(r rune) bool { return r != '\t' && !unicode.IsPrint(r) }) >= 0 {
			t.Errorf("binary in the face pipeline's output: %.80q", l.text)
			return
		}
	}
	if n > maxRunOutput {
		t.Errorf("the face pipeline's run wrote %d bytes to the console, want ≤ %d", n, maxRunOutput)
	}
}
