package uart_test

import (
	"bytes"
	"errors"
	"io"
	"payterm/drivers/scanner/uart"
	"testing"
	"testing/iotest"
)

// referenceLines is the framing rule written the obvious way: split on
// CR and LF, drop empty pieces, judge each piece whole.
func referenceLines(in []byte, max int) []uart.Line {
	var pieces [][]byte
	start := 0
	for i, b := range in {
		if b == '\r' || b == '\n' {
			if i > start {
				pieces = append(pieces, in[start:i])
			}
			start = i + 1
		}
	}
	var out []uart.Line
	judge := func(p []byte, terminated bool) uart.Line {
		l := uart.Line{Len: len(p)}
		printable := true
		for _, b := range p {
			if b < 0x20 || b > 0x7e {
				printable = false
			}
		}
		switch {
		case len(p) > max:
			l.Verdict = uart.TooLong
		case !printable:
			l.Verdict = uart.Noise
		case !terminated:
			l.Verdict = uart.Partial
		default:
			l.Verdict, l.Code = uart.Code, string(p)
		}
		return l
	}
	for _, p := range pieces {
		out = append(out, judge(p, true))
	}
	if start < len(in) {
		out = append(out, judge(in[start:], false))
	}
	return out
}

func FuzzLineReader(f *testing.F) {
	for _, seed := range []string{
		"283456789012345678\r\n",
		"1111\r2222\n3333\r\n",
		"12\x0034\r5678\r",
		"\xff\xfe\r\n\r\n",
		"123456789012345678901234567890\r42\r",
		"partial",
		"",
	} {
		f.Add([]byte(seed), uint8(16))
	}
	f.Fuzz(func(t *testing.T, in []byte, max8 uint8) {
		max := int(max8)%64 + 1
		want := referenceLines(in, max)
		for _, r := range []io.Reader{bytes.NewReader(in), iotest.OneByteReader(bytes.NewReader(in))} {
			lr := uart.NewLineReader(r, max)
			var got []uart.Line
			for {
				l, err := lr.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				if l.Verdict == uart.Code {
					if len(l.Code) == 0 || len(l.Code) > max {
						t.Fatalf("code of %d bytes, limit %d", len(l.Code), max)
					}
					for _, b := range []byte(l.Code) {
						if b < 0x20 || b > 0x7e {
							t.Fatalf("code holds byte %#x", b)
						}
					}
				} else if l.Code != "" {
					t.Fatalf("discarded line %v carries a code", l.Verdict)
				}
				got = append(got, l)
			}
			if !equalLines(got, want) {
				t.Fatalf("input %q max %d\n got %+v\nwant %+v", in, max, got, want)
			}
		}
	})
}
