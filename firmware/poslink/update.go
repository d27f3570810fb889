package poslink

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Firmware update services (payterm extension, AdminRequest.
// ServiceIdentification): the POS asks the terminal's version and offers
// it the bundle of its own release, in chunks that resume from the last
// confirmed offset. Like the journal services they are answered only
// under a link key and are not recorded in the ServiceID store: each is
// idempotent (a chunk repeated after a lost reply is acknowledged
// without being written twice).
const (
	// AdminUpdateStatus asks the running version, slot, last boot result
	// and the transfer in progress.
	AdminUpdateStatus = "payterm.UpdateStatus"
	// AdminUpdateOffer offers a bundle (UpdateRequest Bundle, Size,
	// Version); the answer's Offset is where to resume: 0 for a new
	// bundle, the confirmed position for the one already being received.
	AdminUpdateOffer = "payterm.UpdateOffer"
	// AdminUpdateChunk carries Data at Offset of the offered bundle.
	AdminUpdateChunk = "payterm.UpdateChunk"
	// AdminUpdateFinish asks the terminal to verify the whole bundle; it
	// installs it (slot switch and restart) once the checkout is idle.
	AdminUpdateFinish = "payterm.UpdateFinish"
)

// Update transfer limits.
const (
	// MaxUpdateChunk bounds a chunk's data. Base64 in the JSON and again
	// in the encrypted envelope, 64 KiB is about 114 KiB on the wire:
	// under a serial frame (256 KiB) and the HTTPS body limit.
	MaxUpdateChunk = 64 << 10
	// MaxBundleSize bounds an offered bundle (two boot slots' worth).
	MaxBundleSize = 1 << 30
	// BundleIDLen is the length of a bundle id: the lowercase hex SHA-256
	// of the whole bundle file.
	BundleIDLen   = 64
	maxVersionLen = 32
)

// Update states (UpdateStatus.State).
const (
	UpdateIdle       = "idle"       // no bundle offered
	UpdateReceiving  = "receiving"  // chunks are taken from Offset
	UpdateVerified   = "verified"   // the whole bundle checked out; installs when the checkout is idle
	UpdateInstalling = "installing" // slot switched, restarting
	UpdateFailed     = "failed"     // the last bundle was refused (Error says why); offer it or another again
)

// UpdateRequest is the payterm extension of an AdminRequest for the
// update services.
type UpdateRequest struct {
	Bundle  string `json:",omitempty"` // offer, chunk, finish: lowercase hex SHA-256 of the bundle file
	Size    int64  `json:",omitempty"` // offer: the bundle's bytes, 1…MaxBundleSize
	Version string `json:",omitempty"` // offer: the firmware version the bundle installs
	Offset  int64  `json:",omitempty"` // chunk: position of Data in the bundle
	Data    []byte `json:",omitempty"` // chunk: 1…MaxUpdateChunk bytes, base64 in JSON
}

// UpdateStatus is the terminal's side of an update, in every answer to
// the update services (a Failure carries it too, so the POS learns
// where to resume).
type UpdateStatus struct {
	Version string // the running firmware's version
	Slot    string `json:",omitempty"` // the boot slot running ("A", "B"); "" when the board has none
	// RolledBack: the last update did not come up (its self-check failed
	// or it never booted) and the terminal fell back to Slot;
	// FailedVersion is the version that failed, when known.
	RolledBack    bool   `json:",omitempty"`
	FailedVersion string `json:",omitempty"`
	State         string // UpdateIdle, UpdateReceiving, ...
	Bundle        string `json:",omitempty"` // the bundle offered
	BundleVersion string `json:",omitempty"` // its version, as offered
	Size          int64  `json:",omitempty"` // its bytes
	// Offset is the next byte the terminal takes: the POS sends from
	// here. Confirmed ≤ Offset is what survives a terminal restart.
	Offset    int64  `json:",omitempty"`
	Confirmed int64  `json:",omitempty"`
	Error     string `json:",omitempty"` // UpdateFailed: why
}

// UpdateOffer is a bundle as the POS offers it.
type UpdateOffer struct {
	Bundle  string // BundleIDLen lowercase hex digits
	Size    int64
	Version string
}

// Updater is the terminal's update service as the link drives it. Every
// method returns the status after the call; an error, best a
// *ConditionError, is answered as a Failure that still carries the
// status. Implementations must be safe for concurrent use.
type Updater interface {
	Status() UpdateStatus
	// Offer starts receiving a bundle, or resumes the one offered before
	// (same Bundle): the status's Offset says from where.
	Offer(o UpdateOffer) (UpdateStatus, error)
	// Chunk takes data at offset of the offered bundle: the part at or
	// after the status's Offset is written, a part already taken is
	// acknowledged, a gap is refused (the status says where to resume).
	Chunk(bundle string, offset int64, data []byte) (UpdateStatus, error)
	// Finish verifies the whole bundle. On success it is installed once
	// the checkout is idle (never mid-transaction).
	Finish(bundle string) (UpdateStatus, error)
}

func isUpdateService(s string) bool {
	switch s {
	case AdminUpdateStatus, AdminUpdateOffer, AdminUpdateChunk, AdminUpdateFinish:
		return true
	}
	return false
}

// updateRequest is a decoded AdminRequest for an update service.
type updateRequest struct {
	service string
	req     UpdateRequest
}

// decodeUpdate decodes and checks an update service request.
func (r *request) decodeUpdate(raw json.RawMessage) error {
	a := new(AdminRequest)
	if err := unmarshalBody("AdminRequest", raw, a); err != nil {
		return err
	}
	u, err := checkUpdateRequest(a)
	if err != nil {
		return err
	}
	r.body = u
	return nil
}

// checkUpdateRequest checks what each update service needs.
func checkUpdateRequest(a *AdminRequest) (*updateRequest, error) {
	u := &updateRequest{service: a.ServiceIdentification}
	if a.Update != nil {
		u.req = *a.Update
	}
	q := &u.req
	if u.service == AdminUpdateStatus {
		return u, nil
	}
	if a.Update == nil {
		return nil, fmt.Errorf("AdminRequest: %s without Update: %w", u.service, ErrMessageFormat)
	}
	if !ValidBundleID(q.Bundle) {
		return nil, fmt.Errorf("AdminRequest: %s: Bundle is not %d lowercase hex digits: %w", u.service, BundleIDLen, ErrMessageFormat)
	}
	switch u.service {
	case AdminUpdateOffer:
		if q.Size <= 0 || q.Size > MaxBundleSize {
			return nil, fmt.Errorf("AdminRequest: offer of %d bytes, want 1…%d: %w", q.Size, MaxBundleSize, ErrMessageFormat)
		}
		if q.Version == "" || len(q.Version) > maxVersionLen || !printable(q.Version) {
			return nil, fmt.Errorf("AdminRequest: offer: Version is not 1…%d printable characters: %w", maxVersionLen, ErrMessageFormat)
		}
	case AdminUpdateChunk:
		if n := len(q.Data); n == 0 || n > MaxUpdateChunk {
			return nil, fmt.Errorf("AdminRequest: chunk of %d bytes, want 1…%d: %w", n, MaxUpdateChunk, ErrMessageFormat)
		}
		if q.Offset < 0 || q.Offset > MaxBundleSize-int64(len(q.Data)) {
			return nil, fmt.Errorf("AdminRequest: chunk at %d: %w", q.Offset, ErrMessageFormat)
		}
	}
	return u, nil
}

// ValidBundleID reports whether s is a bundle id: BundleIDLen lowercase
// hex digits.
func ValidBundleID(s string) bool {
	return len(s) == BundleIDLen && strings.Trim(s, "0123456789abcdef") == ""
}

// update answers an update service, to encrypted requests only: a
// bundle is verified by its signature, but who may make a terminal spend
// its link and storage on one is the link key's to say.
func (s *Server) update(r *request) []byte {
	u := r.body.(*updateRequest)
	if r.key == nil {
		return s.failure(r, CondNotAllowed, "firmware update needs an encrypted request")
	}
	up := s.cfg.Updater
	if up == nil && u.service == AdminUpdateStatus && s.cfg.Version != "" {
		// A terminal that takes no updates still says what it runs: the
		// POS checks it before pairing.
		st := UpdateStatus{Version: s.cfg.Version, State: UpdateIdle}
		return s.encodeReply(r, "AdminResponse", AdminResponse{Response: Response{Result: ResultSuccess}, Update: &st})
	}
	if up == nil {
		return s.failure(r, CondUnavailableService, "this terminal takes no firmware updates")
	}
	var st UpdateStatus
	var err error
	switch u.service {
	case AdminUpdateStatus:
		st = up.Status()
	case AdminUpdateOffer:
		st, err = up.Offer(UpdateOffer{Bundle: u.req.Bundle, Size: u.req.Size, Version: u.req.Version})
		s.log.Info("update offered", "sale", r.hdr.SaleID, "bundle", u.req.Bundle[:12], "version", u.req.Version, "offset", st.Offset, "err", err)
	case AdminUpdateChunk:
		st, err = up.Chunk(u.req.Bundle, u.req.Offset, u.req.Data)
	case AdminUpdateFinish:
		st, err = up.Finish(u.req.Bundle)
		s.log.Info("update finished", "sale", r.hdr.SaleID, "bundle", u.req.Bundle[:12], "state", st.State, "err", err)
	}
	resp := Response{Result: ResultSuccess}
	if err != nil {
		cond, reason := conditionOf(err)
		resp = Response{Result: ResultFailure, ErrorCondition: cond, AdditionalResponse: formatAdditional(AddMessage, reason)}
	}
	return s.encodeReply(r, "AdminResponse", AdminResponse{Response: resp, Update: &st})
}

// SetUpdater replaces ServerConfig.Updater. Call it before the server
// serves: it is not synchronized with requests.
func (s *Server) SetUpdater(u Updater) { s.cfg.Updater = u }
