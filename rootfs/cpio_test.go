package rootfs

import (
	"bytes"
	"io/fs"
	"strings"
	"testing"
)

func TestArchiveRoundTrip(t *testing.T) {
	var a Archive
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(a.AddFile("lib/modules/6.1/kernel/a.ko", []byte("abc"), 0o644))
	must(a.AddFile("init", []byte("12345"), 0o755))
	must(a.AddFile("a-b", nil, 0o600))
	must(a.AddCharDev("dev/console", 5, 1, 0o600))
	must(a.AddSymlink("bin/sh", "/init"))
	must(a.AddDir("tmp", 0o777|fs.ModeSticky))

	var buf bytes.Buffer
	n, err := a.WriteTo(&buf)
	must(err)
	if n != int64(buf.Len()) || n%4 != 0 {
		t.Fatalf("WriteTo = %d, buffer %d", n, buf.Len())
	}
	got := readCpio(t, buf.Bytes())
	var names []string
	for i, e := range got {
		names = append(names, e.name)
		if e.mtime != 0 || e.uid != 0 || e.gid != 0 {
			t.Errorf("%s: mtime %d uid %d gid %d, want zeros", e.name, e.mtime, e.uid, e.gid)
		}
		if e.ino != uint32(i+1) {
			t.Errorf("%s: ino %d, want %d", e.name, e.ino, i+1)
		}
	}
	want := "bin bin/sh dev dev/console init lib lib/modules lib/modules/6.1 lib/modules/6.1/kernel lib/modules/6.1/kernel/a.ko tmp a-b"
	// "a-b" sorts after every "a…/" path? No: parents first, then by path
	// with '/' lowest, so "a-b" comes first of all.
	want = "a-b " + strings.TrimSuffix(want, " a-b")
	if strings.Join(names, " ") != want {
		t.Errorf("order:\n %s\nwant\n %s", strings.Join(names, " "), want)
	}
	byName := map[string]cpioEntryRead{}
	for _, e := range got {
		byName[e.name] = e
	}
	for _, c := range []struct {
		name string
		mode uint32
		data string
	}{
		{"init", 0o100755, "12345"},
		{"lib/modules/6.1/kernel/a.ko", 0o100644, "abc"},
		{"bin/sh", 0o120777, "/init"},
		{"dev/console", 0o020600, ""},
		{"tmp", 0o041777, ""},
		{"lib", 0o040755, ""},
	} {
		e := byName[c.name]
		if e.mode != c.mode || string(e.data) != c.data {
			t.Errorf("%s: mode %o data %q, want %o %q", c.name, e.mode, e.data, c.mode, c.data)
		}
	}
	if c := byName["dev/console"]; c.rmajor != 5 || c.rminor != 1 {
		t.Errorf("console device %d:%d", c.rmajor, c.rminor)
	}
}

func TestArchiveRejects(t *testing.T) {
	var a Archive
	if err := a.AddFile("x", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"", "/", "a/../b", "a//b", "./a", "a/"} {
		if err := a.AddFile(p, nil, 0o644); err == nil {
			t.Errorf("path %q accepted", p)
		}
	}
	if err := a.AddFile("x", nil, 0o644); err == nil {
		t.Error("duplicate file accepted")
	}
	if err := a.AddFile("x/y", nil, 0o644); err == nil {
		t.Error("file under a file accepted")
	}
}

func TestInitramfsReproducible(t *testing.T) {
	build := func(order []string) []byte {
		var a Archive
		for _, n := range order {
			if err := a.AddFile(n, []byte(n), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		var buf bytes.Buffer
		if err := WriteInitramfs(&buf, &a); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	x := build([]string{"b/c", "a", "b/a"})
	y := build([]string{"a", "b/a", "b/c"})
	if !bytes.Equal(x, y) {
		t.Error("same content in another order gave other bytes")
	}
	// Uncompressed (newc magic first), so a delta of two slot images
	// sees the changed files' bytes, not a recompressed stream.
	if !bytes.HasPrefix(x, []byte("070701")) {
		t.Fatalf("initramfs starts %q, want an uncompressed newc cpio", x[:min(len(x), 6)])
	}
	raw := x
	if got := len(readCpio(t, raw)); got != 4 {
		t.Errorf("%d entries, want 4", got)
	}
}
