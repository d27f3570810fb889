package ui

import (
	"fmt"
	"os"
	"syscall"
)

// readFontFile maps a font file read-only instead of reading it: a CJK
// collection is about 20 MB, of which drawing touches only the tables
// and glyphs it uses, so only those pages become resident (and they are
// file pages the kernel can drop). The mapping lives as long as the
// process, like the fonts. Font files are system files that are not
// rewritten in place while the terminal runs.
func readFontFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := st.Size()
	if size == 0 || size != int64(int(size)) {
		return os.ReadFile(path) // nothing to map; let the parser say why
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("mmap %s: %w", path, err)
	}
	return data, nil
}
