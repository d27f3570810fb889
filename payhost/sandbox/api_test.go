package sandbox_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"payterm/internal/secret"
	"payterm/payhost"
	"payterm/payhost/sandbox"
	"payterm/payhost/sandbox/sandboxtest"
)

func TestAccounts(t *testing.T) {
	a := newAPI(t, sandbox.Options{})
	cases := []struct {
		name       string
		body       string
		wantStatus int
		wantCode   string
	}{
		{"opened", `{"name":"张伟","currency":"CNY","balance":100000}`, http.StatusCreated, ""},
		{"zero balance", `{"name":"Eve","currency":"JPY","balance":0}`, http.StatusCreated, ""},
		{"balance omitted", `{"name":"Eve","currency":"EUR"}`, http.StatusCreated, ""},
		{"unknown currency", `{"name":"Eve","currency":"XXX","balance":1}`, http.StatusBadRequest, payhost.CodeBadRequest},
		{"lowercase currency", `{"name":"Eve","currency":"cny","balance":1}`, http.StatusBadRequest, payhost.CodeBadRequest},
		{"negative balance", `{"name":"Eve","currency":"CNY","balance":-1}`, http.StatusBadRequest, payhost.CodeBadRequest},
		{"huge balance", `{"name":"Eve","currency":"CNY","balance":1000000000000000001}`, http.StatusBadRequest, payhost.CodeBadRequest},
		{"no name", `{"currency":"CNY","balance":1}`, http.StatusBadRequest, payhost.CodeBadRequest},
		{"control in name", `{"name":"a\u0007b","currency":"CNY","balance":1}`, http.StatusBadRequest, payhost.CodeBadRequest},
		{"fractional balance", `{"name":"Eve","currency":"CNY","balance":1.5}`, http.StatusBadRequest, payhost.CodeBadJSON},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, raw := a.do("POST", "/accounts", tc.body)
			if status != tc.wantStatus {
				t.Fatalf("status %d %s, want %d", status, raw, tc.wantStatus)
			}
			if tc.wantCode != "" {
				if e := decode[payhost.ErrorBody](t, raw); e.Error != tc.wantCode || e.Message == "" {
					t.Fatalf("error %+v, want %q", e, tc.wantCode)
				}
				return
			}
			created := decode[sandbox.Account](t, raw)
			want := decode[sandbox.NewAccount](t, []byte(tc.body))
			if created.ID == "" || created.Name != want.Name || created.Currency != want.Currency || created.Balance != want.Balance {
				t.Fatalf("created %+v from %s", created, tc.body)
			}
			status, raw = a.do("GET", "/accounts/"+created.ID, nil)
			if got := decode[sandbox.Account](t, raw); status != http.StatusOK || got != created {
				t.Fatalf("GET: %d %+v, want %+v", status, got, created)
			}
		})
	}
	if status, _ := a.do("GET", "/accounts/acct-999999", nil); status != http.StatusNotFound {
		t.Errorf("unknown account: %d, want 404", status)
	}
	a.verify()
}

func TestIssueCode(t *testing.T) {
	a := newAPI(t, sandbox.Options{})
	acct := a.account("Fay", "CNY", 100)
	form := regexp.MustCompile(`^13[0-9]{16}$`)
	seen := map[string]bool{}
	for range 50 {
		status, raw := a.do("POST", "/accounts/"+acct.ID+"/codes", nil)
		if status != http.StatusCreated {
			t.Fatalf("issue: %d %s", status, raw)
		}
		c := decode[sandbox.Code](t, raw)
		if !form.MatchString(c.Code) || c.AccountID != acct.ID {
			t.Fatalf("issued %+v", c)
		}
		if want := a.env.Clock.Now().Add(sandbox.DefaultCodeTTL); !c.ExpiresAt.Equal(want) {
			t.Errorf("expires_at %v, want %v", c.ExpiresAt, want)
		}
		if seen[c.Code] {
			t.Fatalf("code issued twice")
		}
		seen[c.Code] = true
	}
	status, raw := a.do("POST", "/accounts/acct-424242/codes", nil)
	if e := decode[payhost.ErrorBody](t, raw); status != http.StatusNotFound || e.Error != payhost.CodeNotFound {
		t.Errorf("code for an unknown account: %d %+v", status, e)
	}
}

// repeatReader yields the same bytes for its first n reads of a block,
// then counts up, so the first code drawn repeats.
type repeatReader struct {
	blocks int
	fill   byte
}

func (r *repeatReader) Read(p []byte) (int, error) {
	r.blocks++
	for i := range p {
		p[i] = r.fill
	}
	if r.blocks > 2 { // from the third block on: a new digit each time
		r.fill = (r.fill + 1) % 250
	}
	return len(p), nil
}

func TestIssueCodeNeverRepeatsALiveCode(t *testing.T) {
	rr := &repeatReader{fill: 7}
	a := newAPI(t, sandbox.Options{Rand: rr})
	acct := a.account("Gus", "CNY", 100)
	first, second := a.code(acct.ID), a.code(acct.ID)
	if first == second {
		t.Fatalf("a live code was issued twice: %s", secret.Code(first))
	}
	// Used but not expired: still never reissued.
	if p := a.pay(a.req("o1", first, 1)); p.Status != payhost.StatusSuccess {
		t.Fatalf("pay: %+v", p)
	}
	rr.blocks, rr.fill = 0, 7
	if third := a.code(acct.ID); third == first {
		t.Fatalf("a used, unexpired code was issued again")
	}
	// Expired: the value may come back, now a fresh, usable code.
	a.env.Clock.Advance(2 * sandbox.DefaultCodeTTL)
	rr.blocks, rr.fill = 0, 7
	again := a.code(acct.ID)
	if again != first {
		t.Fatalf("expired code value not recycled (the reader was rewound)")
	}
	if p := a.pay(a.req("o2", again, 1)); p.Status != payhost.StatusSuccess {
		t.Fatalf("recycled code: %+v", p)
	}
}

func TestRoutesAnswerJSON(t *testing.T) {
	a := newAPI(t, sandbox.Options{})
	cases := []struct {
		method, path string
		wantStatus   int
		wantCode     string
	}{
		{"GET", "/nowhere", http.StatusNotFound, payhost.CodeNotFound},
		{"GET", "/", http.StatusNotFound, payhost.CodeNotFound},
		{"GET", "/v1/pay", http.StatusMethodNotAllowed, payhost.CodeMethodNotAllowed},
		{"DELETE", "/v1/pay/o1", http.StatusMethodNotAllowed, payhost.CodeMethodNotAllowed},
		{"GET", "/v1/pay/o1/reverse", http.StatusMethodNotAllowed, payhost.CodeMethodNotAllowed},
		{"PUT", "/accounts", http.StatusMethodNotAllowed, payhost.CodeMethodNotAllowed},
		{"GET", "/accounts/x/codes", http.StatusMethodNotAllowed, payhost.CodeMethodNotAllowed},
	}
	for _, tc := range cases {
		status, raw := a.do(tc.method, tc.path, nil)
		e := decode[payhost.ErrorBody](t, raw)
		if status != tc.wantStatus || e.Error != tc.wantCode || e.Message == "" {
			t.Errorf("%s %s: %d %+v, want %d %s", tc.method, tc.path, status, e, tc.wantStatus, tc.wantCode)
		}
	}
}

func TestMalformedBodies(t *testing.T) {
	a := newAPI(t, sandbox.Options{})
	acct := a.account("Hal", "CNY", 10000)
	code := a.code(acct.ID)
	goodJSON, err := json.Marshal(a.req("o1", code, 100))
	if err != nil {
		t.Fatal(err)
	}
	// Replacements below change the first occurrence: the request's own
	// field, which comes before the statement's.
	good := string(goodJSON)
	huge := `{"out_trade_no":"o1","auth_code":"` + code + `","amount":100,"currency":"CNY","order_hash":"` + hashOf("o") +
		`","description":"` + strings.Repeat("x", payhost.MaxBodyBytes) + `"}`
	padded := good + strings.Repeat(" ", payhost.MaxBodyBytes)
	cases := []struct {
		name, path, body string
		wantStatus       int
		wantCode         string
	}{
		{"empty", "/v1/pay", ``, http.StatusBadRequest, payhost.CodeBadJSON},
		{"not json", "/v1/pay", `pay me`, http.StatusBadRequest, payhost.CodeBadJSON},
		{"truncated", "/v1/pay", good[:len(good)-3], http.StatusBadRequest, payhost.CodeBadJSON},
		{"array", "/v1/pay", `[` + good + `]`, http.StatusBadRequest, payhost.CodeBadJSON},
		{"two objects", "/v1/pay", good + good, http.StatusBadRequest, payhost.CodeBadJSON},
		{"unknown field", "/v1/pay", strings.Replace(good, `"amount"`, `"amuont"`, 1), http.StatusBadRequest, payhost.CodeBadJSON},
		{"amount as string", "/v1/pay", strings.Replace(good, `"amount":100`, `"amount":"100"`, 1), http.StatusBadRequest, payhost.CodeBadJSON},
		{"zero amount", "/v1/pay", strings.Replace(good, `"amount":100`, `"amount":0`, 1), http.StatusBadRequest, payhost.CodeBadRequest},
		{"negative amount", "/v1/pay", strings.Replace(good, `"amount":100`, `"amount":-5`, 1), http.StatusBadRequest, payhost.CodeBadRequest},
		{"no auth code", "/v1/pay", strings.Replace(good, code, ``, 1), http.StatusBadRequest, payhost.CodeBadRequest},
		{"bad hash", "/v1/pay", strings.Replace(good, hashOf("o1"), `abc`, 1), http.StatusBadRequest, payhost.CodeBadRequest},
		{"statement not an object", "/v1/pay", strings.Replace(good, `"statement":{`, `"statement":"x","y":{`, 1), http.StatusBadRequest, payhost.CodeBadJSON},
		{"unknown statement field", "/v1/pay", strings.Replace(good, `"nonce"`, `"nonse"`, 1), http.StatusBadRequest, payhost.CodeBadJSON},
		{"short nonce", "/v1/pay", strings.Replace(good, `"nonce":"`, `"nonce":"ab`, 1), http.StatusBadRequest, payhost.CodeBadRequest},
		{"statement without time", "/v1/pay", regexp.MustCompile(`,"time":"[^"]*"`).ReplaceAllString(good, ""), http.StatusBadRequest, payhost.CodeBadRequest},
		{"huge signature", "/v1/pay", strings.Replace(good, `"signature":"`, `"signature":"`+strings.Repeat("A", payhost.MaxSignature), 1), http.StatusBadRequest, payhost.CodeBadRequest},
		{"bad out_trade_no", "/v1/pay", strings.Replace(good, `"o1"`, `"o/1"`, 1), http.StatusBadRequest, payhost.CodeBadRequest},
		{"oversized", "/v1/pay", huge, http.StatusRequestEntityTooLarge, payhost.CodeTooLarge},
		{"padded past the cap", "/v1/pay", padded, http.StatusRequestEntityTooLarge, payhost.CodeTooLarge},
		{"account oversized", "/accounts", `{"name":"` + strings.Repeat("x", payhost.MaxBodyBytes) + `"}`, http.StatusRequestEntityTooLarge, payhost.CodeTooLarge},
		{"account not json", "/accounts", `{name:1}`, http.StatusBadRequest, payhost.CodeBadJSON},
		{"face not json", "/accounts/" + acct.ID + "/faces", `"tok"`, http.StatusBadRequest, payhost.CodeBadJSON},
		{"face without image", "/accounts/" + acct.ID + "/faces", `{}`, http.StatusBadRequest, payhost.CodeBadRequest},
		{"face old token form", "/accounts/" + acct.ID + "/faces", `{"token":"tok"}`, http.StatusBadRequest, payhost.CodeBadJSON},
		{"face not a jpeg", "/accounts/" + acct.ID + "/faces", `{"crop_jpeg":"AAAA"}`, http.StatusBadRequest, payhost.CodeBadRequest},
		{"face both images", "/accounts/" + acct.ID + "/faces", `{"crop_jpeg":"AAAA","photo_jpeg":"AAAA"}`, http.StatusBadRequest, payhost.CodeBadRequest},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, raw := a.do("POST", tc.path, tc.body)
			e := decode[payhost.ErrorBody](t, raw)
			if status != tc.wantStatus || e.Error != tc.wantCode || e.Message == "" {
				t.Fatalf("%d %+v, want %d %s", status, e, tc.wantStatus, tc.wantCode)
			}
			if bytes.Contains(raw, []byte(code)) {
				t.Fatalf("error answer contains the payment code")
			}
		})
	}
	// Nothing was charged and the code still works.
	if got := a.balance(acct.ID); got != 10000 {
		t.Errorf("balance %d after malformed requests", got)
	}
	status, raw := a.do("POST", "/v1/pay", good)
	if p := decode[payhost.Payment](t, raw); status != http.StatusOK || p.Status != payhost.StatusSuccess {
		t.Errorf("the well-formed request after them: %d %s", status, raw)
	}
}

func TestEnrolFace(t *testing.T) {
	a := newAPI(t, sandbox.Options{})
	alice := a.account("Alice", "CNY", 100)
	small := sandboxtest.ColourCrop(color.RGBA{1, 2, 3, 255})
	wrongSize, err := jpegOf(image.NewRGBA(image.Rect(0, 0, 100, 150)))
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name       string
		account    string
		body       any
		wantStatus int
		wantFaces  int
	}{
		{"crop", alice.ID, map[string][]byte{"crop_jpeg": red}, http.StatusCreated, 1},
		{"second crop", alice.ID, map[string][]byte{"crop_jpeg": small}, http.StatusCreated, 2},
		{"unknown account", "acct-404", map[string][]byte{"crop_jpeg": red}, http.StatusNotFound, 0},
		{"crop not 150x150", alice.ID, map[string][]byte{"crop_jpeg": wrongSize}, http.StatusBadRequest, 0},
		{"photo without a cropper", alice.ID, map[string][]byte{"photo_jpeg": red}, http.StatusNotImplemented, 0},
	}
	for _, s := range steps {
		status, raw := a.do("POST", "/accounts/"+s.account+"/faces", s.body)
		if status != s.wantStatus {
			t.Errorf("%s: %d %s, want %d", s.name, status, raw, s.wantStatus)
			continue
		}
		if status == http.StatusCreated {
			if e := decode[sandbox.Enrolled](t, raw); e.AccountID != s.account || e.Faces != s.wantFaces {
				t.Errorf("%s: %+v, want %d faces on %s", s.name, e, s.wantFaces, s.account)
			}
		}
	}
	p := a.pay(a.faceReq("o1", red, 60))
	if p.Status != payhost.StatusSuccess || p.AccountID != alice.ID {
		t.Errorf("face pay: %+v, want a charge on %s", p, alice.ID)
	}
}

// TestEnrolPhoto: a photo goes through the Cropper; its refusal is the
// client's error.
func TestEnrolPhoto(t *testing.T) {
	crops := 0
	a := newAPI(t, sandbox.Options{Cropper: func(photo image.Image) ([]byte, error) {
		crops++
		if photo.Bounds().Dx() != 640 {
			return nil, errors.New("no face")
		}
		return append([]byte(nil), red...), nil
	}})
	acct := a.account("Pat", "CNY", 100)
	photo, _ := jpegOf(image.NewRGBA(image.Rect(0, 0, 640, 480)))
	blank, _ := jpegOf(image.NewRGBA(image.Rect(0, 0, 320, 240)))
	if status, raw := a.do("POST", "/accounts/"+acct.ID+"/faces", map[string][]byte{"photo_jpeg": photo}); status != http.StatusCreated {
		t.Fatalf("photo: %d %s", status, raw)
	}
	if status, raw := a.do("POST", "/accounts/"+acct.ID+"/faces", map[string][]byte{"photo_jpeg": blank}); status != http.StatusBadRequest {
		t.Fatalf("photo the cropper refuses: %d %s", status, raw)
	}
	if crops != 2 {
		t.Errorf("cropper called %d times, want 2", crops)
	}
	if p := a.pay(a.faceReq("o1", red, 60)); p.AccountID != acct.ID {
		t.Errorf("pay with the photo's face: %+v", p)
	}
}

// TestFaceKeyEndpoint: GET /v1/face-key publishes the key SealFace needs;
// a host without one answers 404.
func TestFaceKeyEndpoint(t *testing.T) {
	a := newAPI(t, sandbox.Options{})
	status, raw := a.do("GET", "/v1/face-key", nil)
	k := decode[sandbox.FaceKeyAnswer](t, raw)
	if status != http.StatusOK || k.KEM != "X25519" || k.PublicKey != hex.EncodeToString(sandboxtest.FaceKey().Public()) {
		t.Fatalf("face key: %d %s", status, raw)
	}
	h, err := sandbox.Open(filepath.Join(t.TempDir(), "db"), sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	rec := httptest.NewRecorder()
	h.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/v1/face-key", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("without a key: %d %s", rec.Code, rec.Body)
	}
}

func jpegOf(img image.Image) ([]byte, error) {
	var b bytes.Buffer
	err := jpeg.Encode(&b, img, nil)
	return b.Bytes(), err
}

func TestHostErrors(t *testing.T) {
	a := newAPI(t, sandbox.Options{})
	h := a.env.Host
	ctx := t.Context()
	if _, err := h.Query(ctx, "nope"); !errors.Is(err, payhost.ErrNotFound) {
		t.Errorf("query unknown: %v", err)
	}
	if _, err := h.Pay(ctx, payhost.PayRequest{}); !errors.Is(err, payhost.ErrInvalidRequest) {
		t.Errorf("pay empty request: %v", err)
	}
	if _, err := h.IssueCode(ctx, "acct-0"); !errors.Is(err, payhost.ErrNotFound) {
		t.Errorf("code for unknown account: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := h.Pay(cancelled, payReq("o1", "130000000000000000", 1)); !errors.Is(err, context.Canceled) {
		t.Errorf("pay with a cancelled context: %v", err)
	}

}
