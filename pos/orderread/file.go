package orderread

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Kind is the source a file name's extension names: "pdf", "csv",
// "json", or "" for a file no source reads.
func Kind(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".pdf":
		return "pdf"
	case ".csv":
		return "csv"
	case ".json":
		return "json"
	}
	return ""
}

// ReadFile reads an order from a receipt PDF, a CSV or a JSON order file,
// chosen by the extension. An empty opt.ID becomes the file's name
// without its extension; opt.Source, when empty, "<kind>:<base name>".
func ReadFile(path string, opt Options) (Read, error) {
	kind := Kind(path)
	if kind == "" {
		return Read{}, fmt.Errorf("orderread: %s: not a .pdf, .csv or .json file", filepath.Base(path))
	}
	f, err := os.Open(path)
	if err != nil {
		return Read{}, fmt.Errorf("orderread: %w", err)
	}
	defer f.Close()
	base := filepath.Base(path)
	if opt.ID == "" {
		opt.ID = strings.TrimSuffix(base, filepath.Ext(base))
	}
	if opt.Source == "" {
		opt.Source = kind + ":" + base
	}
	return ReadKind(f, kind, opt)
}

// ReadKind reads an order of the given kind ("pdf", "csv", "json") from r.
func ReadKind(r io.Reader, kind string, opt Options) (Read, error) {
	switch kind {
	case "csv":
		return ReadCSV(r, opt)
	case "json":
		return ReadJSON(r, opt)
	case "pdf":
		var b bytes.Buffer
		if _, err := io.Copy(&b, io.LimitReader(r, MaxPDF+1)); err != nil {
			return Read{}, fmt.Errorf("orderread: pdf: %w", err)
		}
		return ReadPDF(b.Bytes(), opt)
	}
	return Read{}, fmt.Errorf("orderread: unknown kind %q", kind)
}
