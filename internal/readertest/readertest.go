// Package readertest hands a test the same bytes through readers that
// split them differently, so a table test shows that a parser does not
// depend on where reads happen to end.
package readertest

import (
	"bytes"
	"io"
	"testing/iotest"
)

// Reader is one way of reading a test's bytes; Name labels the subtest.
type Reader struct {
	Name string
	R    io.Reader
}

// Readers returns new readers of b, in this order: whole reads, one byte
// per read, half of each request, and one that returns io.EOF together
// with the last data. Every call returns fresh readers, so each subtest
// can read its own to the end.
func Readers(b []byte) []Reader {
	return []Reader{
		{"whole", bytes.NewReader(b)},
		{"one byte", iotest.OneByteReader(bytes.NewReader(b))},
		{"half", iotest.HalfReader(bytes.NewReader(b))},
		{"data with EOF", iotest.DataErrReader(bytes.NewReader(b))},
	}
}
