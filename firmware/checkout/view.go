package checkout

import (
	"maps"
	"slices"

	"payterm/firmware/order"
)

// show records v, in the current language, as the last view and returns
// the Show effect for it. The effect and the State each get their own
// copy, so the ui may keep or change what it is given.
func (s *State) show(v View) Effect {
	v.Language = s.lang
	s.view = cloneView(v)
	return Show{View: cloneView(v)}
}

// sessionView is the view of screen sc for the current session: the order
// and everything the customer has chosen so far.
func (s State) sessionView(sc Screen, message string) View {
	v := View{
		Screen:    sc,
		Page:      s.page,
		Corrected: s.corrected,
		Method:    s.method,
		Message:   message,
	}
	if s.phase != Idle && s.phase != Refused {
		o := s.order
		v.Order = &o
	}
	switch sc {
	case ScreenOrder, ScreenFlagged:
		v.Marked = s.marked
	case ScreenMethod:
		v.Methods = offered(s.cfg)
	case ScreenFace:
		v.Face = s.face
	case ScreenShowCode:
		v.Reader, v.Switch = s.readers()
	}
	return v
}

// readers are the device reading the code now and the other one the
// customer may switch to.
func (s State) readers() (now, other Reader) {
	now = ByScanner
	if s.camera {
		now = ByCamera
	}
	if s.cfg.HasScan && s.cfg.HasCamera {
		other = ByScanner + ByCamera - now
	}
	return now, other
}

// offered lists the methods the customer may choose: a payment code when
// something can read it (a scanner, or the camera), a face only with a
// camera and the payment system's face key to seal it to. With neither,
// nothing: the screen says no method is available rather than asking for
// a code nobody can read.
func offered(cfg Config) []Method {
	var m []Method
	if cfg.HasScan || cfg.HasCamera {
		m = append(m, Code)
	}
	if faceOffered(cfg) {
		m = append(m, Face)
	}
	return m
}

// faceOffered says whether the face method is available: a camera and
// the face key to seal to.
func faceOffered(cfg Config) bool { return cfg.HasCamera && cfg.FaceKey }

// cloneView deep-copies everything a View points to.
func cloneView(v View) View {
	if v.Order != nil {
		o := cloneOrder(*v.Order)
		v.Order = &o
	}
	v.Marked = maps.Clone(v.Marked)
	v.Methods = slices.Clone(v.Methods)
	return v
}

// cloneOrder copies an order's slices so that the caller's later writes
// cannot change what the customer confirmed.
func cloneOrder(o order.Order) order.Order {
	o.Lines = slices.Clone(o.Lines)
	o.Discounts = slices.Clone(o.Discounts)
	return o
}

// sortedMarked lists the marked line IDs in byte order, so replies and
// journals do not depend on map iteration.
func sortedMarked(marked map[string]bool) []string {
	var ids []string
	for id, on := range marked {
		if on {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// methods are the payment methods this terminal's readers can take.
func (s State) methods() []Method { return offered(s.cfg) }
