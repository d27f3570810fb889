package face

import (
	"image"
	"slices"
	"testing"
	"time"

	"payterm/drivers/camera"
)

// BenchmarkFrame640x480: one YUYV camera frame through luma, detection,
// landmarks and every gate (the face path: the costliest frame). Reports
// p50-ms and p99-ms per frame.
func BenchmarkFrame640x480(b *testing.B) {
	for _, tc := range []struct {
		name string
		face bool
	}{{"Face", true}, {"Empty", false}} {
		b.Run(tc.name, func(b *testing.B) {
			pic := image.NewRGBA(image.Rect(0, 0, 640, 480))
			if tc.face {
				pic = compose(loadPhoto(b, "obama.jpg"), framings["obama.jpg"], 0, 0, 1)
			}
			f := yuyvFrame(pic)
			p, err := NewPipeline(Config{})
			if err != nil {
				b.Fatal(err)
			}
			now := time.Unix(0, 0)
			ds := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			c0 := cpuNow()
			for range b.N {
				t0 := time.Now()
				r := p.FeedFrame(f, now)
				ds = append(ds, time.Since(t0))
				if tc.face && r.Guidance != Ready {
					b.Fatalf("guidance %v", r.Guidance)
				}
				p.Reset()
				now = now.Add(framePeriod)
			}
			b.StopTimer()
			b.ReportMetric(float64(cpuNow()-c0)/1e6/float64(b.N), "cpu-ms")
			slices.Sort(ds)
			b.ReportMetric(float64(ds[len(ds)/2])/1e6, "p50-ms")
			b.ReportMetric(float64(ds[len(ds)*99/100])/1e6, "p99-ms")
		})
	}
}

// BenchmarkFaceToCrop: a customer steps in front of a 15 fps camera and
// sways; frames until Done (face-to-crop-frames), that many frame periods
// (face-to-crop-s), and the wall time of the crop itself (crop-ms).
func BenchmarkFaceToCrop(b *testing.B) {
	sc := newScene(loadPhoto(b, "obama.jpg"), framings["obama.jpg"])
	var frames []*camera.Frame
	for i := range 30 {
		dx, dy, gain := sway(i)
		frames = append(frames, yuyvFrame(sc.frame(int(dx+0.5), int(dy+0.5), gain)))
	}
	p, err := NewPipeline(Config{})
	if err != nil {
		b.Fatal(err)
	}
	var n int
	var crop time.Duration
	b.ResetTimer()
	for range b.N {
		p.Reset()
		now := time.Unix(0, 0)
		n = 0
		for _, f := range frames {
			n++
			if p.FeedFrame(f, now).Done {
				break
			}
			now = now.Add(framePeriod)
		}
		t0 := time.Now()
		c := p.Crop()
		crop = time.Since(t0)
		if c == nil {
			b.Fatal("no crop")
		}
		Wipe(c)
	}
	b.ReportMetric(float64(n), "face-to-crop-frames")
	b.ReportMetric((time.Duration(n) * framePeriod).Seconds(), "face-to-crop-s")
	b.ReportMetric(float64(crop)/1e6, "crop-ms")
}
