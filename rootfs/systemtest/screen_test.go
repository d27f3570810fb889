package systemtest

import (
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"payterm/board"
	"payterm/firmware/checkout"
	"payterm/rootfs"
	"payterm/ui"
)

// The terminal's name on its idle screen: the firmware's dev default POI
// ID, which the image runs with.
const poiID = "PT1-0001"

// Limits for "the same screen": the guest draws with the same renderer,
// fonts and layout as the host, so only rounding could differ (arm64's
// fused multiply-add in the glyph rasteriser, the framebuffer's 32-bit
// conversion), and only by a few levels. Text that differs by one letter
// has some eighty pixels off by far more than offLevel
// (TestScreenDiffTellsScreensApart).
const (
	maxMeanDiff  = 1.0 // mean absolute difference per channel, 0–255
	maxOffPixels = 4   // pixels off by more than offLevel in some channel
	offLevel     = 48
)

// host renders checkout views as the terminal does: the qemu-virt
// board's panel, the fonts the image carries, the terminal's name.
type host struct {
	t testing.TB
	r *ui.Renderer
}

func newHost(t testing.TB) *host {
	t.Helper()
	fonts, err := ui.LoadFonts(cjkFont)
	if err != nil {
		t.Fatal(err)
	}
	d := board.QEMUVirt.Display
	r, err := ui.New(ui.Options{Layout: ui.Layout{W: d.Width, H: d.Height, Rotation: d.Rotation}, Fonts: fonts, Name: poiID})
	if err != nil {
		t.Fatal(err)
	}
	return &host{t: t, r: r}
}

// render draws v and returns a copy of the panel and its buttons.
func (h *host) render(v checkout.View) (*image.RGBA, []ui.Button) {
	img, _ := h.r.Render(v)
	cp := image.NewRGBA(img.Bounds())
	copy(cp.Pix, img.Pix)
	return cp, h.r.Buttons()
}

// button is the centre of the button with action on the screen last
// rendered.
func (h *host) button(act checkout.Action) image.Point {
	h.t.Helper()
	for _, b := range h.r.Buttons() {
		if b.Action == act {
			return image.Pt((b.Rect.Min.X+b.Rect.Max.X)/2, (b.Rect.Min.Y+b.Rect.Max.Y)/2)
		}
	}
	h.t.Fatalf("no %v button on the host's screen", act)
	return image.Point{}
}

// screenDiff compares two screens: the mean absolute difference per
// channel, and the number of pixels off by more than offLevel.
func screenDiff(a, b *image.RGBA) (mean float64, off int, err error) {
	if a.Bounds().Size() != b.Bounds().Size() {
		return 0, 0, fmt.Errorf("screen sizes %v and %v", a.Bounds().Size(), b.Bounds().Size())
	}
	w, h := a.Bounds().Dx(), a.Bounds().Dy()
	var sum, offN int64
	for y := 0; y < h; y++ {
		pa, pb := a.Pix[y*a.Stride:], b.Pix[y*b.Stride:]
		for x := 0; x < w; x++ {
			worst := 0
			for c := 0; c < 3; c++ {
				d := int(pa[4*x+c]) - int(pb[4*x+c])
				if d < 0 {
					d = -d
				}
				sum += int64(d)
				worst = max(worst, d)
			}
			if worst > offLevel {
				offN++
			}
		}
	}
	return float64(sum) / (3 * float64(w*h)), int(offN), nil
}

func sameScreen(mean float64, off int) bool { return mean <= maxMeanDiff && off <= maxOffPixels }

// screendump reads the guest's screen.
func (g *guest) screendump(ctx context.Context) (*image.RGBA, error) {
	path := filepath.Join(g.dir, "screen.ppm")
	if err := g.qmp.Screendump(ctx, path); err != nil {
		return nil, err
	}
	defer os.Remove(path)
	return rootfs.ReadPPMFile(path)
}

// waitScreen polls the guest's screen until it shows want (within the
// limits above) and returns how long that took. On a timeout both
// images are saved as PNG and named in the failure.
func (g *guest) waitScreen(name string, want *image.RGBA) time.Duration {
	g.t.Helper()
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), screenTimeout)
	defer cancel()
	var last *image.RGBA
	var mean float64
	var off int
	for {
		shot, err := g.screendump(ctx)
		if err == nil {
			last = shot
			if mean, off, err = screenDiff(shot, want); err == nil && sameScreen(mean, off) {
				if os.Getenv(keepScreensEnv) != "" {
					g.t.Logf("screen %q: %.3f mean difference, %d pixels off; %s", name, mean, off, g.saveScreens(name, shot, want))
				}
				return time.Since(start)
			}
		}
		select {
		case <-ctx.Done():
			files := g.saveScreens(name, last, want)
			g.t.Fatalf("screen %q not shown after %v: last screendump differs by %.2f mean, %d pixels (limits %.2f, %d); err %v; %s",
				name, screenTimeout, mean, off, maxMeanDiff, maxOffPixels, err, files)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// checkScreen fails unless the guest's screen shows want now.
func (g *guest) checkScreen(name string, want *image.RGBA) {
	g.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	defer cancel()
	shot, err := g.screendump(ctx)
	if err != nil {
		g.t.Fatalf("screendump: %v", err)
	}
	mean, off, err := screenDiff(shot, want)
	if err != nil || !sameScreen(mean, off) {
		g.t.Fatalf("screen %q: differs by %.2f mean, %d pixels; err %v; %s", name, mean, off, err, g.saveScreens(name, shot, want))
	}
}

// keepScreensEnv, when set, makes waitScreen save every screen it
// matched, for a person to look at.
const keepScreensEnv = "PAYTERM_KEEP_SCREENS"

// saveScreens writes what the guest showed and what the host expected
// where they outlive the test, for a person to look at.
func (g *guest) saveScreens(name string, got, want *image.RGBA) string {
	dir := filepath.Join(os.TempDir(), "payterm-systemtest-screens")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err.Error()
	}
	base := strings.NewReplacer("/", "-", " ", "-").Replace(g.t.Name() + "-" + name)
	var saved []string
	for _, s := range []struct {
		suffix string
		img    *image.RGBA
	}{{"guest", got}, {"host", want}} {
		if s.img == nil {
			continue
		}
		p := filepath.Join(dir, base+"-"+s.suffix+".png")
		f, err := os.Create(p)
		if err != nil {
			continue
		}
		if png.Encode(f, s.img) == nil {
			saved = append(saved, p)
		}
		f.Close()
	}
	return "screens saved: " + strings.Join(saved, " ")
}

// tap touches the panel at p through the virtio tablet.
func (g *guest) tap(p image.Point) {
	g.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	d := board.QEMUVirt.Display
	if err := g.qmp.Tap(ctx, p.X, p.Y, d.Width, d.Height); err != nil {
		g.t.Fatalf("tap at %v: %v", p, err)
	}
}
