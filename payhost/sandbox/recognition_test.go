package sandbox_test

import (
	"image/color"
	"net/http"
	"testing"

	"payterm/payhost"
	"payterm/payhost/facerec/facerectest"
	"payterm/payhost/sandbox"
	"payterm/payhost/sandbox/sandboxtest"
)

// TestRecognitionOnPhotos runs the real network on the shared photos
// (hand-aligned crops, see facerectest.HandEyes). Measured distances:
// obama–obama2 0.450, obama–obama-480p 0.197, obama–biden 0.758,
// obama2–obama-480p 0.415.
func TestRecognitionOnPhotos(t *testing.T) {
	a := newAPI(t, sandbox.Options{Recognizer: facerectest.Net(t)})
	barack := a.accountWithPhone("Barack", "+1 202-555-0144")
	joe := a.accountWithPhone("Joe", "+1 202-555-0177")
	enrol := func(acct sandbox.Account, photo string) {
		t.Helper()
		if status, raw := a.do("POST", "/accounts/"+acct.ID+"/faces", map[string][]byte{"crop_jpeg": facerectest.CropJPEG(t, photo)}); status != http.StatusCreated {
			t.Fatalf("enrol %s: %d %s", photo, status, raw)
		}
	}
	enrol(barack, "obama.jpg")
	var s seq
	pay := func(photo, digits string) payhost.Payment {
		t.Helper()
		r := faceReq(t, s.next(), facerectest.CropJPEG(t, photo), 100)
		r.PhoneLast4 = digits
		return a.pay(a.env.Sign(r))
	}
	for _, tc := range []struct {
		photo, want, reason string
	}{
		{"obama2.jpg", barack.ID, ""},
		{"obama-480p.jpg", barack.ID, ""},
		{"biden.jpg", "", payhost.ReasonFaceUnknown},
	} {
		if p := pay(tc.photo, ""); p.AccountID != tc.want || p.Reason != tc.reason {
			t.Errorf("%s: %s %q on %q, want %q %q", tc.photo, p.Status, p.Reason, p.AccountID, tc.want, tc.reason)
		}
	}

	// A look-alike: Joe enrols the 480p portrait (0.197 from Barack's
	// enrolment). obama2 is then 0.450 from Barack and 0.415 from Joe:
	// within the margin, so the phone decides.
	enrol(joe, "obama-480p.jpg")
	before := a.balance(barack.ID)
	steps := []struct {
		digits, want, reason string
	}{
		{"", "", payhost.ReasonPhoneDigitsRequired},
		{"0000", "", payhost.ReasonPhoneDigitsWrong},
		{"0144", barack.ID, ""},
	}
	for _, st := range steps {
		if p := pay("obama2.jpg", st.digits); p.AccountID != st.want || p.Reason != st.reason {
			t.Errorf("close call with digits %q: %s %q on %q, want %q %q", st.digits, p.Status, p.Reason, p.AccountID, st.want, st.reason)
		}
	}
	if after := a.balance(barack.ID); after != before-100 {
		t.Errorf("Barack's balance %d → %d, want one charge of 100", before, after)
	}
}

// TestCloseCalls covers the identification rules with ColourFaces, whose
// distances are set by colour: (30,30,30) → (170,30,30) is 0.549.
func TestCloseCalls(t *testing.T) {
	grey := sandboxtest.ColourCrop(color.RGBA{30, 30, 30, 255})
	nearGrey := sandboxtest.ColourCrop(color.RGBA{170, 30, 30, 255}) // 0.549: in [0.5, 0.6)
	twinGrey := sandboxtest.ColourCrop(color.RGBA{30, 30, 40, 255})  // 0.039 from grey
	for _, tc := range []struct {
		name     string
		enrol    map[string][]byte // account name → crop
		pay      []byte
		digits   string
		want     string // account name, or ""
		reason   string
		noPhones bool
	}{
		{"confident", map[string][]byte{"ann": grey}, grey, "", "ann", "", false},
		{"confident, right digits", map[string][]byte{"ann": grey}, grey, "1111", "ann", "", false},
		{"confident, wrong digits", map[string][]byte{"ann": grey}, grey, "2222", "", payhost.ReasonPhoneDigitsWrong, false},
		{"weak match", map[string][]byte{"ann": grey}, nearGrey, "", "", payhost.ReasonPhoneDigitsRequired, false},
		{"weak match, digits", map[string][]byte{"ann": grey}, nearGrey, "1111", "ann", "", false},
		{"twins", map[string][]byte{"ann": grey, "bea": twinGrey}, grey, "", "", payhost.ReasonPhoneDigitsRequired, false},
		{"twins, second's digits", map[string][]byte{"ann": grey, "bea": twinGrey}, grey, "2222", "bea", "", false},
		{"twins, no phone on file", map[string][]byte{"ann": grey, "bea": twinGrey}, grey, "1111", "", payhost.ReasonPhoneDigitsWrong, true},
		{"stranger", map[string][]byte{"ann": grey}, blue, "", "", payhost.ReasonFaceUnknown, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newAPI(t, sandbox.Options{})
			ids := map[string]string{}
			phones := map[string]string{"ann": "13800001111", "bea": "13900002222"}
			for name, crop := range tc.enrol {
				phone := phones[name]
				if tc.noPhones {
					phone = ""
				}
				acct := a.accountWithPhone(name, phone)
				ids[acct.ID] = name
				a.env.EnrolCrop(t, acct.ID, crop)
			}
			r := faceReq(t, "o1", tc.pay, 10)
			r.PhoneLast4 = tc.digits
			p := a.pay(a.env.Sign(r))
			if ids[p.AccountID] != tc.want || p.Reason != tc.reason {
				t.Errorf("paid by %q (%s %q), want %q %q", ids[p.AccountID], p.Status, p.Reason, tc.want, tc.reason)
			}
		})
	}
}

// TestSealedForAnotherOrder: a crop sealed for one order does not pay
// another, nor through another terminal.
func TestSealedForAnotherOrder(t *testing.T) {
	a := newAPI(t, sandbox.Options{})
	acct := a.account("Ann", "CNY", 1000)
	a.env.EnrolCrop(t, acct.ID, red)
	other := faceReq(t, "o-other", red, 10)
	r := payReq("o1", other.AuthCode, 10)
	if p := a.pay(a.env.Sign(r)); p.Reason != payhost.ReasonCodeInvalid {
		t.Errorf("another order's crop: %s %q", p.Status, p.Reason)
	}
	if a.balance(acct.ID) != 1000 {
		t.Error("charged")
	}
}
