package face

import (
	"image"
	"math"
)

// Gate thresholds. Luma levels are the camera's (YUYV luma is studio
// range, 16 black to 235 white). Face geometry is in eye-distance units
// (see eyeFrame); the ranges hold the six test photos with a margin.
const (
	minScore     = 6    // summed detector score of a face worth counting
	minScoreRel  = 0.1  // …and at least this share of the strongest face's
	bystanderRel = 0.5  // a second face counts when at least half the size
	darkLevel    = 50   // mean luma of the face's centre below this: TooDark
	brightLevel  = 210  // above this: TooBright
	clippedShare = 0.25 // …or this share of it at 250 or more
	maxRoll      = 25   // degrees of eye-line tilt

	// How far the whole face reaches from between the pupils: ±sideReach
	// across, topReach up to the hairline, chinReach down past the chin.
	sideReach, topReach, chinReach = 1.0, 0.8, 1.5
)

// params are what differs between live frames and a still photo.
type params struct {
	halve            bool
	sweep            sweep
	minFace, maxFace float64 // detector window side; 0 = no limit
	centre           bool    // require the face in the middle of the frame
	perturbs         int
	minSharp         float64
}

// assessment is one picture's verdict and what it was based on.
type assessment struct {
	g     Guidance
	face  found
	lm    landmarks
	eyes  eyeFrame
	sharp float64
	faces int
}

// assess runs detection, landmarks and every gate that needs only this
// picture, in the order a customer can act on: who, how far, where,
// light, pose, focus.
func (a *analyser) assess(g grayView, p params) assessment {
	faces := a.detect(g, p.halve, p.sweep, minScore)
	if len(faces) == 0 {
		if m, _ := brightness(g, content(g)); m < darkLevel {
			return assessment{g: TooDark}
		}
		return assessment{g: NoFace}
	}
	f := faces[0]
	r := assessment{face: f, faces: 1}
	for _, o := range faces[1:] {
		if o.score >= minScoreRel*f.score && o.size >= bystanderRel*f.size {
			r.faces++
		}
	}
	switch {
	case r.faces > 1:
		r.g = OnlyOne
		return r
	case f.size < p.minFace:
		r.g = MoveCloser
		return r
	case p.maxFace > 0 && f.size > p.maxFace:
		r.g = MoveBack
		return r
	}
	r.lm = a.landmarks(g, f, p.perturbs, p.perturbs)
	r.eyes = newEyeFrame(r.lm.leftEye, r.lm.rightEye)
	if !whole(r.eyes, r.lm, content(g)) || (p.centre && !centred(f, g)) {
		r.g = Centre
		return r
	}
	inner := f.box().Inset(int(f.size / 4))
	switch mean, clip := brightness(g, inner); {
	case mean < darkLevel:
		r.g = TooDark
		return r
	case mean > brightLevel || clip > clippedShare:
		r.g = TooBright
		return r
	}
	if !frontal(r.eyes, r.lm, f) {
		r.g = FaceCamera
		return r
	}
	r.sharp = sharpness(g, f.box().Inset(int(f.size/6)))
	if r.sharp < p.minSharp {
		r.g = HoldStill
		return r
	}
	r.g = Ready
	return r
}

// whole reports whether the face, as far as it reaches from the pupils,
// and every landmark lie inside the picture's content: a box-at-edge
// test passes a face cut by a letterbox bar or by the photo's edge,
// because the detector's box then stops where the picture does.
func whole(e eyeFrame, lm landmarks, c image.Rectangle) bool {
	in := func(p point) bool {
		return p.X >= float64(c.Min.X) && p.Y >= float64(c.Min.Y) && p.X < float64(c.Max.X) && p.Y < float64(c.Max.Y)
	}
	for _, p := range [...]point{{-sideReach, -topReach}, {sideReach, -topReach}, {-sideReach, chinReach}, {sideReach, chinReach}} {
		if !in(e.out(p)) {
			return false
		}
	}
	for _, p := range [...]point{lm.leftEye, lm.rightEye, lm.nose, lm.mouthLeft, lm.mouthRight, lm.chin} {
		if !in(p) {
			return false
		}
	}
	return true
}

// centred: the face's centre within the middle 36 % across and 40 %
// down of the frame.
func centred(f found, g grayView) bool {
	return math.Abs(f.centre.X-float64(g.cols)/2) <= 0.18*float64(g.cols) &&
		math.Abs(f.centre.Y-float64(g.rows)/2) <= 0.2*float64(g.rows)
}

// frontal checks the landmarks against a frontal face's layout: pupils
// a plausible share of the box apart, eye line near level, nose below
// the middle of the eyes, mouth centred and level under it, chin below.
// A turned head moves the nose and mouth off the centre line; a face
// cut by an edge throws them out of layout.
func frontal(e eyeFrame, lm landmarks, f found) bool {
	n, ml, mr, ch := e.in(lm.nose), e.in(lm.mouthLeft), e.in(lm.mouthRight), e.in(lm.chin)
	ratio := e.unit / f.size
	mouthMid := (ml.X + mr.X) / 2
	return ratio >= 0.22 && ratio <= 0.5 &&
		math.Abs(e.roll()) <= maxRoll &&
		math.Abs(n.X) <= 0.25 && n.Y >= 0.3 && n.Y <= 0.85 &&
		math.Abs(mouthMid) <= 0.25 && mr.X-ml.X >= 0.6 && mr.X-ml.X <= 1.6 &&
		ml.Y >= 0.75 && ml.Y <= 1.5 && mr.Y >= 0.75 && mr.Y <= 1.5 && math.Abs(ml.Y-mr.Y) <= 0.25 &&
		ch.Y >= 0.95 && ch.Y <= 1.9 && math.Abs(ch.X) <= 0.35
}
