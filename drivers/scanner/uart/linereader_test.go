package uart_test

import (
	"errors"
	"io"
	"payterm/drivers/scanner/uart"
	"payterm/internal/readertest"
	"strings"
	"testing"
	"testing/iotest"
)

// readAll collects every line until the reader's error.
func readAll(t *testing.T, r io.Reader, max int) ([]uart.Line, error) {
	t.Helper()
	lr := uart.NewLineReader(r, max)
	var got []uart.Line
	for {
		l, err := lr.Next()
		if err != nil {
			return got, err
		}
		got = append(got, l)
		if len(got) > 1000 {
			t.Fatal("runaway line reader")
		}
	}
}

func code(s string) uart.Line { return uart.Line{Verdict: uart.Code, Code: s, Len: len(s)} }

func TestLineReaderFraming(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want []uart.Line
	}{
		{"CR", "283456789012345678\r", 0, []uart.Line{code("283456789012345678")}},
		{"CR LF", "283456789012345678\r\n", 0, []uart.Line{code("283456789012345678")}},
		{"LF alone", "1234\n", 0, []uart.Line{code("1234")}},
		{"two codes in one read", "1111\r\n2222\r\n", 0, []uart.Line{code("1111"), code("2222")}},
		{"empty lines skipped", "\r\n\r\n\r7\r\n\n", 0, []uart.Line{code("7")}},
		{"spaces and punctuation kept", "https://qr.example/p?a=1 b~\r", 0, []uart.Line{code("https://qr.example/p?a=1 b~")}},
		{"exactly max", "12345678\r", 8, []uart.Line{code("12345678")}},
		{"one over max discarded, next line resyncs", "123456789\r87654321\r", 8,
			[]uart.Line{{Verdict: uart.TooLong, Len: 9}, code("87654321")}},
		{"far over max", strings.Repeat("9", 1000) + "\r\n42\r\n", 8,
			[]uart.Line{{Verdict: uart.TooLong, Len: 1000}, code("42")}},
		{"NUL is noise", "12\x0034\r5678\r", 0, []uart.Line{{Verdict: uart.Noise, Len: 5}, code("5678")}},
		{"high byte is noise", "ab\xffcd\r", 0, []uart.Line{{Verdict: uart.Noise, Len: 5}}},
		{"DEL is noise", "ab\x7f\r", 0, []uart.Line{{Verdict: uart.Noise, Len: 3}}},
		{"tab is noise", "ab\tcd\r", 0, []uart.Line{{Verdict: uart.Noise, Len: 5}}},
		{"noise in an over-long line counts as too long", "\x00\x00\x00\r", 2, []uart.Line{{Verdict: uart.TooLong, Len: 3}}},
		{"unterminated tail is partial", "1234\r5678", 0, []uart.Line{code("1234"), {Verdict: uart.Partial, Len: 4}}},
		{"unterminated over-long tail is too long", "123", 2, []uart.Line{{Verdict: uart.TooLong, Len: 3}}},
		{"nothing", "", 0, nil},
	}
	for _, tt := range tests {
		for _, rd := range readertest.Readers([]byte(tt.in)) {
			t.Run(tt.name+"/"+rd.Name, func(t *testing.T) {
				got, err := readAll(t, rd.R, tt.max)
				if !errors.Is(err, io.EOF) {
					t.Fatalf("error %v, want EOF", err)
				}
				if !equalLines(got, tt.want) {
					t.Fatalf("lines\n got %+v\nwant %+v", got, tt.want)
				}
			})
		}
	}
}

func equalLines(a, b []uart.Line) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestLineReaderReturnsReadError(t *testing.T) {
	got, err := readAll(t, iotest.TimeoutReader(iotest.OneByteReader(strings.NewReader("12\r34"))), 0)
	if !errors.Is(err, iotest.ErrTimeout) {
		t.Fatalf("error %v, want %v", err, iotest.ErrTimeout)
	}
	// TimeoutReader fails the second read: "1" was read, then the error
	// cuts the line off as partial.
	want := []uart.Line{{Verdict: uart.Partial, Len: 1}}
	if !equalLines(got, want) {
		t.Fatalf("lines %+v, want %+v", got, want)
	}
}

// emptyReader never returns data or an error.
type emptyReader struct{}

func (emptyReader) Read([]byte) (int, error) { return 0, nil }

func TestLineReaderStopsOnEmptyReads(t *testing.T) {
	_, err := readAll(t, emptyReader{}, 0)
	if !errors.Is(err, io.ErrNoProgress) {
		t.Fatalf("error %v, want io.ErrNoProgress", err)
	}
}
