package camera_test

import (
	"context"
	"fmt"

	"payterm/drivers/camera"
)

// A driver's per-frame path: a pooled frame, a conversion, a hand-over
// that keeps only the newest frame, and the consumer's Release.
func Example() {
	f := camera.Format{Width: 4, Height: 2, Encoding: camera.YUYV, Pixels: camera.Gray}
	pool, err := camera.NewPool(2, f, 0)
	if err != nil {
		panic(err)
	}
	conv, err := camera.NewConverter(f, 0)
	if err != nil {
		panic(err)
	}
	// Two rows of Y Cb Y Cr: lumas 16, 60, 110, 235 and 20, 40, 80, 160.
	captured := []byte{
		16, 128, 60, 128, 110, 128, 235, 128,
		20, 128, 40, 128, 80, 128, 160, 128,
	}
	frames := make(chan *camera.Frame, 1)

	fr := pool.Get()
	if err := conv.Convert(fr, captured); err != nil {
		panic(err)
	}
	camera.Offer(frames, fr)

	got := <-frames
	fmt.Println(got.Width, got.Height, got.Pixels, got.Gray().Pix)
	got.Release()
	fmt.Println("free frames:", pool.Free())
	// Output:
	// 4 2 gray [16 60 110 235 20 40 80 160]
	// free frames: 2
}

func ExampleNone() {
	err := camera.None.Start(context.Background(), camera.Format{})
	fmt.Println(err)
	// Output: camera: this board has no camera
}
