package face

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// The cascades are pigo v1.4.6's files (see cascade/README.md), read by
// this package's own evaluator: pigo's RunCascade and RunDetector
// allocate on every call and perturb with the global random source, so
// frames would neither be allocation-free nor reproducible. The
// evaluator reads the same files and computes what pigo computes
// (TestDetectorMatchesPigo).
var (
	//go:embed cascade/facefinder
	facefinderFile []byte
	//go:embed cascade/puploc
	puplocFile []byte
	//go:embed cascade/lp93
	noseFile []byte
	//go:embed cascade/lp84
	mouthFile []byte
	//go:embed cascade/lp82
	chinFile []byte
)

var errCascade = errors.New("face: cascade file is malformed")

// detector is pigo's face classifier: binary trees of pixel comparisons
// whose leaf scores add up, with an early exit after each tree.
type detector struct {
	depth  int
	leaves int       // 2^depth
	codes  []int8    // per tree 4×leaves; node i's offsets at 4i (i from 1)
	preds  []float32 // per tree: leaves
	thresh []float32 // per tree
}

// parseDetector reads a facefinder file: 8 bytes skipped, depth and
// tree count (little-endian uint32), then per tree 4×(2^depth−1) signed
// offsets, 2^depth float32 leaf scores and a float32 threshold.
func parseDetector(b []byte) (*detector, error) {
	if len(b) < 16 {
		return nil, errCascade
	}
	depth := int(binary.LittleEndian.Uint32(b[8:]))
	n := int(binary.LittleEndian.Uint32(b[12:]))
	if depth < 1 || depth > 12 || n < 1 {
		return nil, fmt.Errorf("%w: depth %d, %d trees", errCascade, depth, n)
	}
	leaves := 1 << depth
	per := 4*(leaves-1) + 4*leaves + 4
	if (len(b)-16)/per < n {
		return nil, fmt.Errorf("%w: %d trees need %d bytes, have %d", errCascade, n, 16+n*per, len(b))
	}
	d := &detector{depth: depth, leaves: leaves,
		codes: make([]int8, 0, n*4*leaves), preds: make([]float32, 0, n*leaves), thresh: make([]float32, 0, n)}
	pos := 16
	for range n {
		d.codes = append(d.codes, 0, 0, 0, 0)
		for _, c := range b[pos : pos+4*(leaves-1)] {
			d.codes = append(d.codes, int8(c))
		}
		pos += 4 * (leaves - 1)
		for range leaves {
			d.preds = append(d.preds, math.Float32frombits(binary.LittleEndian.Uint32(b[pos:])))
			pos += 4
		}
		d.thresh = append(d.thresh, math.Float32frombits(binary.LittleEndian.Uint32(b[pos:])))
		pos += 4
	}
	return d, nil
}

// candidate is one window the detector accepted: centre (Row, Col), side
// Size, score Q.
type candidate struct {
	Row, Col, Size int
	Q              float32
}

// sweep is how windows are laid over a picture.
type sweep struct {
	MinSize, MaxSize int     // window sides tried, in pixels
	Shift            float64 // step between windows, as a share of the side
	Scale            float64 // growth of the side from one pass to the next
}

// offsets are, for one window side and row stride, each node's two
// pixel offsets from the window's centre. pigo computes
// ((256r + code·s) >> 8)·dim + …, which is r·dim + c + (code·s >> 8)·dim
// + … because 256r is a multiple of 256: the node's offset depends on
// the side only, so it is computed once per side rather than per window.
type offsets struct {
	size, dim int
	off       []int32 // per tree: 2×leaves, node i's pair at 2i (i from 1)
}

// offsetsFor finds or makes the offsets for side s and stride dim in
// cache; a pipeline's sides are fixed, so after its first frame this
// only looks them up.
func (d *detector) offsetsFor(cache *[]offsets, s, dim int) []int32 {
	for _, o := range *cache {
		if o.size == s && o.dim == dim {
			return o.off
		}
	}
	off := make([]int32, len(d.thresh)*2*d.leaves)
	step := 4 * d.leaves
	for t := range d.thresh {
		for i := 1; i < d.leaves; i++ {
			n := d.codes[t*step+4*i : t*step+4*i+4]
			off[t*2*d.leaves+2*i] = int32(((int(n[0])*s)>>8)*dim + ((int(n[1]) * s) >> 8))
			off[t*2*d.leaves+2*i+1] = int32(((int(n[2])*s)>>8)*dim + ((int(n[3]) * s) >> 8))
		}
	}
	*cache = append(*cache, offsets{size: s, dim: dim, off: off})
	return off
}

// classifyAt scores the window whose centre is pix[base]; ≤ 0 means
// "not a face".
func (d *detector) classifyAt(pix []byte, base int, off []int32) float32 {
	var out float32
	w := 2 * d.leaves
	for t, th := range d.thresh {
		o := off[t*w : (t+1)*w : (t+1)*w]
		idx := 1
		for range d.depth {
			// idx+1 when the first pixel is not brighter, without a branch:
			// the comparison goes either way at random, so a branch would be
			// mispredicted half the time.
			a, b := int(pix[base+int(o[2*idx])]), int(pix[base+int(o[2*idx+1])])
			idx = 2*idx + int(uint(a-b-1)>>63)
		}
		out += d.preds[t*d.leaves+idx-d.leaves]
		if out <= th {
			return -1
		}
	}
	return out - d.thresh[len(d.thresh)-1]
}

// run slides windows over a rows×cols picture as pigo's RunCascade does
// and appends the accepted ones to out without growing it: once out is
// full, further windows are dropped (cap it generously).
func (d *detector) run(pix []byte, dim, rows, cols int, sw sweep, cache *[]offsets, out []candidate) []candidate {
	for s := sw.MinSize; s <= sw.MaxSize; s = int(float64(s) + math.Max(2, float64(s)*sw.Scale-float64(s))) {
		off := d.offsetsFor(cache, s, dim)
		step := max(int(sw.Shift*float64(s)), 1)
		half := s/2 + 1
		for r := half; r <= rows-half; r += step {
			for c := half; c <= cols-half; c += step {
				if q := d.classifyAt(pix, r*dim+c, off); q > 0 && len(out) < cap(out) {
					out = append(out, candidate{Row: r, Col: c, Size: s, Q: q})
				}
			}
		}
	}
	return out
}

// localiser is pigo's point localiser (puploc and the lp* landmark
// files): stages of regression trees that move a point and shrink its
// search scale.
type localiser struct {
	stages, trees, depth, leaves int
	shrink                       float32
	codes                        []int8    // per stage and tree: 4×(leaves−1)
	preds                        []float32 // per stage and tree: 2×leaves (Δrow, Δcol)
}

// parseLocaliser reads a puploc-format file: stages, scale factor
// (float32), trees per stage and depth, then per tree 4×(2^depth−1)
// offsets and 2^depth pairs of float32 moves.
func parseLocaliser(b []byte) (*localiser, error) {
	if len(b) < 16 {
		return nil, errCascade
	}
	l := &localiser{
		stages: int(binary.LittleEndian.Uint32(b)),
		shrink: math.Float32frombits(binary.LittleEndian.Uint32(b[4:])),
		trees:  int(binary.LittleEndian.Uint32(b[8:])),
		depth:  int(binary.LittleEndian.Uint32(b[12:])),
	}
	if l.depth < 1 || l.depth > 12 || l.stages < 1 || l.trees < 1 || l.stages > 1<<10 || l.trees > 1<<12 ||
		!(l.shrink > 0 && l.shrink <= 1) {
		return nil, fmt.Errorf("%w: %d stages, %d trees, depth %d", errCascade, l.stages, l.trees, l.depth)
	}
	l.leaves = 1 << l.depth
	n := l.stages * l.trees
	per := 4*(l.leaves-1) + 8*l.leaves
	if (len(b)-16)/per < n {
		return nil, fmt.Errorf("%w: %d trees need %d bytes, have %d", errCascade, n, 16+n*per, len(b))
	}
	l.codes = make([]int8, 0, n*4*(l.leaves-1))
	l.preds = make([]float32, 0, n*2*l.leaves)
	pos := 16
	for range n {
		for _, c := range b[pos : pos+4*(l.leaves-1)] {
			l.codes = append(l.codes, int8(c))
		}
		pos += 4 * (l.leaves - 1)
		for range 2 * l.leaves {
			l.preds = append(l.preds, math.Float32frombits(binary.LittleEndian.Uint32(b[pos:])))
			pos += 4
		}
	}
	return l, nil
}

// step runs the stages once from (r, c) at scale s over a rows×cols
// picture; flip mirrors the trees left–right (the other eye or mouth
// corner). Samples outside the picture are clamped to its edge.
func (l *localiser) step(pix []byte, dim, rows, cols int, r, c, s float32, flip bool) (float32, float32, float32) {
	nodes := 4 * (l.leaves - 1)
	tree := 0
	for range l.stages {
		var dr, dc float32
		is := int(math.Round(float64(s)))
		ir, ic := 256*int(r), 256*int(c)
		for range l.trees {
			tc := l.codes[tree*nodes : (tree+1)*nodes]
			idx := 0
			for range l.depth {
				n := tc[4*idx : 4*idx+4 : 4*idx+4]
				c1, c3 := int(n[1]), int(n[3])
				if flip {
					c1, c3 = -c1, -c3
				}
				r1 := min(rows-1, max(0, (ir+int(n[0])*is)>>8))
				r2 := min(rows-1, max(0, (ir+int(n[2])*is)>>8))
				k1 := min(cols-1, max(0, (ic+c1*is)>>8))
				k2 := min(cols-1, max(0, (ic+c3*is)>>8))
				idx = 2*idx + 1
				if pix[r1*dim+k1] > pix[r2*dim+k2] {
					idx++
				}
			}
			lut := 2 * (tree*l.leaves + idx - (l.leaves - 1))
			dr += l.preds[lut]
			if flip {
				dc -= l.preds[lut+1]
			} else {
				dc += l.preds[lut+1]
			}
			tree++
		}
		r += dr * s
		c += dc * s
		s *= l.shrink
	}
	return r, c, s
}

// maxPerturbs bounds the number of starts a localisation takes.
const maxPerturbs = 63

// jitter holds fixed pseudo-random start offsets (pigo draws fresh ones
// each call; fixed ones make a frame's landmarks reproducible).
type jitter [maxPerturbs][3]float32

func newJitter() *jitter {
	var j jitter
	rng := rand.New(rand.NewPCG(0x70757069, 0x6c6f6361)) // any fixed seed
	for i := range j {
		j[i] = [3]float32{rng.Float32(), rng.Float32(), rng.Float32()}
	}
	return &j
}

// locScratch is per-pipeline room for the starts' results.
type locScratch struct {
	rows, cols, scales [maxPerturbs]float32
}

// locate runs the localiser from n perturbed starts around (r, c) at
// scale s and returns the median of each coordinate, as pigo does.
func (l *localiser) locate(g grayView, j *jitter, sc *locScratch, r, c, s float32, n int, flip bool) point {
	n = min(max(n, 1), maxPerturbs)
	for i := range n {
		jr := r + s*0.15*(0.5-j[i][0])
		jc := c + s*0.15*(0.5-j[i][1])
		js := s * (0.925 + 0.15*j[i][2])
		sc.rows[i], sc.cols[i], sc.scales[i] = l.step(g.pix, g.dim, g.rows, g.cols, jr, jc, js, flip)
	}
	return point{X: median(sc.cols[:n]), Y: median(sc.rows[:n])}
}

// median sorts v in place (insertion sort: n ≤ 63, no allocation) and
// returns its middle element.
func median(v []float32) float64 {
	for i := 1; i < len(v); i++ {
		for k := i; k > 0 && v[k] < v[k-1]; k-- {
			v[k], v[k-1] = v[k-1], v[k]
		}
	}
	return float64(v[len(v)/2])
}

// grayView is a luma picture as the cascades read it.
type grayView struct {
	pix             []byte
	dim, rows, cols int
}

// models holds the parsed cascades; immutable once made, so pipelines
// may share it.
type models struct {
	faces                    *detector
	pupil, nose, mouth, chin *localiser
	jit                      *jitter
}

func loadModels() (*models, error) {
	m := &models{jit: newJitter()}
	var err error
	if m.faces, err = parseDetector(facefinderFile); err != nil {
		return nil, fmt.Errorf("face: facefinder: %w", err)
	}
	for _, x := range []struct {
		dst  **localiser
		name string
		b    []byte
	}{{&m.pupil, "puploc", puplocFile}, {&m.nose, "lp93", noseFile}, {&m.mouth, "lp84", mouthFile}, {&m.chin, "lp82", chinFile}} {
		if *x.dst, err = parseLocaliser(x.b); err != nil {
			return nil, fmt.Errorf("face: %s: %w", x.name, err)
		}
	}
	return m, nil
}
