package rootfs

import (
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// Archive is the content of an initramfs: files, directories, symlinks and
// device nodes by path. WriteTo emits it as a newc cpio archive
// (the format the kernel unpacks, Documentation/driver-api/early-userspace/
// buffer-format.rst) that depends only on the content: entries sorted by
// path with parents first, inode numbers counted in that order, mtimes,
// uids and gids zero. The zero value is an empty archive.
type Archive struct {
	entries map[string]cpioEntry
}

type cpioEntry struct {
	mode         uint32 // type bits and permissions, as in stat(2)
	data         []byte // file content or symlink target
	rmajor, rmin uint32 // device number of a device node
}

// File modes in the cpio header (stat(2) S_IF*).
const (
	modeDir  = 0o040000
	modeFile = 0o100000
	modeLink = 0o120000
	modeChar = 0o020000
)

func (a *Archive) put(name string, e cpioEntry) error {
	clean := path.Clean("/" + name)[1:]
	if clean == "" || clean != strings.TrimPrefix(name, "/") {
		return fmt.Errorf("rootfs: cpio: bad path %q", name)
	}
	if a.entries == nil {
		a.entries = map[string]cpioEntry{}
	}
	if old, ok := a.entries[clean]; ok && !(old.mode&0o170000 == modeDir && e.mode&0o170000 == modeDir) {
		return fmt.Errorf("rootfs: cpio: %s added twice", clean)
	}
	a.entries[clean] = e
	// Parent directories, so the kernel can create the entry.
	for dir := path.Dir(clean); dir != "."; dir = path.Dir(dir) {
		if old, ok := a.entries[dir]; ok {
			if old.mode&0o170000 != modeDir {
				return fmt.Errorf("rootfs: cpio: %s is not a directory", dir)
			}
			continue
		}
		a.entries[dir] = cpioEntry{mode: modeDir | 0o755}
	}
	return nil
}

// AddFile adds a regular file with permissions perm (e.g. 0o755).
func (a *Archive) AddFile(name string, data []byte, perm fs.FileMode) error {
	return a.put(name, cpioEntry{mode: modeFile | unixPerm(perm), data: data})
}

// AddDir adds a directory with permissions perm. Adding a directory twice
// keeps the last permissions.
func (a *Archive) AddDir(name string, perm fs.FileMode) error {
	return a.put(name, cpioEntry{mode: modeDir | unixPerm(perm)})
}

// AddSymlink adds a symbolic link to target.
func (a *Archive) AddSymlink(name, target string) error {
	return a.put(name, cpioEntry{mode: modeLink | 0o777, data: []byte(target)})
}

// AddCharDev adds a character device node major:minor with permissions perm.
func (a *Archive) AddCharDev(name string, major, minor uint32, perm fs.FileMode) error {
	return a.put(name, cpioEntry{mode: modeChar | unixPerm(perm), rmajor: major, rmin: minor})
}

// unixPerm is perm in stat(2) bits: permissions plus setuid, setgid and
// sticky, which fs.FileMode keeps apart.
func unixPerm(perm fs.FileMode) uint32 {
	p := uint32(perm.Perm())
	if perm&fs.ModeSetuid != 0 {
		p |= 0o4000
	}
	if perm&fs.ModeSetgid != 0 {
		p |= 0o2000
	}
	if perm&fs.ModeSticky != 0 {
		p |= 0o1000
	}
	return p
}

// Paths lists the entries, in archive order.
func (a *Archive) Paths() []string {
	p := make([]string, 0, len(a.entries))
	for k := range a.entries {
		p = append(p, k)
	}
	// Sorting on the path split at '/' puts a directory right before its
	// children ("a", "a/b", "a-b") whatever bytes sort below '/'.
	sort.Slice(p, func(i, j int) bool {
		return strings.ReplaceAll(p[i], "/", "\x00") < strings.ReplaceAll(p[j], "/", "\x00")
	})
	return p
}

// WriteTo writes the archive, ending with the TRAILER!!! entry.
func (a *Archive) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	ino := uint32(1)
	for _, p := range a.Paths() {
		e := a.entries[p]
		nlink := uint32(1)
		if e.mode&0o170000 == modeDir {
			nlink = 2
		}
		if err := writeCpio(cw, p, ino, e.mode, nlink, e.rmajor, e.rmin, e.data); err != nil {
			return cw.n, err
		}
		ino++
	}
	if err := writeCpio(cw, "TRAILER!!!", 0, 0, 1, 0, 0, nil); err != nil {
		return cw.n, err
	}
	return cw.n, nil
}

func writeCpio(w *countWriter, name string, ino, mode, nlink, rmajor, rminor uint32, data []byte) error {
	// c_magic, then 13 eight-digit hex fields: ino, mode, uid, gid, nlink,
	// mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize
	// (with its NUL), check (0 for newc).
	hdr := fmt.Sprintf("070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		ino, mode, 0, 0, nlink, 0, len(data), 0, 0, rmajor, rminor, len(name)+1, 0)
	w.WriteString(hdr)
	w.WriteString(name)
	w.Write([]byte{0})
	w.pad4()
	w.Write(data)
	w.pad4()
	return w.err
}

// countWriter counts bytes for the 4-byte alignment newc needs and keeps
// the first error, so the writer above can stay linear.
type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	if err != nil {
		c.err = fmt.Errorf("rootfs: cpio: %w", err)
	}
	return n, c.err
}

func (c *countWriter) WriteString(s string) { c.Write([]byte(s)) }

func (c *countWriter) pad4() {
	if r := c.n % 4; r != 0 {
		c.Write(make([]byte, 4-r))
	}
}
