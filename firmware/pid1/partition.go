package pid1

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// findPartition returns the device node ("/dev/vda3") of the partition
// whose GPT name is label, from the uevent files under
// <root>/sys/class/block (PARTNAME and DEVNAME, which the kernel sets
// without udev), or "" when none has it. Several matches: the first by
// device name.
func findPartition(root, label string) (string, error) {
	dirs, err := os.ReadDir(filepath.Join(root, "sys", "class", "block"))
	if err != nil {
		return "", err
	}
	names := make([]string, 0, len(dirs))
	for _, d := range dirs {
		names = append(names, d.Name())
	}
	sort.Strings(names)
	for _, n := range names {
		f, err := os.Open(filepath.Join(root, "sys", "class", "block", n, "uevent"))
		if err != nil {
			continue
		}
		ev := ParseUevent(f)
		f.Close()
		if ev["PARTNAME"] == label && ev["DEVNAME"] != "" {
			return "/dev/" + ev["DEVNAME"], nil
		}
	}
	return "", nil
}

// ParseUevent reads a sysfs uevent file: KEY=value lines.
func ParseUevent(r io.Reader) map[string]string {
	m := map[string]string{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			m[k] = v
		}
	}
	return m
}

// FindPartition returns the device node of the partition whose GPT name
// is label under root ("" for "/"), or "" when none has it.
func FindPartition(root, label string) (string, error) {
	return findPartition(or(root, "/"), label)
}
