package face

import (
	"image"
	"math"
	"time"

	"payterm/drivers/camera"
)

// Config tunes a Pipeline; the zero value is the terminal's setting
// for a 640×480 camera and a customer at arm's length.
type Config struct {
	// MinFace and MaxFace bound the detector's face square as shares of
	// the frame's height: smaller asks MoveCloser, larger MoveBack.
	// Zero means 0.23 (110 px at 480 rows) and 0.70 (336 px).
	MinFace, MaxFace float64
	// Window is how long the face must pass every gate before the crop
	// is taken; the sharpest frame in it is kept. Zero means 1 s.
	Window time.Duration
	// MinFrames is how many Ready frames the window needs. Zero means 8
	// (a 15 fps camera gives 15).
	MinFrames int
	// MinMotion is the least spread, in pixels, of the point between the
	// pupils over the window for the face to count as live. Zero means
	// 1 px.
	MinMotion float64
	// Perturbs is how many starts each landmark search takes per frame;
	// more is steadier and slower. The crop's pupils are found again in
	// the chosen frame with 63. Zero means 9.
	Perturbs int
}

func (c Config) withDefaults() Config {
	def := func(v *float64, d float64) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.MinFace, 0.23)
	def(&c.MaxFace, 0.70)
	def(&c.MinMotion, 1)
	if c.Window <= 0 {
		c.Window = time.Second
	}
	if c.MinFrames <= 0 {
		c.MinFrames = 8
	}
	if c.Perturbs <= 0 {
		c.Perturbs = 9
	}
	c.Perturbs = min(c.Perturbs, maxPerturbs)
	return c
}

// Result is the pipeline's answer to one frame.
type Result struct {
	Guidance Guidance
	// Box is the face's square in frame pixels; empty with no face.
	Box image.Rectangle
	// Progress is the share of the capture window filled, 0..1.
	Progress float64
	// Done is set once a live, sharp, well-placed face has filled the
	// window; Crop then gives the crop, and further frames change
	// nothing until Reset.
	Done bool
}

// Pipeline turns a stream of frames into one aligned face crop. Feed
// frames in order; not safe for concurrent use. It allocates nothing per
// frame once it has seen the first frame of a size.
type Pipeline struct {
	cfg  Config
	an   *analyser
	luma *image.Gray // FeedFrame's luma, reused

	// The window of consecutive Ready frames.
	start, lastReady time.Time
	ready            int
	lo, hi           point // bounds of the pupils' midpoint over the window
	prev             point // the midpoint in the previous Ready frame
	best             float64
	bestFace         found
	keptLuma         still // the best frame so far: its luma…
	kept             still // …and its colour (FeedFrame)
	done             bool
	notLive          bool // a window ended without motion; cleared by motion

}

// NewPipeline parses the embedded cascades and makes a pipeline.
func NewPipeline(cfg Config) (*Pipeline, error) {
	m, err := loadModels()
	if err != nil {
		return nil, err
	}
	return &Pipeline{cfg: cfg.withDefaults(), an: newAnalyser(m)}, nil
}

// Feed judges one luma frame taken at now. luma stays the caller's: the
// pipeline copies what it keeps. A crop made from Feed's frames is gray.
func (p *Pipeline) Feed(luma *image.Gray, now time.Time) Result {
	return p.feed(luma, nil, now)
}

// FeedFrame is Feed for a camera frame: it takes the luma itself and,
// when the frame is the best so far, keeps a copy of the frame's own
// bytes so the crop is in colour. A malformed frame counts as no face.
func (p *Pipeline) FeedFrame(f *camera.Frame, now time.Time) Result {
	l := camera.Luma(f, p.luma)
	if l == nil {
		return p.result(NoFace, image.Rectangle{})
	}
	p.luma = l
	return p.feed(l, f, now)
}

func (p *Pipeline) feed(luma *image.Gray, f *camera.Frame, now time.Time) Result {
	if p.done {
		return Result{Guidance: Ready, Progress: 1, Done: true}
	}
	g := viewOf(luma)
	if g.rows < minSide || g.cols < minSide {
		return p.result(NoFace, image.Rectangle{})
	}
	h := float64(g.rows)
	a := p.an.assess(g, params{
		halve:    true,
		sweep:    sweep{MinSize: int(0.85 * p.cfg.MinFace * h), MaxSize: int(min(h, 1.1*p.cfg.MaxFace*h)), Shift: liveShift, Scale: liveScale},
		minFace:  p.cfg.MinFace * h,
		maxFace:  p.cfg.MaxFace * h,
		centre:   true,
		perturbs: p.cfg.Perturbs,
		minSharp: minSharp,
	})
	var box image.Rectangle
	if a.faces > 0 {
		box = a.face.box()
	}
	midEyes := a.eyes.origin
	if a.g == Ready && p.ready > 0 {
		// The same face, and not moving much since the last frame.
		if midEyes.dist(p.prev) > maxStep*a.eyes.unit {
			a.g = HoldStill
		}
	}
	if a.g != Ready {
		// A frame or two may fail (a blink, a missed detection); a longer
		// gap starts the window again.
		if p.ready > 0 && now.Sub(p.lastReady) > p.cfg.Window/2 {
			p.restart()
		}
		return p.result(a.g, box)
	}
	if p.ready == 0 {
		p.start, p.lo, p.hi = now, midEyes, midEyes
	}
	p.ready++
	p.lastReady, p.prev = now, midEyes
	p.lo = point{math.Min(p.lo.X, midEyes.X), math.Min(p.lo.Y, midEyes.Y)}
	p.hi = point{math.Max(p.hi.X, midEyes.X), math.Max(p.hi.Y, midEyes.Y)}
	if a.sharp > p.best {
		p.best, p.bestFace = a.sharp, a.face
		p.keptLuma.keepGray(luma)
		if f != nil {
			p.kept.keepFrame(f)
		} else {
			p.kept.wipe()
		}
	}
	moved := math.Max(p.hi.X-p.lo.X, p.hi.Y-p.lo.Y) >= p.cfg.MinMotion
	if moved {
		p.notLive = false
	}
	if now.Sub(p.start) < p.cfg.Window || p.ready < p.cfg.MinFrames {
		return p.result(Ready, box)
	}
	if !moved {
		// Keep saying so while the next window fills, until the face moves.
		p.notLive = true
		p.restart()
		return p.result(NotLive, box)
	}
	p.done = true
	return Result{Guidance: Ready, Box: box, Progress: 1, Done: true}
}

// The live detector's sweep, on the half-resolution luma: windows 12 %
// of their side apart, each pass 15 % larger. pigo's usual (0.1, 1.1)
// costs about 1.7× the time; (0.12, 1.2) misses biden.jpg's face.
const (
	liveShift = 0.12
	liveScale = 1.15
)

// Gates that need more than one frame.
const (
	// minSharp is the least Laplacian-to-luma variance ratio over the
	// face (measured: 0.07–0.3 on the sharp test photos, under 0.03
	// blurred by 3 px).
	minSharp = 0.045
	// maxStep is how far, in eye distances, the face may move between
	// two frames and still count as holding still.
	maxStep = 0.12
)

func (p *Pipeline) result(g Guidance, box image.Rectangle) Result {
	if g == Ready && p.notLive {
		g = NotLive
	}
	r := Result{Guidance: g, Box: box}
	if p.ready > 0 && g == Ready {
		r.Progress = min(1, float64(p.lastReady.Sub(p.start))/float64(p.cfg.Window))
	}
	return r
}

func (p *Pipeline) restart() {
	p.ready, p.best = 0, 0
	p.bestFace = found{}
	p.keptLuma.wipe()
	p.kept.wipe()
}

// Crop returns the best frame's aligned crop as a JPEG once Done, else
// nil. Each call makes a fresh copy the caller owns and should Wipe after
// sealing.
func (p *Pipeline) Crop() []byte {
	if !p.done {
		return nil
	}
	// The crop is placed by the pupils, so they are found again in the
	// kept frame with every start (per frame, fewer are enough for the
	// gates).
	l := &p.keptLuma
	left, right := p.an.pupils(grayView{pix: l.pix, dim: l.stride, rows: l.height, cols: l.width}, p.bestFace, maxPerturbs)
	src := &p.kept
	if src.width == 0 {
		src = l // fed luma only: a gray crop
	}
	s, err := src.sampler()
	if err != nil {
		return nil
	}
	b, err := encodeChip(s, left, right)
	if err != nil {
		return nil
	}
	return b
}

// Reset forgets the customer: the kept frame and the luma buffer are
// zeroed and the window starts again.
func (p *Pipeline) Reset() {
	p.restart()
	p.done, p.notLive = false, false
	if p.luma != nil {
		clear(p.luma.Pix)
	}
}
