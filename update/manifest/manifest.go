// Package manifest is the signed description of an update bundle: what
// it is for (product, boards), what it is (version, the floor it sets,
// each artefact's name, size, SHA-256 and its payload's frame hashes,
// and for a delta the base it applies to), until when it may be
// installed, and Ed25519 signatures by keys the terminal trusts. Verify
// decides, before a byte is written, whether a terminal may install it.
//
// Wire form (the bundle's manifest file), JSON:
//
//	{"manifest":{…canonical…},"signatures":[{"keyid":"…","sig":"…"}]}
//
// The manifest object's bytes are its canonical encoding (Encode: field
// order as declared, no spaces, times in UTC whole seconds); Parse
// refuses any other spelling, so one manifest has one byte form and the
// signatures cover exactly those bytes.
package manifest

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// Format is the manifest format this package reads and writes. Format 2
// added each artefact's frame hashes; a format 1 manifest has none and is
// refused (Validate), so every installed frame is checked before it is
// decoded.
const Format = 2

// MaxSize bounds a signed manifest's bytes; Parse refuses more before
// decoding.
const MaxSize = 1 << 20

// Manifest describes one bundle.
type Manifest struct {
	// Format is 2.
	Format int `json:"format"`
	// Product names the device family ("payterm").
	Product string `json:"product"`
	// Boards lists the board names (board/) the bundle runs on.
	Boards []string `json:"boards"`
	// Version is the firmware version the bundle installs.
	Version string `json:"version"`
	// MinVersion is the floor this release sets: once it is committed,
	// the terminal refuses bundles older than MinVersion (a fixed flaw is
	// not reinstalled). "" sets none. Not above Version.
	MinVersion string `json:"min_version,omitempty"`
	// Kernel is the exact kernel release the bundle's slot boots
	// ("6.1.0-57-arm64"), so a bundle names what it installs; "" for
	// none. 1-64 of [A-Za-z0-9._+~-].
	Kernel string `json:"kernel,omitempty"`
	// Expires is when the bundle stops being installable (UTC, whole
	// seconds), so an old signed bundle cannot be replayed forever.
	Expires time.Time `json:"expires"`
	// Artefacts are the bundle's files, in the order they are written.
	Artefacts []Artefact `json:"artefacts"`
	// Delta is set when the artefacts are deltas against a base; nil for
	// a full bundle.
	Delta *Delta `json:"delta,omitempty"`
}

// Artefact is one file of a bundle.
type Artefact struct {
	// Name: 1-64 of [A-Za-z0-9._-], unique in the bundle ("Image",
	// "initrd.img").
	Name string `json:"name"`
	// Size is the artefact's length in bytes, > 0. For a delta it is the
	// result's size (what lands in the slot).
	Size int64 `json:"size"`
	// SHA256 is the lower-case hex SHA-256 of the artefact's bytes (for a
	// delta, of the result).
	SHA256 string `json:"sha256"`
	// Encoding names how the artefact's payload in the bundle is
	// encoded: "zstd" for a full artefact, a delta codec's name for a
	// delta (package bundle). 1-64 of [A-Za-z0-9._-].
	Encoding string `json:"encoding"`
	// PayloadSize is the length in bytes of the artefact's payload in
	// the bundle (its frames with their headers), > 0.
	PayloadSize int64 `json:"payload_size"`
	// Frames are the lower-case hex SHA-256 of each frame of the payload
	// as the bundle stores it (its 8-byte header and its bytes, before
	// decoding), in order, so a terminal refuses a tampered frame before
	// decoding or writing it. At least one; how many a payload has is
	// package bundle's to check.
	Frames []string `json:"frames"`
}

// Delta names the base a delta bundle applies to.
type Delta struct {
	// BaseVersion is the version the terminal must be running.
	BaseVersion string `json:"base_version"`
	// Base lists the installed artefacts the deltas are computed against;
	// each must match the terminal's installed artefact of that name.
	Base []BaseArtefact `json:"base"`
}

// BaseArtefact is an installed artefact a delta depends on.
type BaseArtefact struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
}

func validName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c == '.' || c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// validKernel: a kernel release as uname -r prints it.
func validKernel(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c == '+' || c == '~' || validName(string(c))) {
			return false
		}
	}
	return true
}

func validHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && bytes.Equal([]byte(s), bytes.ToLower([]byte(s)))
}

// Validate reports the first field that breaks the rules above, as
// ErrMalformed. It says nothing of trust: that is Verify's job.
func (m *Manifest) Validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("manifest: %s: %w", fmt.Sprintf(format, a...), ErrMalformed)
	}
	if m.Format != Format {
		return bad("format %d, want %d", m.Format, Format)
	}
	if !validName(m.Product) {
		return bad("product %.40q", m.Product)
	}
	if len(m.Boards) == 0 {
		return bad("no boards")
	}
	for _, b := range m.Boards {
		if !validName(b) {
			return bad("board %.40q", b)
		}
	}
	if _, err := parseVersion(m.Version); err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	if m.MinVersion != "" {
		c, err := CompareVersions(m.MinVersion, m.Version)
		if err != nil {
			return err
		}
		if c > 0 {
			return bad("min_version %s above version %s", m.MinVersion, m.Version)
		}
	}
	if m.Kernel != "" && !validKernel(m.Kernel) {
		return bad("kernel %.40q", m.Kernel)
	}
	if m.Expires.IsZero() {
		return bad("no expiry")
	}
	if len(m.Artefacts) == 0 || len(m.Artefacts) > 64 {
		return bad("%d artefacts", len(m.Artefacts))
	}
	seen := map[string]bool{}
	for _, a := range m.Artefacts {
		if !validName(a.Name) || seen[a.Name] {
			return bad("artefact name %.40q", a.Name)
		}
		seen[a.Name] = true
		if a.Size <= 0 {
			return bad("artefact %s: size %d", a.Name, a.Size)
		}
		if !validHash(a.SHA256) {
			return bad("artefact %s: sha256 %.70q", a.Name, a.SHA256)
		}
		if !validName(a.Encoding) {
			return bad("artefact %s: encoding %.40q", a.Name, a.Encoding)
		}
		if a.PayloadSize <= 0 {
			return bad("artefact %s: payload size %d", a.Name, a.PayloadSize)
		}
		// Every frame decodes to at least one byte of the artefact.
		if len(a.Frames) == 0 || int64(len(a.Frames)) > a.Size {
			return bad("artefact %s: %d frame hashes", a.Name, len(a.Frames))
		}
		for i, f := range a.Frames {
			if !validHash(f) {
				return bad("artefact %s: frame %d hash %.70q", a.Name, i, f)
			}
		}
	}
	if d := m.Delta; d != nil {
		if _, err := parseVersion(d.BaseVersion); err != nil {
			return fmt.Errorf("manifest: delta base: %w", err)
		}
		if len(d.Base) == 0 {
			return bad("delta without base artefacts")
		}
		seen := map[string]bool{}
		for _, b := range d.Base {
			if !validName(b.Name) || seen[b.Name] || !validHash(b.SHA256) {
				return bad("delta base artefact %.40q", b.Name)
			}
			seen[b.Name] = true
		}
	}
	return nil
}

// Encode is m's canonical encoding, the bytes signatures cover: m is
// validated, Expires taken in UTC whole seconds, and encoded as compact
// JSON with fields in declaration order.
func Encode(m Manifest) ([]byte, error) {
	m.Expires = m.Expires.UTC().Truncate(time.Second)
	if err := m.Validate(); err != nil {
		return nil, err
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("manifest: encode: %w", err)
	}
	return b, nil
}

// Signature is one key's Ed25519 signature over the manifest's bytes.
type Signature struct {
	KeyID KeyID  `json:"keyid"`
	Sig   []byte `json:"sig"` // base64 in JSON
}

// Signed is a parsed, not yet trusted, signed manifest.
type Signed struct {
	Manifest   Manifest
	Signatures []Signature
	// raw is the canonical manifest bytes the signatures cover.
	raw []byte
}

type envelope struct {
	Manifest   json.RawMessage `json:"manifest"`
	Signatures []Signature     `json:"signatures"`
}

// decodeStrict decodes exactly one JSON value from b into v, refusing
// unknown fields and trailing data.
func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("data after the JSON value")
	}
	return nil
}

// Parse reads a signed manifest without trusting it (inspection, or the
// first half of Verify): ErrMalformed unless data is an envelope whose
// manifest is valid and canonically encoded.
func Parse(data []byte) (*Signed, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("manifest: %d bytes, limit %d: %w", len(data), MaxSize, ErrMalformed)
	}
	var env envelope
	if err := decodeStrict(data, &env); err != nil {
		return nil, fmt.Errorf("manifest: envelope: %v: %w", err, ErrMalformed)
	}
	var m Manifest
	if err := decodeStrict(env.Manifest, &m); err != nil {
		return nil, fmt.Errorf("manifest: %v: %w", err, ErrMalformed)
	}
	canon, err := Encode(m)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(canon, env.Manifest) {
		return nil, fmt.Errorf("manifest: not in canonical encoding: %w", ErrMalformed)
	}
	return &Signed{Manifest: m, Signatures: env.Signatures, raw: canon}, nil
}
