package camsim_test

import (
	"context"
	"fmt"

	"payterm/drivers/camera"
	"payterm/drivers/camera/camsim"
)

func Example() {
	cam := camsim.New(camsim.Options{FPS: 30})
	defer cam.Halt()
	if err := cam.Start(context.Background(), camera.Format{Width: 320, Height: 240, Pixels: camera.RGBA}); err != nil {
		panic(err)
	}
	f := <-cam.Frames()
	fmt.Println(f.Width, f.Height, f.Pixels, f.RGBA().Bounds())
	f.Release()
	// Output: 320 240 RGBA (0,0)-(320,240)
}
