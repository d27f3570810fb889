package facerec

import "gonum.org/v1/gonum/mat"

// tensor is an H×W×C activation in HWC order, like TensorFlow's NHWC
// with N = 1.
type tensor struct {
	h, w, c int
	d       []float64
}

func newTensor(h, w, c int) tensor { return tensor{h: h, w: w, c: c, d: make([]float64, h*w*c)} }

func relu(t tensor) {
	for i, v := range t.d {
		if v < 0 {
			t.d[i] = 0
		}
	}
}

// apply convolves x with the layer by im2col and one matrix product.
// same pads (k-1)/2 on every side (TensorFlow's 'same' for odd k and
// stride 1); otherwise 'valid'.
func (l convLayer) apply(x tensor, stride int, same bool) tensor {
	pad := 0
	if same {
		pad = (l.k - 1) / 2
	}
	oh := (x.h+2*pad-l.k)/stride + 1
	ow := (x.w+2*pad-l.k)/stride + 1
	kk := l.k * l.k * x.c
	cols := make([]float64, oh*ow*kk)
	for oy := 0; oy < oh; oy++ {
		for ox := 0; ox < ow; ox++ {
			row := cols[(oy*ow+ox)*kk:]
			i := 0
			for ky := 0; ky < l.k; ky++ {
				iy := oy*stride + ky - pad
				for kx := 0; kx < l.k; kx++ {
					ix := ox*stride + kx - pad
					if iy >= 0 && iy < x.h && ix >= 0 && ix < x.w {
						copy(row[i:i+x.c], x.d[(iy*x.w+ix)*x.c:])
					} // else: zeros, as allocated
					i += x.c
				}
			}
		}
	}
	out := newTensor(oh, ow, l.out)
	res := mat.NewDense(oh*ow, l.out, out.d)
	res.Mul(mat.NewDense(oh*ow, kk, cols), l.w)
	for p := 0; p < oh*ow; p++ {
		row := out.d[p*l.out : (p+1)*l.out]
		for o, b := range l.b {
			row[o] += b
		}
	}
	return out
}

// maxPool3x3s2 is a 3×3 max-pool with stride 2, 'valid'.
func maxPool3x3s2(x tensor) tensor {
	oh, ow := (x.h-3)/2+1, (x.w-3)/2+1
	out := newTensor(oh, ow, x.c)
	for oy := 0; oy < oh; oy++ {
		for ox := 0; ox < ow; ox++ {
			dst := out.d[(oy*ow+ox)*x.c : (oy*ow+ox+1)*x.c]
			copy(dst, x.d[(2*oy*x.w+2*ox)*x.c:])
			for ky := 0; ky < 3; ky++ {
				for kx := 0; kx < 3; kx++ {
					src := x.d[((2*oy+ky)*x.w+2*ox+kx)*x.c:]
					for c := range dst {
						if src[c] > dst[c] {
							dst[c] = src[c]
						}
					}
				}
			}
		}
	}
	return out
}

// avgPool2x2 is a 2×2 average pool with stride 2, 'valid'.
func avgPool2x2(x tensor) tensor {
	oh, ow := x.h/2, x.w/2
	out := newTensor(oh, ow, x.c)
	for oy := 0; oy < oh; oy++ {
		for ox := 0; ox < ow; ox++ {
			dst := out.d[(oy*ow+ox)*x.c : (oy*ow+ox+1)*x.c]
			for ky := 0; ky < 2; ky++ {
				for kx := 0; kx < 2; kx++ {
					src := x.d[((2*oy+ky)*x.w+2*ox+kx)*x.c:]
					for c := range dst {
						dst[c] += src[c]
					}
				}
			}
			for c := range dst {
				dst[c] /= 4
			}
		}
	}
	return out
}

// padTo grows x to h×w with zeros at the bottom and right; x is returned
// unchanged when it is that size already.
func padTo(x tensor, h, w int) tensor {
	if x.h == h && x.w == w {
		return x
	}
	out := newTensor(h, w, x.c)
	for y := 0; y < x.h; y++ {
		copy(out.d[y*w*x.c:], x.d[y*x.w*x.c:(y+1)*x.w*x.c])
	}
	return out
}
