package rootfs

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// needTools fails the test when a host tool is missing (rootfs/deps.sh
// installs them all), except under -short, where it skips.
func needTools(t testing.TB, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if testing.Short() {
				t.Skipf("%s not installed (rootfs/deps.sh)", tool)
			}
			t.Fatalf("%s not installed: run rootfs/deps.sh", tool)
		}
	}
}

// fakeModuleELF is a minimal ELF64 relocatable file whose only content is
// a .modinfo section, enough for ReadModinfo.
func fakeModuleELF(modinfo string) []byte {
	shstr := []byte("\x00.modinfo\x00.shstrtab\x00")
	info := []byte(modinfo)
	const ehsize, shentsize = 64, 64
	infoOff := ehsize
	strOff := infoOff + len(info)
	shOff := (strOff + len(shstr) + 7) &^ 7
	var b bytes.Buffer
	h := make([]byte, ehsize)
	copy(h, "\x7fELF")
	h[4], h[5], h[6] = 2, 1, 1 // 64-bit, little-endian, version 1
	le := binary.LittleEndian
	le.PutUint16(h[16:], 1)   // ET_REL
	le.PutUint16(h[18:], 183) // EM_AARCH64
	le.PutUint32(h[20:], 1)
	le.PutUint64(h[40:], uint64(shOff))
	le.PutUint16(h[52:], ehsize)
	le.PutUint16(h[58:], shentsize)
	le.PutUint16(h[60:], 3) // sections: null, .modinfo, .shstrtab
	le.PutUint16(h[62:], 2) // .shstrtab index
	b.Write(h)
	b.Write(info)
	b.Write(shstr)
	b.Write(make([]byte, shOff-b.Len()))
	sh := func(name, typ uint32, off, size int) {
		s := make([]byte, shentsize)
		le.PutUint32(s[0:], name)
		le.PutUint32(s[4:], typ)
		le.PutUint64(s[24:], uint64(off))
		le.PutUint64(s[32:], uint64(size))
		le.PutUint64(s[48:], 1)
		b.Write(s)
	}
	sh(0, 0, 0, 0)
	sh(1, 1, infoOff, len(info))  // .modinfo, SHT_PROGBITS
	sh(10, 3, strOff, len(shstr)) // .shstrtab, SHT_STRTAB
	return b.Bytes()
}

func modinfoText(name string, deps ...string) string {
	return fmt.Sprintf("license=GPL\x00depends=%s\x00name=%s\x00vermagic=6.1.0-test SMP\x00", strings.Join(deps, ","), name)
}

// cpioEntryRead is one entry of a newc archive, as readCpio decodes it.
type cpioEntryRead struct {
	name              string
	ino, mode, uid    uint32
	gid, nlink, mtime uint32
	rmajor, rminor    uint32
	data              []byte
}

// readCpio decodes a newc archive up to its trailer, checking alignment.
func readCpio(t *testing.T, b []byte) []cpioEntryRead {
	t.Helper()
	var out []cpioEntryRead
	off := 0
	pad := func(n int) int { return (n + 3) &^ 3 }
	for {
		if off+110 > len(b) || string(b[off:off+6]) != "070701" {
			t.Fatalf("bad header at %d", off)
		}
		f := make([]uint32, 13)
		for i := range f {
			v, err := strconv.ParseUint(string(b[off+6+8*i:off+14+8*i]), 16, 32)
			if err != nil {
				t.Fatalf("header field %d at %d: %v", i, off, err)
			}
			f[i] = uint32(v)
		}
		namesize, filesize := int(f[11]), int(f[6])
		name := string(b[off+110 : off+110+namesize-1])
		dataOff := pad(off + 110 + namesize)
		if name == "TRAILER!!!" {
			return out
		}
		out = append(out, cpioEntryRead{name: name, ino: f[0], mode: f[1], uid: f[2], gid: f[3], nlink: f[4], mtime: f[5],
			rmajor: f[9], rminor: f[10], data: b[dataOff : dataOff+filesize]})
		off = pad(dataOff + filesize)
	}
}
