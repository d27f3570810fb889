package rootfs

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"unicode/utf16"
)

// GPT layout constants (UEFI 2.10, section 5.3), for 512-byte sectors.
const (
	SectorSize     = 512
	gptEntries     = 128 // partition entries in the array
	gptEntrySize   = 128 // bytes per entry
	gptHeaderSize  = 92
	gptArraySects  = gptEntries * gptEntrySize / SectorSize // 32
	gptFirstUsable = 2 + gptArraySects                      // LBA 34
	gptNameUnits   = 36                                     // UTF-16 code units in a name
)

// TypeBasicData is the partition type "Microsoft basic data", which U-Boot
// and Linux expect for a FAT partition that is not an EFI system partition.
func TypeBasicData() GUID { return MustGUID("EBD0A0A2-B9E5-4433-87C0-68B6B72699C7") }

// TypeLinuxData is the partition type "Linux filesystem data".
func TypeLinuxData() GUID { return MustGUID("0FC63DAF-8483-4772-8E79-3D69D8477DE4") }

// AttrLegacyBootable is GPT attribute bit 2, "legacy BIOS bootable". U-Boot's
// distro boot scans the partitions carrying it first for boot.scr.
const AttrLegacyBootable = 1 << 2

// GUID is a GUID in its textual byte order (as printed); Bytes gives the
// mixed-endian on-disk form GPT uses.
type GUID [16]byte

// ParseGUID parses "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx".
func ParseGUID(s string) (GUID, error) {
	var g GUID
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return g, fmt.Errorf("rootfs: bad GUID %q", s)
	}
	hex := s[:8] + s[9:13] + s[14:18] + s[19:23] + s[24:]
	for i := range g {
		hi, ok1 := unhex(hex[2*i])
		lo, ok2 := unhex(hex[2*i+1])
		if !ok1 || !ok2 {
			return GUID{}, fmt.Errorf("rootfs: bad GUID %q", s)
		}
		g[i] = hi<<4 | lo
	}
	return g, nil
}

// MustGUID is ParseGUID for constants; it panics on a malformed literal.
func MustGUID(s string) GUID {
	g, err := ParseGUID(s)
	if err != nil {
		panic(err)
	}
	return g
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func (g GUID) String() string {
	return fmt.Sprintf("%X-%X-%X-%X-%X", g[0:4], g[4:6], g[6:8], g[8:10], g[10:16])
}

// Bytes is the on-disk encoding: the first three fields little-endian.
func (g GUID) Bytes() [16]byte {
	var b [16]byte
	b[0], b[1], b[2], b[3] = g[3], g[2], g[1], g[0]
	b[4], b[5] = g[5], g[4]
	b[6], b[7] = g[7], g[6]
	copy(b[8:], g[8:])
	return b
}

// StableGUID derives a version-4-shaped GUID from seed, so an image built
// twice from the same inputs carries the same disk and partition GUIDs.
func StableGUID(seed string) GUID {
	sum := sha256.Sum256([]byte("payterm-guid\x00" + seed))
	var g GUID
	copy(g[:], sum[:16])
	g[6] = g[6]&0x0f | 0x40 // version 4
	g[8] = g[8]&0x3f | 0x80 // RFC 4122 variant
	return g
}

// Partition is one GPT entry. FirstLBA and LastLBA are inclusive sector
// numbers; Name is at most 36 UTF-16 code units.
type Partition struct {
	Type       GUID
	GUID       GUID
	FirstLBA   uint64
	LastLBA    uint64
	Attributes uint64
	Name       string
}

// GPT returns the start of a disk of totalSectors sectors (protective MBR,
// primary header, entry array: LBAs 0–33) and its end (backup entry array
// and backup header: the last 33 sectors) for the partitions given, which
// must lie in the usable area without overlapping.
func GPT(totalSectors uint64, disk GUID, parts []Partition) (head, tail []byte, err error) {
	if len(parts) > gptEntries {
		return nil, nil, fmt.Errorf("rootfs: gpt: %d partitions, at most %d", len(parts), gptEntries)
	}
	if totalSectors < 2*gptFirstUsable+1 {
		return nil, nil, fmt.Errorf("rootfs: gpt: disk of %d sectors too small", totalSectors)
	}
	lastUsable := totalSectors - 1 - gptArraySects - 1
	array := make([]byte, gptEntries*gptEntrySize)
	for i, p := range parts {
		if p.FirstLBA < gptFirstUsable || p.LastLBA > lastUsable || p.FirstLBA > p.LastLBA {
			return nil, nil, fmt.Errorf("rootfs: gpt: partition %d (%s) at %d–%d outside %d–%d", i+1, p.Name, p.FirstLBA, p.LastLBA, gptFirstUsable, lastUsable)
		}
		for j := range i {
			if q := parts[j]; p.FirstLBA <= q.LastLBA && q.FirstLBA <= p.LastLBA {
				return nil, nil, fmt.Errorf("rootfs: gpt: partitions %d and %d overlap", j+1, i+1)
			}
		}
		name := utf16.Encode([]rune(p.Name))
		if len(name) > gptNameUnits {
			return nil, nil, fmt.Errorf("rootfs: gpt: partition name %q too long", p.Name)
		}
		e := array[i*gptEntrySize : (i+1)*gptEntrySize]
		tb, gb := p.Type.Bytes(), p.GUID.Bytes()
		copy(e[0:16], tb[:])
		copy(e[16:32], gb[:])
		binary.LittleEndian.PutUint64(e[32:], p.FirstLBA)
		binary.LittleEndian.PutUint64(e[40:], p.LastLBA)
		binary.LittleEndian.PutUint64(e[48:], p.Attributes)
		for k, u := range name {
			binary.LittleEndian.PutUint16(e[56+2*k:], u)
		}
	}
	arrayCRC := crc32.ChecksumIEEE(array)

	header := func(my, alt, arrayLBA uint64) []byte {
		h := make([]byte, SectorSize)
		copy(h[0:8], "EFI PART")
		binary.LittleEndian.PutUint32(h[8:], 0x00010000) // revision 1.0
		binary.LittleEndian.PutUint32(h[12:], gptHeaderSize)
		binary.LittleEndian.PutUint64(h[24:], my)
		binary.LittleEndian.PutUint64(h[32:], alt)
		binary.LittleEndian.PutUint64(h[40:], gptFirstUsable)
		binary.LittleEndian.PutUint64(h[48:], lastUsable)
		db := disk.Bytes()
		copy(h[56:72], db[:])
		binary.LittleEndian.PutUint64(h[72:], arrayLBA)
		binary.LittleEndian.PutUint32(h[80:], gptEntries)
		binary.LittleEndian.PutUint32(h[84:], gptEntrySize)
		binary.LittleEndian.PutUint32(h[88:], arrayCRC)
		binary.LittleEndian.PutUint32(h[16:], crc32.ChecksumIEEE(h[:gptHeaderSize]))
		return h
	}

	head = make([]byte, gptFirstUsable*SectorSize)
	writeProtectiveMBR(head[:SectorSize], totalSectors)
	copy(head[SectorSize:], header(1, totalSectors-1, 2))
	copy(head[2*SectorSize:], array)

	tail = make([]byte, (gptArraySects+1)*SectorSize)
	copy(tail, array)
	copy(tail[gptArraySects*SectorSize:], header(totalSectors-1, 1, totalSectors-1-gptArraySects))
	return head, tail, nil
}

// writeProtectiveMBR fills one sector with an MBR whose single partition
// of type 0xEE covers the disk, so MBR-only tools leave it alone.
func writeProtectiveMBR(s []byte, totalSectors uint64) {
	e := s[446:462]
	e[0] = 0x00                         // not bootable
	e[1], e[2], e[3] = 0x00, 0x02, 0x00 // CHS of LBA 1
	e[4] = 0xEE                         // GPT protective
	e[5], e[6], e[7] = 0xFF, 0xFF, 0xFF // CHS beyond reach
	binary.LittleEndian.PutUint32(e[8:], 1)
	size := totalSectors - 1
	if size > 0xFFFFFFFF {
		size = 0xFFFFFFFF
	}
	binary.LittleEndian.PutUint32(e[12:], uint32(size))
	s[510], s[511] = 0x55, 0xAA
}

// ReadGPT decodes the primary header and entry array from the first 34
// sectors of a disk, checking both CRCs; it returns the partitions in use
// in entry order. It is the inverse of GPT's head, for tests and tools.
func ReadGPT(head []byte) (disk GUID, parts []Partition, err error) {
	if len(head) < gptFirstUsable*SectorSize {
		return disk, nil, errors.New("rootfs: gpt: short read")
	}
	h := head[SectorSize : 2*SectorSize]
	if string(h[0:8]) != "EFI PART" {
		return disk, nil, errors.New("rootfs: gpt: no signature")
	}
	hs := binary.LittleEndian.Uint32(h[12:])
	if hs < gptHeaderSize || hs > SectorSize {
		return disk, nil, fmt.Errorf("rootfs: gpt: header size %d", hs)
	}
	hc := make([]byte, hs)
	copy(hc, h[:hs])
	binary.LittleEndian.PutUint32(hc[16:], 0)
	if crc32.ChecksumIEEE(hc) != binary.LittleEndian.Uint32(h[16:]) {
		return disk, nil, errors.New("rootfs: gpt: header CRC mismatch")
	}
	if binary.LittleEndian.Uint64(h[72:]) != 2 || binary.LittleEndian.Uint32(h[80:]) != gptEntries || binary.LittleEndian.Uint32(h[84:]) != gptEntrySize {
		return disk, nil, errors.New("rootfs: gpt: unsupported entry array layout")
	}
	array := head[2*SectorSize : gptFirstUsable*SectorSize]
	if crc32.ChecksumIEEE(array) != binary.LittleEndian.Uint32(h[88:]) {
		return disk, nil, errors.New("rootfs: gpt: entry array CRC mismatch")
	}
	disk = guidFromBytes(h[56:72])
	for i := 0; i < gptEntries; i++ {
		e := array[i*gptEntrySize : (i+1)*gptEntrySize]
		t := guidFromBytes(e[0:16])
		if t == (GUID{}) {
			continue
		}
		var units []uint16
		for k := 0; k < gptNameUnits; k++ {
			u := binary.LittleEndian.Uint16(e[56+2*k:])
			if u == 0 {
				break
			}
			units = append(units, u)
		}
		parts = append(parts, Partition{
			Type:       t,
			GUID:       guidFromBytes(e[16:32]),
			FirstLBA:   binary.LittleEndian.Uint64(e[32:]),
			LastLBA:    binary.LittleEndian.Uint64(e[40:]),
			Attributes: binary.LittleEndian.Uint64(e[48:]),
			Name:       string(utf16.Decode(units)),
		})
	}
	return disk, parts, nil
}

func guidFromBytes(b []byte) GUID {
	var g GUID
	g[0], g[1], g[2], g[3] = b[3], b[2], b[1], b[0]
	g[4], g[5] = b[5], b[4]
	g[6], g[7] = b[7], b[6]
	copy(g[8:], b[8:16])
	return g
}
