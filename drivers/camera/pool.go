package camera

import "fmt"

// Pool is a fixed set of frame buffers for one Format. A driver takes a
// frame with Get for each capture and drops the capture when none is
// free, so a consumer holding frames slows nothing down and nothing is
// allocated per frame. Safe for concurrent use.
type Pool struct {
	free chan *Frame
}

// NewPool allocates n frames for f (which must be valid). rawSize is the
// capacity of a Raw frame in bytes (the device's image size); it is
// ignored for Gray and RGBA.
func NewPool(n int, f Format, rawSize int) (*Pool, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	if n <= 0 {
		return nil, fmt.Errorf("camera: pool of %d frames", n)
	}
	size := bufferSize(f, rawSize)
	if size <= 0 {
		return nil, fmt.Errorf("camera: pool: raw frames need a size, got %d", rawSize)
	}
	p := &Pool{free: make(chan *Frame, n)}
	for range n {
		p.free <- &Frame{pool: p, buf: make([]byte, size)}
	}
	return p, nil
}

// bufferSize is the bytes one frame of f needs.
func bufferSize(f Format, rawSize int) int {
	switch f.Pixels {
	case Gray:
		return f.Width * f.Height
	case RGBA:
		return 4 * f.Width * f.Height
	}
	return rawSize
}

// Get takes a free frame, or returns nil when all are out.
func (p *Pool) Get() *Frame {
	select {
	case f := <-p.free:
		f.out.Store(true)
		return f
	default:
		return nil
	}
}

// Free is how many frames are in the pool now.
func (p *Pool) Free() int { return len(p.free) }

func (p *Pool) put(f *Frame) {
	select {
	case p.free <- f:
	default:
		// Cannot happen: a frame goes back once per Get.
	}
}
