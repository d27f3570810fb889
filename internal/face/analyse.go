package face

import (
	"image"
	"math"
)

// found is one face after suppression, in frame pixels.
type found struct {
	centre point
	size   float64 // side of the detector's square window
	score  float32
}

func (f found) box() image.Rectangle {
	h := f.size / 2
	return image.Rect(int(f.centre.X-h), int(f.centre.Y-h), int(math.Ceil(f.centre.X+h)), int(math.Ceil(f.centre.Y+h)))
}

// landmarks are one face's points in frame pixels; "left" is the
// image's left.
type landmarks struct {
	leftEye, rightEye, nose, mouthLeft, mouthRight, chin point
}

// analyser holds the scratch one picture's analysis needs, reused from
// frame to frame; not safe for concurrent use.
type analyser struct {
	m        *models
	cands    []candidate
	clusters []cluster
	faces    []found
	loc      locScratch
	half     []byte
	det      detScratch
}

const (
	maxCandidates = 4096
	maxFaces      = 16
)

func newAnalyser(m *models) *analyser {
	return &analyser{m: m, cands: make([]candidate, 0, maxCandidates),
		clusters: make([]cluster, 0, maxFaces), faces: make([]found, 0, maxFaces)}
}

// detect finds faces in g, at half resolution when halve is set (four
// times fewer windows; a face at arm's length is still 50+ pixels
// there). sw is in g's pixels. Faces whose summed score is under
// minScore are dropped; the rest come strongest first.
func (a *analyser) detect(g grayView, halve bool, sw sweep, minScore float32) []found {
	v, k := g, 1.0
	if halve {
		v, k = a.halve(g), 2
		sw.MinSize, sw.MaxSize = sw.MinSize/2, sw.MaxSize/2
	}
	a.cands = a.m.faces.run(v.pix, v.dim, v.rows, v.cols, sw, &a.det, a.cands[:0])
	a.clusters = suppress(a.cands, 0.3, a.clusters)
	a.faces = a.faces[:0]
	for _, c := range a.clusters {
		if c.score < minScore {
			continue
		}
		// Pixel i of the half picture covers full pixels 2i and 2i+1.
		a.faces = append(a.faces, found{
			centre: point{(float64(c.Col) + 0.5) * k, (float64(c.Row) + 0.5) * k},
			size:   float64(c.Size) * k, score: c.score,
		})
	}
	return a.faces
}

// halve averages 2×2 blocks of g into the analyser's half picture.
func (a *analyser) halve(g grayView) grayView {
	w, h := g.cols/2, g.rows/2
	if cap(a.half) < w*h {
		a.half = make([]byte, w*h)
	}
	a.half = a.half[:w*h]
	for y := range h {
		r0 := g.pix[2*y*g.dim:]
		r1 := g.pix[(2*y+1)*g.dim:]
		d := a.half[y*w : (y+1)*w]
		for x := range d {
			d[x] = byte((int(r0[2*x]) + int(r0[2*x+1]) + int(r1[2*x]) + int(r1[2*x+1]) + 2) >> 2)
		}
	}
	return grayView{pix: a.half, dim: w, rows: h, cols: w}
}

// landmarks places the pupils from the face window (pigo's starting
// points) with nEyes perturbed starts, then nose, mouth corners and chin
// from the pupils with nRest each.
func (a *analyser) landmarks(g grayView, f found, nEyes, nRest int) landmarks {
	m := a.m
	var lm landmarks
	lm.leftEye, lm.rightEye = a.pupils(g, f, nEyes)
	d := lm.leftEye.dist(lm.rightEye)
	e := mid(lm.leftEye, lm.rightEye)
	r, c, sc := float32(e.Y+0.25*d), float32(e.X+0.15*d), float32(3*d)
	lm.nose = m.nose.locate(g, m.jit, &a.loc, r, c, sc, nRest, false)
	lm.mouthLeft = m.mouth.locate(g, m.jit, &a.loc, r, c, sc, nRest, false)
	lm.mouthRight = m.mouth.locate(g, m.jit, &a.loc, r, c, sc, nRest, true)
	lm.chin = m.chin.locate(g, m.jit, &a.loc, r, c, sc, nRest, false)
	return lm
}

// pupils places both pupils, image-left first.
func (a *analyser) pupils(g grayView, f found, n int) (left, right point) {
	m := a.m
	s := float32(f.size)
	cy, cx := float32(f.centre.Y), float32(f.centre.X)
	left = m.pupil.locate(g, m.jit, &a.loc, cy-0.075*s, cx-0.175*s, 0.25*s, n, false)
	right = m.pupil.locate(g, m.jit, &a.loc, cy-0.075*s, cx+0.185*s, 0.25*s, n, false)
	return left, right
}

// viewOf reads an *image.Gray as the cascades do.
func viewOf(g *image.Gray) grayView {
	b := g.Rect
	return grayView{pix: g.Pix[g.PixOffset(b.Min.X, b.Min.Y):], dim: g.Stride, rows: b.Dy(), cols: b.Dx()}
}
