package virtual

import "io/fs"

// mustSub narrows the embedded tree; the directory is fixed at build time,
// so a failure is a programmer error.
func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return sub
}
