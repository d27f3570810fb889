package journal

import (
	"errors"
	"strings"
	"testing"
)

func TestLooksLikeCode(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want bool
	}{
		// The customer's codes, alone and in text.
		{"281012345678901234", true}, // Alipay, 18 digits
		{"134567890123456789", true}, // WeChat Pay, 18 digits from 13
		{"scanned 134567890123456789 at the till", true},
		{"code:134567890123456789", true},                // after punctuation: its own token
		{"码134567890123456789", true},                    // after a non-ASCII letter
		{"4111 1111 1111 1111", true},                    // a card number with spaces
		{"card 4111-1111-1111-1111 declined", true},      // with hyphens
		{"6222 0212 3456 7890 123", true},                // 19-digit card
		{"123456789012", true},                           // exactly 12
		{"134567890123456789x", true},                    // a letter after does not glue
		{"SBX0000000000000001 134567890123456789", true}, // a reference, then a code
		{"o1234 134567890123456789", true},
		{"SBX0000000000000001-4111-1111-1111-1111", true}, // a hyphen ends the reference
		// The host's and the terminal's own references.
		{"SBX0000000000000001", false},
		{"trade SBX0000000000000001 approved", false},
		{"PT1-0001-o3fa9c0d2e1b4a5f6-1", false},
		{"o1234567890123", false},
		{"PT1-0001-o123456789012345678-2", false},
		// Ordinary numbers.
		{"", false},
		{"12345678901", false},
		{"order 2026-03-01 total 12345", false},
		{"1234 5678 901x2", false},
		{"amount 1000000000.00", false},
		{"POS-1/8f3a2b1c0d", false},
	} {
		if got := looksLikeCode(tc.s); got != tc.want {
			t.Errorf("looksLikeCode(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}

func TestAppendRefsAndCodes(t *testing.T) {
	j, _ := filled(t)
	defer j.Close()
	o := records()[0].OrderHash
	for _, tc := range []struct {
		name string
		r    Record
		err  error // nil: stored; ErrLooksLikeCode; errAny for another refusal
	}{
		{"host reference", Record{Kind: "outcome", OrderHash: o, Ref: "SBX0000000000000001", Amount: 2350, Currency: "CNY", Detail: "approved"}, nil},
		{"attempt", Record{Kind: "attempt", OrderHash: o, Ref: "PT1-0001-o3fa9c0d2e1b4a5f6-1", Request: "POS-1/8f3a2b1c0d", Amount: 2350, Currency: "CNY"}, nil},
		{"reference in detail", Record{Kind: "outcome", Detail: "host trade_no SBX0000000000000001"}, nil},
		{"negative amount", Record{Kind: "reversed", Amount: -2350, Currency: "CNY"}, nil},
		{"code as ref", Record{Kind: "attempt", Ref: "134567890123456789"}, ErrLooksLikeCode},
		{"code in request", Record{Kind: "attempt", Request: "POS-1/134567890123456789"}, ErrLooksLikeCode},
		{"card in detail", Record{Kind: "outcome", Detail: "card 4111-1111-1111-1111"}, ErrLooksLikeCode},
		{"code after reference", Record{Kind: "outcome", Detail: "SBX0000000000000001 134567890123456789"}, ErrLooksLikeCode},
		{"reference-like kind", Record{Kind: "SBX0000000000000001"}, ErrLooksLikeCode},
		{"space in ref", Record{Kind: "attempt", Ref: "PT1 0001"}, errAny},
		{"long ref", Record{Kind: "attempt", Ref: strings.Repeat("a", maxRef+1)}, errAny},
		{"long request", Record{Kind: "attempt", Request: strings.Repeat("a", maxRequest+1)}, errAny},
		{"request with a space", Record{Kind: "attempt", Request: "POS 1/7"}, errAny},
		{"status not a word", Record{Kind: "outcome", Status: "PAID!"}, errAny},
		{"amount without currency", Record{Kind: "attempt", Amount: 1}, errAny},
		{"lower-case currency", Record{Kind: "attempt", Amount: 1, Currency: "cny"}, errAny},
		{"long currency", Record{Kind: "attempt", Currency: "CNYX"}, errAny},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := j.Last(1)
			e, err := j.Append(tc.r)
			switch {
			case tc.err == nil && err != nil:
				t.Fatalf("Append = %v", err)
			case tc.err == nil:
				got, _ := j.Last(1)
				if got[0].Record != tc.r || e.Record != tc.r {
					t.Fatalf("stored %+v, want %+v", got[0].Record, tc.r)
				}
			case err == nil:
				t.Fatal("Append succeeded")
			case tc.err == ErrLooksLikeCode && !errors.Is(err, ErrLooksLikeCode):
				t.Fatalf("Append = %v, want ErrLooksLikeCode", err)
			case tc.err == errAny && errors.Is(err, ErrLooksLikeCode):
				t.Fatalf("Append = %v, refused as a code", err)
			}
			if after, _ := j.Last(1); tc.err != nil && after[0].Seq != before[0].Seq {
				t.Fatal("a refused record was stored")
			}
		})
	}
	if err := j.Verify(publicOf(testKey(1))); err != nil {
		t.Fatal(err)
	}
}

var errAny = errors.New("any refusal but a code")

// codeOf makes a payment code of 12 to 24 digits from fuzz input, grouped
// by sep every 4 digits when sep is a space or hyphen.
func codeOf(seed uint64, n uint8, sep byte) string {
	digits := 12 + int(n)%13
	var b strings.Builder
	for i := range digits {
		if i > 0 && i%4 == 0 && (sep == ' ' || sep == '-') {
			b.WriteByte(sep)
		}
		b.WriteByte('0' + byte(seed%10))
		seed = seed/10 + uint64(i)*7919
	}
	return b.String()
}

// A code that stands as a token of its own is refused whatever surrounds
// it, and nothing without a 12-digit run is ever refused.
func FuzzLooksLikeCode(f *testing.F) {
	f.Add("SBX000000000000000", "", uint64(134567890123456789), uint8(6), byte(0))
	f.Add("o1234", "x", uint64(4111111111111111), uint8(4), byte('-'))
	f.Add("paid ", " ok", uint64(0), uint8(0), byte(' '))
	f.Add("a1 2 ", "", uint64(9), uint8(12), byte(' '))
	f.Fuzz(func(t *testing.T, before, after string, seed uint64, n uint8, sep byte) {
		before, after = before[:min(len(before), 1000)], after[:min(len(after), 1000)] // inside maxDetail
		code := codeOf(seed, n, sep)
		for _, s := range []string{code, before + " " + code, before + " " + code + after, before + "/" + code + " " + after} {
			if !looksLikeCode(s) {
				t.Fatalf("looksLikeCode(%q) = false", s)
			}
			if err := (Record{Kind: "k", Detail: s}).validate(); !errors.Is(err, ErrLooksLikeCode) {
				t.Fatalf("Detail %q: validate = %v", s, err)
			}
		}
		if err := (Record{Kind: "k", Ref: "PT1-0001/" + code}).validate(); !errors.Is(err, ErrLooksLikeCode) {
			t.Fatalf("Ref with %q: validate = %v", code, err)
		}
		if looksLikeCode(before) && !hasDigitRun(before, codeDigits) {
			t.Fatalf("looksLikeCode(%q) without a 12-digit run", before)
		}
	})
}
