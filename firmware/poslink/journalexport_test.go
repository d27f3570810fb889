package poslink

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
)

// fakeJournal hands out "batch after N max M" and records acks.
type fakeJournal struct {
	mu   sync.Mutex
	acks []uint64
	big  bool // Export answers over MaxJournalBatch
	err  error
}

func (f *fakeJournal) Export(from uint64, max int) ([]byte, error) {
	if f.err != nil {
		return nil, f.err
	}
	if f.big {
		return make([]byte, MaxJournalBatch+1), nil
	}
	return fmt.Appendf(nil, "batch after %d max %d", from, max), nil
}

func (f *fakeJournal) Ack(upTo uint64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	f.acks = append(f.acks, upTo)
	return nil
}

func journalClient(t *testing.T, j JournalSource, key *SecurityKey) *Client {
	t.Helper()
	keys, err := NewKeys(fuzzKey)
	if err != nil {
		t.Fatal(err)
	}
	cfg := ServerConfig{POIID: "PT1", Keys: keys}
	if j != nil {
		cfg.Journal = j
	}
	srv := NewServer(cfg, nil, nil, nil)
	c, err := NewClient(ClientConfig{POIID: "PT1", Key: key, Transport: func(ctx context.Context, req []byte) ([]byte, error) {
		return srv.HandleMessage(ctx, req), nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestJournalExportAndAck(t *testing.T) {
	j := &fakeJournal{}
	c := journalClient(t, j, &fuzzKey)
	for _, tc := range []struct {
		after uint64
		max   int
		want  string
	}{
		{0, 0, "batch after 0 max 256"},
		{2500, 100, "batch after 2500 max 100"},
	} {
		got, err := c.JournalExport(t.Context(), "POS1", "J1", tc.after, tc.max)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tc.want {
			t.Errorf("JournalExport(%d, %d) = %q, want %q", tc.after, tc.max, got, tc.want)
		}
	}
	// Neither is recorded as a ServiceID: the same one may be used again.
	for range 2 {
		if err := c.JournalAck(t.Context(), "POS1", "J2", 2756); err != nil {
			t.Fatal(err)
		}
	}
	if !reflect.DeepEqual(j.acks, []uint64{2756, 2756}) {
		t.Fatalf("acks %v", j.acks)
	}
}

func TestJournalExportRefused(t *testing.T) {
	condition := func(err error) string {
		var re *ResponseError
		if errors.As(err, &re) {
			return re.Condition
		}
		return "not a ResponseError: " + fmt.Sprint(err)
	}
	for _, tc := range []struct {
		name string
		j    JournalSource
		key  *SecurityKey
		want string
	}{
		{"plain request", &fakeJournal{}, nil, CondNotAllowed},
		{"no journal", nil, &fuzzKey, CondUnavailableService},
		{"journal fails", &fakeJournal{err: errors.New("disk gone")}, &fuzzKey, CondUnavailableService},
		{"batch too big", &fakeJournal{big: true}, &fuzzKey, CondUnavailableService},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := journalClient(t, tc.j, tc.key)
			_, err := c.JournalExport(t.Context(), "POS1", "J1", 0, 0)
			if got := condition(err); got != tc.want {
				t.Errorf("export: %v; condition %s, want %s", err, got, tc.want)
			}
			if tc.name == "batch too big" {
				return
			}
			err = c.JournalAck(t.Context(), "POS1", "J2", 5)
			if got := condition(err); got != tc.want {
				t.Errorf("ack: %v; condition %s, want %s", err, got, tc.want)
			}
		})
	}
	j := &fakeJournal{}
	journalClient(t, j, nil).JournalAck(t.Context(), "POS1", "J3", 5)
	if len(j.acks) != 0 {
		t.Fatal("a plain ack pruned the journal")
	}
}

func TestDecodeAdmin(t *testing.T) {
	for _, tc := range []struct {
		body string
		ok   bool
		cond string
	}{
		{`{"ServiceIdentification":"payterm.JournalExport","Journal":{"After":7,"Max":10}}`, true, ""},
		{`{"ServiceIdentification":"payterm.JournalExport","Journal":{}}`, true, ""},
		{`{"ServiceIdentification":"payterm.JournalAck","Journal":{"UpTo":7}}`, true, ""},
		{`{"ServiceIdentification":"payterm.JournalAck","Journal":{}}`, false, CondMessageFormat},
		{`{"ServiceIdentification":"payterm.JournalExport"}`, false, CondMessageFormat},
		{`{"ServiceIdentification":"payterm.JournalExport","Journal":{"Max":257}}`, false, CondMessageFormat},
		{`{"ServiceIdentification":"payterm.JournalExport","Journal":{"Max":-1}}`, false, CondMessageFormat},
		{`{"ServiceIdentification":"payterm.JournalExport","Journal":{"After":-1}}`, false, CondMessageFormat},
		{`{"ServiceIdentification":"Reboot"}`, false, CondUnavailableService},
		{`{}`, false, CondUnavailableService},
		{`[]`, false, CondMessageFormat},
	} {
		r := &request{hdr: MessageHeader{MessageCategory: CategoryAdmin}}
		err := r.decodeBody(&envelope{BodyName: "AdminRequest", Body: json.RawMessage(tc.body)})
		var rf *refusal
		switch {
		case tc.ok && err != nil:
			t.Errorf("%s: %v", tc.body, err)
		case !tc.ok && !errors.As(err, &rf):
			t.Errorf("%s: %v, want a refusal", tc.body, err)
		case !tc.ok && rf.cond != tc.cond:
			t.Errorf("%s: condition %s, want %s", tc.body, rf.cond, tc.cond)
		}
	}
}

// FuzzAdminRequest: an AdminRequest body is accepted only when it names a
// service served here with the fields it needs, and what is accepted
// survives a JSON round trip unchanged.
func FuzzAdminRequest(f *testing.F) {
	f.Add(`{"ServiceIdentification":"payterm.JournalExport","Journal":{"After":7,"Max":10}}`)
	f.Add(`{"ServiceIdentification":"payterm.JournalAck","Journal":{"UpTo":18446744073709551615}}`)
	f.Add(`{"ServiceIdentification":"payterm.JournalAck","Journal":null}`)
	f.Add(`{"ServiceIdentification":1}`)
	f.Fuzz(func(t *testing.T, body string) {
		r := &request{hdr: MessageHeader{MessageCategory: CategoryAdmin}}
		if err := r.decodeBody(&envelope{BodyName: "AdminRequest", Body: json.RawMessage(body)}); err != nil {
			var rf *refusal
			if !errors.As(err, &rf) {
				t.Fatalf("error %v is not a refusal", err)
			}
			return
		}
		a := r.body.(*AdminRequest)
		switch {
		case a.Journal == nil:
			t.Fatal("accepted without Journal")
		case a.ServiceIdentification == AdminJournalAck && a.Journal.UpTo == 0:
			t.Fatal("accepted an ack of nothing")
		case a.ServiceIdentification != AdminJournalAck && a.ServiceIdentification != AdminJournalExport:
			t.Fatalf("accepted service %q", a.ServiceIdentification)
		case a.Journal.Max < 0 || a.Journal.Max > MaxJournalEntries:
			t.Fatalf("accepted Max %d", a.Journal.Max)
		}
		raw, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		r2 := &request{hdr: MessageHeader{MessageCategory: CategoryAdmin}}
		if err := r2.decodeBody(&envelope{BodyName: "AdminRequest", Body: raw}); err != nil || !reflect.DeepEqual(r2.body, a) {
			t.Fatalf("round trip: %+v, %v; want %+v", r2.body, err, a)
		}
	})
}
