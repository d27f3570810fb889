package facerec

import (
	"fmt"
	"image"

	"gonum.org/v1/gonum/mat"
)

// Net is the loaded network. It is immutable, so Descriptor is safe for
// concurrent use; each call allocates its own activations.
type Net struct {
	stem   convLayer // 7×7/2 'valid', 3 → 32, ReLU; then 3×3/2 max-pool
	blocks []block   // the residual stages, in order
	fc     *mat.Dense
}

// convLayer is a convolution with face-api's bias and affine "scale"
// layer folded in: out = conv(x, w) + b, weights per output channel.
type convLayer struct {
	k, in, out int
	w          *mat.Dense // (k·k·in) × out, rows in TensorFlow's [ky][kx][cin] order
	b          []float64
}

// block is a residual block; down blocks halve the size with a 3×3/2
// 'valid' conv and add a 2×2 average-pooled, zero-channel-padded shortcut.
type block struct {
	down         bool
	conv1, conv2 convLayer
}

// stages lists the residual blocks as face-api's FaceRecognitionNet runs
// them: name, input and output channels, and whether it downsamples.
var stages = []struct {
	name    string
	in, out int
	down    bool
}{
	{"conv32_1", 32, 32, false}, {"conv32_2", 32, 32, false}, {"conv32_3", 32, 32, false},
	{"conv64_down", 32, 64, true}, {"conv64_1", 64, 64, false}, {"conv64_2", 64, 64, false}, {"conv64_3", 64, 64, false},
	{"conv128_down", 64, 128, true}, {"conv128_1", 128, 128, false}, {"conv128_2", 128, 128, false},
	{"conv256_down", 128, 256, true}, {"conv256_1", 256, 256, false}, {"conv256_2", 256, 256, false},
	{"conv256_down_out", 256, 256, true},
}

// build assembles the network from the manifest's tensors.
func build(w map[string]tensorData) (*Net, error) {
	var n Net
	var err error
	if n.stem, err = loadConv(w, "conv32_down", 7, 3, 32); err != nil {
		return nil, err
	}
	for _, s := range stages {
		b := block{down: s.down}
		if b.conv1, err = loadConv(w, s.name+"/conv1", 3, s.in, s.out); err != nil {
			return nil, err
		}
		if b.conv2, err = loadConv(w, s.name+"/conv2", 3, s.out, s.out); err != nil {
			return nil, err
		}
		n.blocks = append(n.blocks, b)
	}
	fc, err := take(w, "fc", 256, len(Descriptor{}))
	if err != nil {
		return nil, err
	}
	n.fc = mat.NewDense(256, len(Descriptor{}), fc)
	return &n, nil
}

// loadConv reads prefix/conv/{filters,bias} and prefix/scale/{weights,biases}
// and folds them: (conv + bias)·s + t = conv·s + (bias·s + t).
func loadConv(w map[string]tensorData, prefix string, k, in, out int) (convLayer, error) {
	f, err := take(w, prefix+"/conv/filters", k, k, in, out)
	if err != nil {
		return convLayer{}, err
	}
	bias, err := take(w, prefix+"/conv/bias", out)
	if err != nil {
		return convLayer{}, err
	}
	s, err := take(w, prefix+"/scale/weights", out)
	if err != nil {
		return convLayer{}, err
	}
	t, err := take(w, prefix+"/scale/biases", out)
	if err != nil {
		return convLayer{}, err
	}
	folded := make([]float64, len(f))
	for i, v := range f {
		folded[i] = v * s[i%out]
	}
	b := make([]float64, out)
	for o := range b {
		b[o] = bias[o]*s[o] + t[o]
	}
	return convLayer{k: k, in: in, out: out, w: mat.NewDense(k*k*in, out, folded), b: b}, nil
}

// meanRGB is the per-channel mean face-api subtracts before dividing by 255.
var meanRGB = [3]float64{122.782, 117.001, 104.298}

// Descriptor computes img's descriptor. img must be InputSize×InputSize;
// its colours are taken as 8-bit sRGB (alpha ignored).
func (n *Net) Descriptor(img image.Image) (Descriptor, error) {
	if img == nil {
		return Descriptor{}, fmt.Errorf("facerec: descriptor: no image")
	}
	b := img.Bounds()
	if b.Dx() != InputSize || b.Dy() != InputSize {
		return Descriptor{}, fmt.Errorf("facerec: descriptor: image is %dx%d, want %dx%d", b.Dx(), b.Dy(), InputSize, InputSize)
	}
	return n.forward(RGB(img)), nil
}

// RGB returns img's pixels as 8-bit R, G, B triples, row by row — the
// exact bytes Descriptor feeds the network.
func RGB(img image.Image) []byte {
	b := img.Bounds()
	px := make([]byte, 0, 3*b.Dx()*b.Dy())
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			px = append(px, byte(r>>8), byte(g>>8), byte(bl>>8))
		}
	}
	return px
}

// forward runs the network on InputSize² RGB pixels.
func (n *Net) forward(rgb []byte) Descriptor {
	x := newTensor(InputSize, InputSize, 3)
	for i, v := range rgb {
		x.d[i] = (float64(v) - meanRGB[i%3]) / 255
	}
	x = n.stem.apply(x, 2, false)
	relu(x)
	x = maxPool3x3s2(x)
	for _, b := range n.blocks {
		x = b.apply(x)
	}
	// Global average over the positions, then the 256 → 128 projection.
	avg := mat.NewDense(1, x.c, nil)
	pos := x.h * x.w
	for i := 0; i < pos; i++ {
		for c := 0; c < x.c; c++ {
			avg.Set(0, c, avg.At(0, c)+x.d[i*x.c+c])
		}
	}
	avg.Scale(1/float64(pos), avg)
	var out mat.Dense
	out.Mul(avg, n.fc)
	var d Descriptor
	for i := range d {
		d[i] = float32(out.At(0, i))
	}
	return d
}

// apply runs one residual block.
func (b block) apply(x tensor) tensor {
	stride, same := 1, true
	if b.down {
		stride, same = 2, false
	}
	y := b.conv1.apply(x, stride, same)
	relu(y)
	y = b.conv2.apply(y, 1, true)
	short := x
	if b.down {
		short = avgPool2x2(x)
		// The conv path comes out one smaller when the size is even but
		// not a multiple of the stride pattern; face-api pads it with a
		// zero row and column at the end to meet the pooled shortcut.
		y = padTo(y, short.h, short.w)
	}
	for i := 0; i < y.h*y.w; i++ {
		row := y.d[i*y.c : (i+1)*y.c]
		srow := short.d[i*short.c : (i+1)*short.c]
		for c, v := range srow { // extra channels of y add zeros
			row[c] += v
		}
	}
	relu(y)
	return y
}
