package ui

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

// Fonts is the set of typefaces the screens use: the Go fonts for Latin
// text (always present, embedded) and fallbacks tried in order, rune by
// rune, for anything the Go fonts lack. A Fonts is read only once built
// and may be shared by several Renderers.
type Fonts struct {
	regular   *sfnt.Font
	bold      *sfnt.Font
	fallbacks []*sfnt.Font
}

// SystemCJKFonts lists the system font files DefaultFonts tries, in order
// (Debian packages fonts-noto-cjk and fonts-droid-fallback).
func SystemCJKFonts() []string {
	return []string{
		"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
		"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
	}
}

// DefaultFonts is the Go fonts, then every font in dir (if dir is not
// empty and exists), then the first of SystemCJKFonts that exists. From
// the Noto CJK collection it takes the Simplified Chinese face.
func DefaultFonts(dir string) (*Fonts, error) {
	f, err := goFonts()
	if err != nil {
		return nil, err
	}
	if dir != "" {
		if err := f.add(dir, ""); err != nil {
			return nil, err
		}
	}
	for _, p := range SystemCJKFonts() {
		if _, err := os.Stat(p); err != nil {
			continue
		}
		if err := f.add(p, " SC"); err != nil {
			return nil, err
		}
		break
	}
	return f, nil
}

// LoadFonts is the Go fonts followed by fallbacks from paths, in order.
// A path is a font file (TrueType or OpenType, or a collection .ttc/.otc:
// append "#N" to pick face N, else face 0) or a directory whose font files
// are taken in name order. Paths that do not exist are skipped, so callers
// may list candidates; a file that does not parse is an error. Font files
// are mapped into memory on Linux (the Noto CJK collection is about 20
// MB; only the pages drawing touches become resident), read whole elsewhere.
func LoadFonts(paths ...string) (*Fonts, error) {
	f, err := goFonts()
	if err != nil {
		return nil, err
	}
	for _, p := range paths {
		if err := f.add(p, ""); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// HasFallback reports whether any font beyond the Go fonts was loaded.
func (f *Fonts) HasFallback() bool { return len(f.fallbacks) > 0 }

// Covers reports whether some font in f has a glyph for r.
func (f *Fonts) Covers(r rune) bool {
	var buf sfnt.Buffer
	for _, ft := range f.chain(false) {
		if x, err := ft.GlyphIndex(&buf, r); err == nil && x != 0 {
			return true
		}
	}
	return false
}

// chain is the lookup order for one weight: the Go font, then fallbacks.
func (f *Fonts) chain(bold bool) []*sfnt.Font {
	first := f.regular
	if bold {
		first = f.bold
	}
	return append([]*sfnt.Font{first}, f.fallbacks...)
}

func goFonts() (*Fonts, error) {
	reg, err := sfnt.Parse(goregular.TTF)
	if err != nil {
		return nil, fmt.Errorf("ui: go regular font: %w", err)
	}
	bold, err := sfnt.Parse(gobold.TTF)
	if err != nil {
		return nil, fmt.Errorf("ui: go bold font: %w", err)
	}
	return &Fonts{regular: reg, bold: bold}, nil
}

// add appends the font(s) at path. prefer, when not empty, picks the face
// of a collection whose family name ends with it.
func (f *Fonts) add(path, prefer string) error {
	file, index := path, -1
	if i := strings.LastIndexByte(path, '#'); i >= 0 {
		if n, err := strconv.Atoi(path[i+1:]); err == nil && n >= 0 {
			file, index = path[:i], n
		}
	}
	st, err := os.Stat(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("ui: fonts: %w", err)
	}
	if st.IsDir() {
		return f.addDir(file)
	}
	ft, err := loadFace(file, index, prefer)
	if err != nil {
		return err
	}
	f.fallbacks = append(f.fallbacks, ft)
	return nil
}

func (f *Fonts) addDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("ui: fonts: %w", err)
	}
	var names []string
	for _, e := range entries {
		switch strings.ToLower(filepath.Ext(e.Name())) {
		case ".ttf", ".otf", ".ttc", ".otc":
			if !e.IsDir() {
				names = append(names, e.Name())
			}
		}
	}
	sort.Strings(names)
	for _, n := range names {
		ft, err := loadFace(filepath.Join(dir, n), -1, "")
		if err != nil {
			return err
		}
		f.fallbacks = append(f.fallbacks, ft)
	}
	return nil
}

// loadFace reads one face of the font file: index when ≥ 0, else the face
// whose family ends with prefer, else the first.
func loadFace(file string, index int, prefer string) (*sfnt.Font, error) {
	data, err := readFontFile(file)
	if err != nil {
		return nil, fmt.Errorf("ui: fonts: %w", err)
	}
	c, err := sfnt.ParseCollection(data)
	if err != nil {
		return nil, fmt.Errorf("ui: fonts: %s: %w", file, err)
	}
	if index >= c.NumFonts() {
		return nil, fmt.Errorf("ui: fonts: %s has %d faces, no #%d", file, c.NumFonts(), index)
	}
	if index < 0 {
		index = preferredFace(c, prefer)
	}
	ft, err := c.Font(index)
	if err != nil {
		return nil, fmt.Errorf("ui: fonts: %s#%d: %w", file, index, err)
	}
	return ft, nil
}

func preferredFace(c *sfnt.Collection, prefer string) int {
	if prefer == "" {
		return 0
	}
	var buf sfnt.Buffer
	for i := 0; i < c.NumFonts(); i++ {
		ft, err := c.Font(i)
		if err != nil {
			continue
		}
		if name, err := ft.Name(&buf, sfnt.NameIDFamily); err == nil && strings.HasSuffix(name, prefer) {
			return i
		}
	}
	return 0
}
