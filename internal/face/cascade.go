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

// detScratch is a pipeline's room for the detector, reused from frame
// to frame.
type detScratch struct {
	offs []offsets // node offsets per window side and stride
	// One row of windows still in the running: centre and score so far.
	base  []int
	score []float32
}

// offsetsFor finds or makes the offsets for side s and stride dim in
// sc; a pipeline's sides are fixed, so after its first frame this only
// looks them up.
func (d *detector) offsetsFor(sc *detScratch, s, dim int) []int32 {
	for _, o := range sc.offs {
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
	sc.offs = append(sc.offs, offsets{size: s, dim: dim, off: off})
	return off
}

// run slides windows over a rows×cols picture as pigo's RunCascade does
// and appends the accepted ones to out, in pigo's order, without growing
// it: once out is full, further windows are dropped (cap it generously).
//
// A window's score is the sum of its trees' leaves, and it is out as
// soon as the sum falls to a tree's threshold. Each row of windows goes
// through the trees together, the survivors of one tree on to the next:
// the windows are independent, so the processor overlaps their memory
// reads, where one window at a time waits on each read in turn. Each
// window's sum is added in the same order as pigo's.
func (d *detector) run(pix []byte, dim, rows, cols int, sw sweep, sc *detScratch, out []candidate) []candidate {
	w := 2 * d.leaves
	last := d.thresh[len(d.thresh)-1]
	for s := sw.MinSize; s <= sw.MaxSize; s = int(float64(s) + math.Max(2, float64(s)*sw.Scale-float64(s))) {
		off := d.offsetsFor(sc, s, dim)
		step := max(int(sw.Shift*float64(s)), 1)
		half := s/2 + 1
		if n := (cols-2*half)/step + 1; cap(sc.base) < n {
			sc.base, sc.score = make([]int, n), make([]float32, n)
		}
		for r := half; r <= rows-half; r += step {
			base, score := sc.base[:0], sc.score[:0]
			for c := half; c <= cols-half; c += step {
				base, score = append(base, r*dim+c), append(score, 0)
			}
			for t, th := range d.thresh {
				o := off[t*w : (t+1)*w : (t+1)*w]
				preds := d.preds[t*d.leaves : (t+1)*d.leaves : (t+1)*d.leaves]
				k := d.tree(pix, o, preds, th, base, score)
				base, score = base[:k], score[:k]
				if k == 0 {
					break
				}
			}
			for i, b := range base {
				if q := score[i] - last; q > 0 && len(out) < cap(out) {
					out = append(out, candidate{Row: r, Col: b - r*dim, Size: s, Q: q})
				}
			}
		}
	}
	return out
}

// tree scores one tree (node offsets o, leaves preds, threshold th) for
// the windows centred at pix[base[i]] with sums score[i] so far, moves
// the windows still above th to the front with their new sums, and
// returns how many they are. It is its own small function so the walk's
// few values stay in registers.
func (d *detector) tree(pix []byte, o []int32, preds []float32, th float32, base []int, score []float32) int {
	score = score[:len(base)]
	k := 0
	for i, b := range base {
		idx := 1
		for range d.depth {
			// idx+1 when the first pixel is not brighter, without a branch:
			// the comparison goes either way at random, so a branch would be
			// mispredicted half the time.
			p, q := int(pix[b+int(o[2*idx])]), int(pix[b+int(o[2*idx+1])])
			idx = 2*idx + int(uint(p-q-1)>>63)
		}
		// Keep the window when its sum stays above th, again without a
		// branch: always written, kept by k.
		v := score[i] + preds[idx-len(preds)]
		base[k], score[k] = b, v
		if v > th {
			k++
		}
	}
	return k
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

// locScratch is per-pipeline room for the starts' state.
type locScratch struct {
	rows, cols, scales [maxPerturbs]float32
	dr, dc             [maxPerturbs]float32
	ir, ic, is         [maxPerturbs]int
}

// locate runs the localiser from n perturbed starts around (r, c) at
// scale s and returns the median of each coordinate, as pigo does.
func (l *localiser) locate(g grayView, j *jitter, sc *locScratch, r, c, s float32, n int, flip bool) point {
	n = min(max(n, 1), maxPerturbs)
	for i := range n {
		sc.rows[i] = r + s*0.15*(0.5-j[i][0])
		sc.cols[i] = c + s*0.15*(0.5-j[i][1])
		sc.scales[i] = s * (0.925 + 0.15*j[i][2])
	}
	l.steps(g, sc, n, flip)
	return point{X: median(sc.cols[:n]), Y: median(sc.rows[:n])}
}

// steps runs the stages once for each of the n starts in sc (moving
// them in place); flip mirrors the trees left–right (the other eye or
// mouth corner). Samples outside the picture are clamped to its edge.
// Each start computes what pigo's one-start localisation does; the
// starts go through a tree together so its nodes, kilobytes apart, are
// fetched once rather than once per start.
func (l *localiser) steps(g grayView, sc *locScratch, n int, flip bool) {
	pix, dim, rows, cols := g.pix, g.dim, g.rows, g.cols
	nodes := 4 * (l.leaves - 1)
	sign := 1
	if flip {
		sign = -1
	}
	tree := 0
	for range l.stages {
		for i := range n {
			sc.dr[i], sc.dc[i] = 0, 0
			sc.is[i] = int(math.Round(float64(sc.scales[i])))
			sc.ir[i], sc.ic[i] = 256*int(sc.rows[i]), 256*int(sc.cols[i])
		}
		for range l.trees {
			tc := l.codes[tree*nodes : (tree+1)*nodes]
			lut0 := 2 * (tree*l.leaves - (l.leaves - 1))
			for i := range n {
				ir, ic, is := sc.ir[i], sc.ic[i], sc.is[i]
				idx := 0
				for range l.depth {
					nd := tc[4*idx : 4*idx+4 : 4*idx+4]
					r1 := min(rows-1, max(0, (ir+int(nd[0])*is)>>8))
					r2 := min(rows-1, max(0, (ir+int(nd[2])*is)>>8))
					k1 := min(cols-1, max(0, (ic+sign*int(nd[1])*is)>>8))
					k2 := min(cols-1, max(0, (ic+sign*int(nd[3])*is)>>8))
					// 2idx+2 when the first pixel is brighter, without a branch
					// (as in detector.tree).
					idx = 2*idx + 1 + int(uint(int(pix[r2*dim+k2])-int(pix[r1*dim+k1]))>>63)
				}
				lut := lut0 + 2*idx
				sc.dr[i] += l.preds[lut]
				if flip {
					sc.dc[i] -= l.preds[lut+1]
				} else {
					sc.dc[i] += l.preds[lut+1]
				}
			}
			tree++
		}
		for i := range n {
			sc.rows[i] += sc.dr[i] * sc.scales[i]
			sc.cols[i] += sc.dc[i] * sc.scales[i]
			sc.scales[i] *= l.shrink
		}
	}
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
