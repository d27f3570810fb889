package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	_ "image/jpeg"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"payterm/internal/face"
	"payterm/internal/testphotos"
	"payterm/payhost/facerec/facerectest"
	"payterm/payhost/sandbox"
	"payterm/pos"
)

func loadFace(t *testing.T, name string) image.Image {
	t.Helper()
	f, err := os.Open(filepath.Join(testphotos.Dir(t), name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return img
}

// writeY4M writes frames of the part view of photo (photo pixels; what
// lies outside the photo is grey) scaled to w×h and moving slightly from
// frame to frame (a person in front of a camera, so the capture's
// liveness check passes), as a YUV4MPEG2 file for chromium's fake capture
// device, which loops it.
func writeY4M(t *testing.T, photo image.Image, view image.Rectangle, w, h, frames, fps int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "camera.y4m")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	bw := bufio.NewWriter(f)
	fmt.Fprintf(bw, "YUV4MPEG2 W%d H%d F%d:1 Ip A1:1 C420jpeg\n", w, h, fps)
	pb := photo.Bounds()
	for i := range frames {
		// A small loop of a few pixels, and a slight zoom breathing.
		dx := []int{0, 2, 4, 5, 4, 2, 0, -1}[i%8]
		dy := []int{0, 1, 2, 3, 4, 3, 2, 1}[i%8]
		zoom := 1000 + 8*((i/2)%4) // thousandths
		frame := image.NewRGBA(image.Rect(0, 0, w, h))
		draw.Draw(frame, frame.Rect, image.NewUniform(color.RGBA{90, 90, 90, 255}), image.Point{}, draw.Src)
		for y := range h {
			sy := view.Min.Y + view.Dy()/2 + (y-h/2-dy)*view.Dy()*1000/(h*zoom)
			for x := range w {
				sx := view.Min.X + view.Dx()/2 + (x-w/2-dx)*view.Dx()*1000/(w*zoom)
				if image.Pt(sx, sy).In(pb) {
					frame.Set(x, y, photo.At(sx, sy))
				}
			}
		}
		ycc := image.NewYCbCr(frame.Rect, image.YCbCrSubsampleRatio420)
		for y := range h {
			for x := range w {
				c := frame.RGBAAt(x, y)
				Y, cb, cr := color.RGBToYCbCr(c.R, c.G, c.B)
				ycc.Y[ycc.YOffset(x, y)] = Y
				if x%2 == 0 && y%2 == 0 {
					ci := ycc.COffset(x, y)
					ycc.Cb[ci], ycc.Cr[ci] = cb, cr
				}
			}
		}
		bw.WriteString("FRAME\n")
		bw.Write(ycc.Y)
		bw.Write(ycc.Cb)
		bw.Write(ycc.Cr)
	}
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	return path
}

// fakeWebcam are chromium's flags for a webcam that shows file and needs
// no permission prompt.
func fakeWebcam(file string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.Flag("use-fake-device-for-media-stream", true),
		chromedp.Flag("use-fake-ui-for-media-stream", true),
		chromedp.Flag("use-file-for-fake-video-capture", file),
	}
}

// webcamOn presses the page's "Use webcam" and waits until frames flow to
// the terminal's camera.
func (b *browser) webcamOn() {
	b.t.Helper()
	b.do("turn the webcam on", 20*time.Second,
		chromedp.Click(chromedp.ID("webcam-on"), chromedp.NodeVisible),
		chromedp.Poll[chromedp.Void](`window.camFramesSent >= 3`,
			chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second)))
}

// TestBrowserWebcamFeedsCamera: chromium's fake webcam, fed from a file,
// reaches the terminal through the page: frames keep being posted to the
// simulated camera.
func TestBrowserWebcamFeedsCamera(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test (-short)")
	}
	photo := loadFace(t, "obama2.jpg")
	y4m := writeY4M(t, photo, photo.Bounds(), 640, 480, 8, 10)
	s := startSystem(t, nil)
	b := openBrowser(t, s, fakeWebcam(y4m)...)
	b.webcamOn()
	start := eval[int](b, `window.camFramesSent`)
	b.do("more webcam frames", 20*time.Second,
		chromedp.Poll[chromedp.Void](fmt.Sprintf(`window.camFramesSent >= %d`, start+10),
			chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second)))
}

// EnrolFace enrols photo (a file of the shared test photos) for the
// account at the payment host, as a photo_jpeg enrolment.
func (s *system) EnrolFace(accountID, photo string) {
	s.t.Helper()
	b, err := os.ReadFile(filepath.Join(testphotos.Dir(s.t), photo))
	if err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.Host.Host.EnrolFace(context.Background(), accountID, sandbox.NewFace{PhotoJPEG: b}); err != nil {
		s.t.Fatalf("enrol %s: %v", photo, err)
	}
}

// waitCameraPicture waits until the face screen shows the camera's
// picture: its grey preview has a hundred or more grey levels, the screen
// without it one (white; its inks are tinted, not grey).
func (s *system) waitCameraPicture() {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	var n int
	for time.Now().Before(deadline) {
		img, _ := s.Screenshot()
		var greys [256]bool
		n = 0
		for i := 0; i+3 < len(img.Pix); i += 4 {
			if p := img.Pix[i : i+3]; p[0] == p[1] && p[1] == p[2] && !greys[p[0]] {
				greys[p[0]], n = true, n+1
			}
		}
		if n >= 100 {
			return
		}
		if st := s.State(); st.Screen != "face" {
			return // captured already: the picture was there
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("the face screen shows no camera picture (%d grey levels)", n)
}

// faceLeaks are what must never reach the log or the data directory: a
// face token beyond its masked form, and JPEG data (raw, or base64).
var faceLeaks = []struct {
	name string
	re   *regexp.Regexp
}{
	{"a face token", regexp.MustCompile(`face:[A-Za-z0-9_+/=-]{12,}`)},
	{"a JPEG in base64", regexp.MustCompile(`/9j/[A-Za-z0-9+/]{8}`)},
}

// jpegStarts are the first bytes of a JPEG: start of image, then the
// quantisation tables (Go's encoder), JFIF or Exif.
var jpegStarts = [][]byte{[]byte("\xff\xd8\xff\xdb"), []byte("\xff\xd8\xff\xe0"), []byte("\xff\xd8\xff\xe1")}

// checkNoFaceLeak scans the terminal's log and every file in its data
// directory (journal, ServiceID store) for face data.
func (s *system) checkNoFaceLeak() {
	s.t.Helper()
	check := func(where string, b []byte) {
		for _, l := range faceLeaks {
			if loc := l.re.FindIndex(b); loc != nil {
				s.t.Errorf("%s holds %s at byte %d", where, l.name, loc[0])
			}
		}
		for _, m := range jpegStarts {
			if i := bytes.Index(b, m); i >= 0 {
				s.t.Errorf("%s holds a JPEG at byte %d", where, i)
			}
		}
	}
	check("the terminal's log", []byte(s.Log.String()))
	filepath.WalkDir(s.cfg.DataDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			s.t.Fatal(err)
		}
		check(p, b)
		return nil
	})
}

// faceView is the part of a test photo a camera at arm's length would
// see: 4:3, five eye gaps high, around the face (eyes by hand,
// facerectest.HandEyes).
func faceView(t *testing.T, photo string) image.Rectangle {
	t.Helper()
	e, ok := facerectest.HandEyes[photo]
	if !ok {
		t.Fatalf("no eyes known for %s", photo)
	}
	gap := e.Right.X - e.Left.X
	h := 5 * gap
	w := h * 4 / 3
	cx, cy := (e.Left.X+e.Right.X)/2, (e.Left.Y+e.Right.Y)/2+gap/2
	return image.Rect(cx-w/2, cy-h/2, cx+w/2, cy+h/2)
}

// TestBrowserPaysByFace: the account holder enrolled obama.jpg; at the
// virtual terminal page with a webcam showing obama2.jpg (moving
// slightly), the customer confirms the order, chooses face, the face
// screen shows the camera's picture, the face is captured, sealed and
// identified: paid, and the balance drops by exactly the total. Showing
// biden.jpg instead, the face is unknown: not paid, nothing charged.
// Neither leaves a face or a token in the log, journal or store.
func TestBrowserPaysByFace(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test with the face-recognition model (-short)")
	}
	for _, tc := range []struct {
		photo string
		paid  bool
	}{
		{"obama2.jpg", true},
		{"biden.jpg", false},
	} {
		t.Run(strings.TrimSuffix(tc.photo, ".jpg"), func(t *testing.T) {
			photo := loadFace(t, tc.photo)
			y4m := writeY4M(t, photo, faceView(t, tc.photo), 640, 480, 16, 10)
			// The payment host recognises faces with the real network
			// and crops enrolment photos as the terminal crops faces.
			s := startSystemWith(t, sandbox.Options{Recognizer: facerectest.Net(t), Cropper: face.CropPhoto}, nil)
			const balance = 100000
			cust := s.Customer(balance)
			s.EnrolFace(cust.ID, "obama.jpg")
			b := openBrowser(t, s, fakeWebcam(y4m)...)
			b.webcamOn()
			o, err := pos.SampleOrder("T-FACE-" + strings.TrimSuffix(tc.photo, ".jpg"))
			if err != nil {
				t.Fatal(err)
			}
			done := payAsync(t, s.Agent(), o, pos.Direct)

			b.waitScreen("order")
			b.click("confirm", "")
			b.waitScreen("method")
			b.click("choose-face", "")
			s.WaitScreen("face")
			s.waitCameraPicture()

			out := waitPay(t, done)
			if out.Paid != tc.paid || out.Hash != o.Hash() {
				t.Fatalf("POS outcome %v, want paid=%t for %s", out, tc.paid, o.Hash())
			}
			want := int64(balance)
			if tc.paid {
				want -= o.Total
				s.WaitScreen("paid")
			} else if st := s.WaitScreen("failed"); !strings.Contains(st.Message, "face not recognised") {
				t.Errorf("failed screen says %q", st.Message)
			}
			if got := s.Balance(cust.ID); got != want {
				t.Fatalf("balance %d, want %d (total %d)", got, want, o.Total)
			}
			s.checkNoFaceLeak()
		})
	}
}
