package checkout

// Limits on what a capture device may hand in. Anything else is a misread
// and is ignored with a failed beep.
const (
	MaxPaymentCode = 64       // bytes; payment codes are ASCII digits
	MaxFaceToken   = 32 << 10 // bytes; a sealed ~12 KiB face crop, base64, with room
)

// startCapture runs the device for method m. A code is read by the
// scanner, or by the camera when only a camera is fitted; with neither
// fitted the scanner effect drives the simulator's keyboard.
func startCapture(s State, m Method) (State, []Effect) {
	var start Effect
	var screen Screen
	switch {
	case m == Face:
		start, screen = StartCamera{Purpose: Face, Hash: s.confirmed}, ScreenFace
		s.camera = true
		s.face = FaceView{}
	case s.cfg.HasScan || !s.cfg.HasCamera:
		start, screen = StartScanner{}, ScreenShowCode
		s.scanner = true
	default:
		start, screen = StartCamera{Purpose: Code}, ScreenShowCode
		s.camera = true
	}
	s.method = m
	s = s.enter(Capturing)
	if m == Face && s.armed {
		s.face.Left = secondsLeft(s.deadline.Sub(s.now))
	}
	return s, []Effect{start, s.show(s.sessionView(screen, ""))}
}

// switchReader changes the device reading the code, when the customer
// asks and both are fitted: the running one stops before the other
// starts, so one code is never read twice.
func switchReader(s State) (State, []Effect) {
	now, other := s.readers()
	if s.method != Code || other == NoReader {
		return s, nil
	}
	s, out := s.stopDevices()
	if now == ByScanner {
		out = append(out, StartCamera{Purpose: Code})
		s.camera = true
	} else {
		out = append(out, StartScanner{})
		s.scanner = true
	}
	s = s.rearm()
	return s, append(out, s.show(s.sessionView(ScreenShowCode, "")))
}

// onCode takes a scanned payment code while a code is wanted.
func onCode(s State, e CodeScanned) (State, []Effect) {
	if s.phase != Capturing || s.method != Code {
		return s, nil
	}
	if !validCode(e.Code) {
		return s, []Effect{Beep{OK: false}}
	}
	return release(s, Credential{Method: Code, Code: e.Code})
}

// onFace takes a face token while a face is wanted.
func onFace(s State, e FaceCaptured) (State, []Effect) {
	if s.phase != Capturing || s.method != Face {
		return s, nil
	}
	if e.Token == "" || len(e.Token) > MaxFaceToken {
		return s, []Effect{Beep{OK: false}}
	}
	return release(s, Credential{Method: Face, Code: e.Token})
}

func validCode(c string) bool {
	if c == "" || len(c) > MaxPaymentCode {
		return false
	}
	for i := 0; i < len(c); i++ {
		if c[i] < '0' || c[i] > '9' {
			return false
		}
	}
	return true
}

// release lets the credential go: to the POS bound to the confirmed hash
// (relay), or to the payment system as a charge (direct). It happens once
// per session and only for the order the customer confirmed and still has
// on screen.
func release(s State, c Credential) (State, []Effect) {
	if s.released || s.confirmed.IsZero() || s.confirmed != s.hash {
		return s, []Effect{Beep{OK: false}}
	}
	s, out := s.stopDevices()
	out = append(out, Journal{Record{Kind: RecordCaptured, Hash: s.confirmed, Method: c.Method, Req: s.pending, Detail: s.mode.String()}})
	if s.mode == Direct {
		s, out = beginCharge(s, c, out)
	} else {
		out = append(out, Reply{To: s.pending, Kind: ReplyCredential, Hash: s.confirmed, Credential: c})
		s.relayReq, s.pending = s.pending, ""
	}
	s.released = true
	s = s.enter(Captured)
	return s, append(out, Beep{OK: true}, s.show(s.sessionView(ScreenProcessing, "")))
}

// stopDevices stops whatever capture device runs.
func (s State) stopDevices() (State, []Effect) {
	var out []Effect
	if s.scanner {
		out = append(out, StopScanner{})
		s.scanner = false
	}
	if s.camera {
		out = append(out, StopCamera{})
		s.camera = false
	}
	return s, out
}

// fail ends an active session unpaid: devices stop, the journal records
// kind and detail, a pending request is answered not approved with cond
// and replyReason, and the customer sees message until dismissed or the
// result times out. Never called with a charge in flight: only its
// outcome ends that.
func (s State) fail(kind, detail string, cond Cond, replyReason, message string) (State, []Effect) {
	s, out := s.stopDevices()
	if s.phase == Captured {
		detail += "; " + s.inFlight()
		s.unsettled = s.confirmed
	}
	out = append(out, Journal{Record{Kind: kind, Hash: s.hash, Method: s.method, Detail: detail}})
	if s.pending != "" {
		out = append(out, Reply{To: s.pending, Kind: ReplyResult, Hash: s.confirmed, Cond: cond, Reason: replyReason})
		s.pending = ""
	}
	s = s.enter(Done)
	return s, append(out, s.show(s.sessionView(ScreenFailed, message)))
}

// inFlight tells the operator what may still happen to a released
// credential whose outcome never came.
func (s State) inFlight() string {
	if s.mode == Direct {
		return "charge may be in flight: reverse it if it went through"
	}
	return "credential was released: the POS may still charge it"
}
