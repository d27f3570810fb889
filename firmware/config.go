package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"payterm/update/manifest"
	"strings"
	"time"

	"payterm/board"
	"payterm/firmware/attest"
	"payterm/firmware/checkout"
	"payterm/firmware/pid1"
)

// config is the terminal's configuration file (JSON). Every field has a
// default; the dev defaults are public and printed at start so nobody
// mistakes them for production keys.
type config struct {
	Board          string      `json:"board"`
	DataDir        string      `json:"data_dir"` // ServiceID store, journal, dev certificate
	POIID          string      `json:"poiid"`
	Keys           []keyConfig `json:"keys"`
	AllowPlaintext bool        `json:"allow_plaintext"` // accept unencrypted nexo: development only
	// LinkReadTimeout is how long a POS may take to send a request over
	// HTTPS, headers and body (Go duration, "10s"); "" → poslink's
	// defaults.
	LinkReadTimeout string   `json:"link_read_timeout"`
	TLSCert         string   `json:"tls_cert"` // "" → a dev certificate made in DataDir
	TLSKey          string   `json:"tls_key"`
	HTTPS           string   `json:"https"`  // listen address; "" → the board's
	Serial          string   `json:"serial"` // POS serial port; "" → the board's, "-" → none
	SerialBaud      int      `json:"serial_baud"`
	Web             string   `json:"web"`   // virtual terminal page (board sim)
	Modes           []string `json:"modes"` // "relay", "direct"
	PayHost         string   `json:"payhost"`
	TerminalKey     string   `json:"terminal_key"` // hex Ed25519 seed; "" → dev key where allowed (devAllowed)
	// FaceKey is the payment system's face public key (X25519, 64 hex
	// digits) that captured faces are sealed to. "" on a real board
	// means no face payment; on board sim or with "dev" the terminal
	// asks the payment host for it (its /v1/face-key).
	FaceKey string `json:"face_key"`
	// UpdateKeys are the Ed25519 keys firmware bundles must be signed by
	// (update/manifest's keyring: several at once to rotate, revoked
	// ones kept so their signatures are refused as revoked). None: the
	// terminal takes no updates (it still reports its version).
	UpdateKeys []updateKeyConfig `json:"update_keys"`
	// Dev allows the public dev keys (link passphrase, terminal key) on
	// a real board, for development; board sim always allows them.
	Dev bool `json:"dev"`
	// Language is the customer screens' language at the start of each
	// session: "en" (the default, also "") or "zh" (Simplified Chinese).
	// The customer can switch on screen until the session ends.
	Language string `json:"language"`
	// Without lists parts of the board left out, as a terminal model
	// without them: "scanner", "camera". The virtual terminal without
	// its scanner reads codes by camera.
	Without []string `json:"without"`

	// logRing keeps the tail of the log for the POS's DiagnosisRequest;
	// nil keeps none. Set by main, not by the file.
	logRing *pid1.Ring
	// unusable is why the configuration file could not be used
	// (missing, unreadable, invalid); "" when it was read or none was
	// needed. Set by provision, not by the file.
	unusable string
	// slots is the A/B boot state (PID 1 only; nil otherwise): serve
	// hands it the self-check's result.
	slots *bootSlots
	// health is what PID 1 found of the terminal's storage and boot;
	// the zero value is healthy. Set by main, not by the file.
	health health
	// alive is fed by the engine loop and read by the watchdog; nil:
	// no watchdog. Set by main, not by the file.
	alive *heartbeat
	// update is how this terminal takes firmware updates from the POS
	// (ota.go); the zero value takes none. Set by main, not by the file.
	update updateParts
	// testHang is a test hook (payterm.test.hang): block the engine
	// loop that long after start, so the watchdog must reset the
	// terminal; 0 never. Set by main from the kernel command line.
	testHang time.Duration
}

type keyConfig struct {
	ID         string `json:"id"`
	Version    int    `json:"version"`
	Passphrase string `json:"passphrase"`
}

// Dev defaults: public values, for the virtual terminal and tests only.
const (
	devKeyID      = "payterm-dev"
	devKeyVersion = 1
	devPassphrase = "payterm-dev-passphrase"
	devPOIID      = "PT1-0001"
)

func defaultConfig() config {
	return config{
		Board:   "sim",
		DataDir: "out/sim-data",
		POIID:   devPOIID,
		Keys:    []keyConfig{{ID: devKeyID, Version: devKeyVersion, Passphrase: devPassphrase}},
		Web:     "127.0.0.1:8080",
		Modes:   []string{"relay", "direct"},
		PayHost: "http://127.0.0.1:8090",
	}
}

// loadConfig reads a JSON configuration over the defaults. Unknown fields
// are errors: a misspelt key must not silently fall back to a dev default.
// A file without "keys" gets none here: the dev key is added only where
// dev keys are allowed (provision, withDevKeys).
func loadConfig(r io.Reader) (config, error) {
	def := defaultConfig()
	// Lists start empty: decoding into the defaults' slices would merge a
	// configured key with the dev key in the same place (encoding/json
	// reuses elements), giving a production key the dev passphrase.
	c := def
	c.Keys, c.Modes = nil, nil
	data, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return c, fmt.Errorf("config: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return c, fmt.Errorf("config: %w", err)
	}
	if c.Modes == nil {
		c.Modes = def.Modes
	}
	return c, c.validate()
}

func loadConfigFile(path string) (config, error) {
	if path == "" {
		return defaultConfig(), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return config{}, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	return loadConfig(f)
}

func (c config) validate() error {
	if c.POIID == "" {
		return errors.New("config: poiid is empty")
	}
	if c.Keys != nil && len(c.Keys) == 0 {
		return errors.New("config: no link keys")
	}
	for _, p := range c.Without {
		if p != "scanner" && p != "camera" {
			return fmt.Errorf("config: without %q: only \"scanner\" and \"camera\" can be left out", p)
		}
	}
	for _, k := range c.Keys {
		if k.ID == "" || k.Version <= 0 || k.Passphrase == "" {
			return fmt.Errorf("config: key %q version %d: id, version > 0 and passphrase are required", k.ID, k.Version)
		}
	}
	if _, err := c.modes(); err != nil {
		return err
	}
	if _, err := c.linkReadTimeout(); err != nil {
		return err
	}
	if _, err := c.terminalKey(); err != nil {
		return err
	}
	if _, _, err := c.faceKey(); err != nil {
		return err
	}
	if _, err := c.updateKeyring(); err != nil {
		return err
	}
	switch c.Language {
	case "", "en", "zh":
	default:
		return fmt.Errorf("config: language %q: want \"en\" or \"zh\"", c.Language)
	}
	return nil
}

// updateKeyConfig is one key of UpdateKeys.
type updateKeyConfig struct {
	Name    string `json:"name"`
	Public  string `json:"public"` // 64 hex digits
	Revoked bool   `json:"revoked"`
}

// updateKeyring is UpdateKeys as a keyring; nil when none is configured.
func (c config) updateKeyring() (*manifest.Keyring, error) {
	if len(c.UpdateKeys) == 0 {
		return nil, nil
	}
	keys := make([]manifest.TrustedKey, 0, len(c.UpdateKeys))
	for _, k := range c.UpdateKeys {
		pub, err := hex.DecodeString(k.Public)
		if err != nil || len(pub) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("config: update key %q: public must be 64 hex digits (an Ed25519 public key)", k.Name)
		}
		keys = append(keys, manifest.TrustedKey{Name: k.Name, Public: pub, Revoked: k.Revoked})
	}
	kr, err := manifest.NewKeyring(keys...)
	if err != nil {
		return nil, fmt.Errorf("config: update_keys: %w", err)
	}
	return kr, nil
}

// faceKeySize is an X25519 public key's length.
const faceKeySize = 32

// faceKey is the configured face key. Without one, fromHost says whether
// the terminal may ask the payment host for it (dev keys allowed and a
// host configured); otherwise the terminal offers no face payment.
func (c config) faceKey() (key []byte, fromHost bool, err error) {
	if c.FaceKey == "" {
		return nil, c.devAllowed() && c.PayHost != "", nil
	}
	key, err = hex.DecodeString(c.FaceKey)
	if err != nil || len(key) != faceKeySize {
		return nil, false, errors.New("config: face_key must be 64 hex digits (the payment system's X25519 public key)")
	}
	return key, false, nil
}

// linkReadTimeout is LinkReadTimeout parsed; 0 for the default.
func (c config) linkReadTimeout() (time.Duration, error) {
	if c.LinkReadTimeout == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(c.LinkReadTimeout)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("config: link_read_timeout %q: want a positive duration such as \"10s\"", c.LinkReadTimeout)
	}
	return d, nil
}

func (c config) modes() (map[checkout.Mode]bool, error) {
	m := map[checkout.Mode]bool{}
	for _, s := range c.Modes {
		switch s {
		case "relay":
			m[checkout.Relay] = true
		case "direct":
			m[checkout.Direct] = true
		default:
			return nil, fmt.Errorf("config: unknown mode %q (relay, direct)", s)
		}
	}
	if len(m) == 0 {
		return nil, errors.New("config: no mode enabled")
	}
	return m, nil
}

// terminalKey is the configured signing key, or the public dev key where
// dev keys are allowed; never the dev key on a real board without "dev".
func (c config) terminalKey() (ed25519.PrivateKey, error) {
	if c.unusable != "" {
		return nil, errors.New("config: not provisioned: " + c.unusable)
	}
	if c.TerminalKey == "" {
		if !c.devAllowed() {
			return nil, errors.New("config: no terminal_key (dev keys are allowed only on board sim or with \"dev\": true)")
		}
		return attest.DevKey(), nil
	}
	seed, err := hex.DecodeString(c.TerminalKey)
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, errors.New("config: terminal_key must be 64 hex digits (an Ed25519 seed)")
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// devWarnings lists which dev defaults are in use, for the start banner.
func (c config) devWarnings() []string {
	var w []string
	for _, k := range c.Keys {
		if k.Passphrase == devPassphrase {
			w = append(w, fmt.Sprintf("link key %s v%d uses the DEV passphrase %q", k.ID, k.Version, devPassphrase))
		}
	}
	if c.TerminalKey == "" {
		w = append(w, "credentials are signed with the DEV terminal key")
	}
	if c.TLSCert == "" {
		w = append(w, "TLS uses a self-signed DEV certificate")
	}
	if c.AllowPlaintext {
		w = append(w, "plain (unencrypted) nexo requests are accepted (allow_plaintext)")
	}
	return w
}

func (c config) banner() string {
	var b strings.Builder
	fmt.Fprintf(&b, "payterm terminal %s on board %s\n", c.POIID, c.Board)
	if why := c.notProvisioned(); why != "" {
		fmt.Fprintf(&b, "  NOT PROVISIONED: %s; the POS link is off\n", why)
		return b.String()
	}
	if c.Dev {
		fmt.Fprintf(&b, "  DEV ONLY: the configuration sets \"dev\": true (public dev keys allowed)\n")
	}
	for _, k := range c.Keys {
		fmt.Fprintf(&b, "  link key: KeyIdentifier %s KeyVersion %d\n", k.ID, k.Version)
	}
	for _, w := range c.devWarnings() {
		fmt.Fprintf(&b, "  DEV ONLY: %s\n", w)
	}
	return b.String()
}

// leaveOut removes the parts the configuration says are not fitted.
func (c config) leaveOut(b board.Board) board.Board {
	for _, p := range c.Without {
		switch p {
		case "scanner":
			b.Scanner = board.Scanner{}
		case "camera":
			b.Camera = board.Camera{}
		}
	}
	return b
}
