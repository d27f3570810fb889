package poslink_test

import (
	"errors"
	"strings"
	"testing"

	"payterm/firmware/poslink"
)

// fakeUpdater takes one offered bundle into memory.
type fakeUpdater struct {
	offer poslink.UpdateOffer
	data  []byte
}

func (f *fakeUpdater) Status() poslink.UpdateStatus {
	return poslink.UpdateStatus{Version: "1.0.0", State: poslink.UpdateReceiving, Bundle: f.offer.Bundle, Offset: int64(len(f.data))}
}
func (f *fakeUpdater) Offer(o poslink.UpdateOffer) (poslink.UpdateStatus, error) {
	if o != f.offer {
		f.offer, f.data = o, nil
	}
	return f.Status(), nil
}
func (f *fakeUpdater) Chunk(b string, off int64, d []byte) (poslink.UpdateStatus, error) {
	if off != int64(len(f.data)) {
		return f.Status(), &poslink.ConditionError{Condition: poslink.CondNotAllowed, Reason: "gap"}
	}
	f.data = append(f.data, d...)
	return f.Status(), nil
}
func (f *fakeUpdater) Finish(string) (poslink.UpdateStatus, error) {
	st := f.Status()
	st.State = poslink.UpdateVerified
	return st, nil
}

var testBundle = strings.Repeat("ab", 32)

// TestUpdateServices: offer, chunks and finish reach the Updater under a
// link key only; a refused chunk still tells where to resume; a terminal
// without an Updater still reports its version.
func TestUpdateServices(t *testing.T) {
	up := &fakeUpdater{}
	r := newRig(t, func(c *poslink.ServerConfig) { c.Updater = up })
	st, err := r.client.UpdateOffer(bg, testSale, "1", poslink.UpdateOffer{Bundle: testBundle, Size: 10, Version: "1.1.0"})
	if err != nil || st.Offset != 0 || up.offer.Version != "1.1.0" {
		t.Fatalf("offer: %+v %v", st, err)
	}
	if st, err = r.client.UpdateChunk(bg, testSale, "2", testBundle, 0, []byte("hello")); err != nil || st.Offset != 5 {
		t.Fatalf("chunk: %+v %v", st, err)
	}
	st, err = r.client.UpdateChunk(bg, testSale, "3", testBundle, 7, []byte("x"))
	var re *poslink.ResponseError
	if !errors.As(err, &re) || re.Condition != poslink.CondNotAllowed || st.Offset != 5 {
		t.Fatalf("gap: %+v %v, want NotAllowed with offset 5", st, err)
	}
	if st, err = r.client.UpdateFinish(bg, testSale, "4", testBundle); err != nil || st.State != poslink.UpdateVerified {
		t.Fatalf("finish: %+v %v", st, err)
	}
	if _, err := r.plain.UpdateStatus(bg, testSale, "5"); !errors.As(err, &re) || re.Condition != poslink.CondNotAllowed {
		t.Fatalf("plain status: %v, want NotAllowed", err)
	}

	bare := newRig(t, func(c *poslink.ServerConfig) { c.Version = "2.0.0" })
	if st, err := bare.client.UpdateStatus(bg, testSale, "1"); err != nil || st.Version != "2.0.0" {
		t.Fatalf("status without updater: %+v %v", st, err)
	}
	if _, err := bare.client.UpdateOffer(bg, testSale, "2", poslink.UpdateOffer{Bundle: testBundle, Size: 1, Version: "2.1.0"}); !errors.As(err, &re) || re.Condition != poslink.CondUnavailableService {
		t.Fatalf("offer without updater: %v, want UnavailableService", err)
	}
}

// TestUpdateRequestChecks: malformed update requests are refused before
// the Updater sees them.
func TestUpdateRequestChecks(t *testing.T) {
	up := &fakeUpdater{}
	r := newRig(t, func(c *poslink.ServerConfig) { c.Updater = up })
	big := make([]byte, poslink.MaxUpdateChunk+1)
	tests := []struct {
		name string
		call func() error
	}{
		{"bundle id", func() error {
			_, err := r.client.UpdateOffer(bg, testSale, "1", poslink.UpdateOffer{Bundle: "AB", Size: 1, Version: "1"})
			return err
		}},
		{"size", func() error {
			_, err := r.client.UpdateOffer(bg, testSale, "2", poslink.UpdateOffer{Bundle: testBundle, Size: poslink.MaxBundleSize + 1, Version: "1"})
			return err
		}},
		{"no version", func() error {
			_, err := r.client.UpdateOffer(bg, testSale, "3", poslink.UpdateOffer{Bundle: testBundle, Size: 1})
			return err
		}},
		{"chunk too big", func() error {
			_, err := r.client.UpdateChunk(bg, testSale, "4", testBundle, 0, big)
			return err
		}},
		{"empty chunk", func() error {
			_, err := r.client.UpdateChunk(bg, testSale, "5", testBundle, 0, nil)
			return err
		}},
		{"negative offset", func() error {
			_, err := r.client.UpdateChunk(bg, testSale, "6", testBundle, -1, []byte("x"))
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var re *poslink.ResponseError
			if err := tt.call(); !errors.As(err, &re) || re.Condition != poslink.CondMessageFormat {
				t.Fatalf("err %v, want MessageFormat", err)
			}
			if up.offer.Bundle != "" || up.data != nil {
				t.Fatalf("updater saw %+v", up)
			}
		})
	}
}
