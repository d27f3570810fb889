package ui

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/sfnt"
)

func TestLoadFonts(t *testing.T) {
	dir := t.TempDir()
	mono := filepath.Join(dir, "mono.ttf")
	if err := os.WriteFile(mono, gomono.TTF, 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "bad.ttf")
	if err := os.WriteFile(bad, []byte("not a font"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		paths     []string
		fallbacks int
		err       bool
	}{
		{"none", nil, 0, false},
		{"missing paths skipped", []string{filepath.Join(dir, "nope.ttf"), "/no/such/dir"}, 0, false},
		{"file", []string{mono}, 1, false},
		{"file with face index", []string{mono + "#0"}, 1, false},
		{"face index out of range", []string{mono + "#3"}, 0, true},
		{"directory", []string{dir}, 1, false},
		{"file and directory in order", []string{mono, dir}, 2, false},
		{"unparsable", []string{bad}, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := LoadFonts(tc.paths...)
			if (err != nil) != tc.err {
				t.Fatalf("err = %v, want error %v", err, tc.err)
			}
			if err != nil {
				return
			}
			if len(f.fallbacks) != tc.fallbacks || f.HasFallback() != (tc.fallbacks > 0) {
				t.Errorf("%d fallbacks, want %d", len(f.fallbacks), tc.fallbacks)
			}
			if !f.Covers('A') || f.Covers('\U000F0000') {
				t.Error("Covers wrong for 'A' or a private-use rune")
			}
		})
	}
}

func TestDefaultFontsTakesDirFirst(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "mono.ttf"), gomono.TTF, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := DefaultFonts(dir)
	if err != nil {
		t.Fatal(err)
	}
	sys, err := DefaultFonts("")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.fallbacks) != len(sys.fallbacks)+1 {
		t.Fatalf("%d fallbacks with a font directory, %d without; want one more", len(f.fallbacks), len(sys.fallbacks))
	}
	var buf sfnt.Buffer
	if name, _ := f.fallbacks[0].Name(&buf, sfnt.NameIDFamily); name != "Go Mono" {
		t.Errorf("first fallback is %q, want the directory's Go Mono", name)
	}
	if len(sys.fallbacks) > 0 {
		if name, _ := sys.fallbacks[0].Name(&buf, sfnt.NameIDFamily); name == "Noto Sans CJK JP" {
			t.Errorf("system CJK face %q, want the Simplified Chinese one when present", name)
		}
	}
}
