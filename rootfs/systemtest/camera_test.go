package systemtest

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"payterm/rootfs"
)

// cameraRuns are the runs of the camera driver's test binary in the
// guest, one a line (see rootfs/testdata/inittests): streaming, the
// frame rate over 25 frames, and last, since it pulls vivid's virtual
// plug, the disconnect and the driver's recovery.
var cameraRuns = []string{
	"-test.v -test.count=1 -test.run ^TestRealDeviceStreams$",
	"-test.run ^$ -test.bench ^BenchmarkRealDeviceFrameRate$ -test.benchtime 25x",
	"-test.v -test.count=1 -test.run ^TestVividDisconnect$",
}

// buildCameraTests builds an image whose /init (inittests) runs the V4L2
// driver's tests against vivid on the guest's kernel: the driver's own
// tests, cross-built with cgo like the firmware.
func buildCameraTests(tb testing.TB, dir string) (rootfs.Result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	init := filepath.Join(dir, "inittests")
	if err := crossBuild(ctx, append(append([]string{"build"}, staticFlags...), "-o", init, "./rootfs/testdata/inittests")...); err != nil {
		return rootfs.Result{}, err
	}
	bin := filepath.Join(dir, "v4l2cam.test")
	if err := crossBuild(ctx, append(append([]string{"test", "-c"}, staticFlags...), "-o", bin, "./drivers/camera/v4l2cam")...); err != nil {
		return rootfs.Result{}, err
	}
	args := filepath.Join(dir, "v4l2cam.test.args")
	env := filepath.Join(dir, "env")
	if err := os.WriteFile(args, []byte(strings.Join(cameraRuns, "\n")+"\n"), 0o644); err != nil {
		return rootfs.Result{}, err
	}
	if err := os.WriteFile(env, []byte("PAYTERM_V4L2_DEVICE=/dev/video0\nPAYTERM_VIVID_DISCONNECT=1\n"), 0o644); err != nil {
		return rootfs.Result{}, err
	}
	return buildImage(ctx, tb, rootfs.Options{
		Init:   init,
		OutDir: filepath.Join(dir, "image"),
		NoDisk: true,
		Files: []rootfs.FileSpec{
			{Src: bin, Dst: "tests/v4l2cam.test", Perm: 0o755},
			{Src: args, Dst: "tests/v4l2cam.test.args"},
			{Src: env, Dst: "tests/env"},
		},
	})
}

// TestCameraInQEMU runs the V4L2 camera driver against vivid on the
// image's kernel: it streams, reports the frame rate, and comes back
// after vivid's Disconnect control pulls the virtual plug.
func TestCameraInQEMU(t *testing.T) {
	img := shared.camera(t)
	g := boot(t, rootfs.Machine{Kernel: img.Path(rootfs.OutImage), Initrd: img.Path(rootfs.OutInitrd), Append: rootfs.DefaultArgs})
	done, _ := g.wait(bootTimeout+2*time.Minute, 0, "payterm-tests-done")
	if runs := logValue(done.text, "runs"); runs != strconv.Itoa(len(cameraRuns)) {
		t.Errorf("%s runs of the driver's tests, want %d: %s", runs, len(cameraRuns), done.text)
	}
	for _, l := range g.con.find("payterm-test-exit") {
		if !strings.HasSuffix(l.text, "code=0") {
			t.Errorf("%s", l.text)
		}
	}
	for _, name := range []string{"TestRealDeviceStreams", "TestVividDisconnect"} {
		if len(g.con.find("--- PASS: "+name)) == 0 {
			t.Errorf("%s did not pass in the guest", name)
		}
	}
	if fps := vividFPS(g); fps <= 0 {
		t.Error("no frame rate from vivid")
	} else {
		t.Logf("vivid through the V4L2 driver: %.2f fps", fps)
	}
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
